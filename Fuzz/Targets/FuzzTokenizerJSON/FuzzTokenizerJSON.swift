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

@main
enum Main {
    static func main() { FuzzDriver.run(fuzzTokenizerJSON) }
}
