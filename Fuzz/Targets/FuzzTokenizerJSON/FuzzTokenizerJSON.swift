import FuzzSupport
import Tokenizers

/// A `tokenizer.json` as `--tokenizer` reads it (the byte tokenizer's small file or a Hugging Face
/// one: added tokens, normalizer, pre-tokenizer, BPE vocabulary and merges, post-processor,
/// decoder). A file that loads must then encode and decode text without trapping; one that does
/// not must be refused with an error naming the JSON path.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzTokenizerJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    let url = FuzzInput.write(bytes, to: "tokenizer.json")
    guard let tokenizer = try? TokenizerFile.load(path: url.path) else { return 0 }
    exercise(tokenizer, bytes: bytes)
    return 0
}

/// Encodes fixed text with every kind of character a prompt holds, and the input's own bytes as
/// text (its strings are the file's tokens); decodes what came out, and a few ids taken from the
/// input, skipping specials and not.
func exercise(_ tokenizer: any Tokenizer, bytes: [UInt8]) {
    let samples = ["The special magic number for lake-turtle is: 4821.\n\tfn main() {}  ",
                   "Größe 日本語 🙂 <|endoftext|><s></s>", FuzzInput.text(bytes.suffix(256))]
    for text in samples {
        let ids = tokenizer.prefixTokens + tokenizer.encode(text)
        _ = tokenizer.decode(ids)
        _ = tokenizer.decode(ids, skipSpecialTokens: false)
    }
    let known = Array(Set(tokenizer.encode(FuzzInput.text(bytes.prefix(256))))).sorted()
    _ = tokenizer.decode(known.reversed(), skipSpecialTokens: false)
}

@main
enum Main {
    static func main() { FuzzDriver.run(fuzzTokenizerJSON) }
}
