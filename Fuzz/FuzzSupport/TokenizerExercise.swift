import Tokenizers

/// What the tokenizer targets do with a file that loaded: encode fixed text holding every kind of
/// character a prompt has, and the input's own bytes as text (its strings are the file's tokens);
/// decode what came out, skipping specials and not, and the distinct ids in reverse order.
public func exercise(_ tokenizer: any Tokenizer, bytes: [UInt8]) {
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
