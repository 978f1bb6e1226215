/// How much of the encoded text each token stands for. needle-eval builds prompts as text and
/// reports where a needle lands in the whole text's tokens; with these lengths a token index and
/// a byte offset in the text convert into each other without decoding (BPE tokens are not
/// concatenation-stable, so counting the pieces' tokens separately would be wrong).
public protocol TokenTextLengths: Tokenizer {
    /// Indexed by token id: the UTF-8 bytes of input text the token covers wherever it occurs
    /// after the first token of an encoding (a "▁" a tokenizer prepends at the very start covers
    /// nothing there, so the first token may be off). -1 where the length is not fixed or not
    /// known: ids outside the vocabulary, unknown-token ids, added tokens that take whitespace.
    func textByteLengths() -> [Int32]
    /// True when the table grows as the tokenizer encodes (a server's tokenizer learns the text
    /// of the tokens it has seen): a reader should fetch it again for a token it did not know.
    var learnsTextByteLengths: Bool { get }
}

extension TokenTextLengths {
    public var learnsTextByteLengths: Bool { false }
}

extension ByteTokenizer: TokenTextLengths {
    public func textByteLengths() -> [Int32] {
        var table = [Int32](repeating: -1, count: Int(max(bosID, eosID, padID, 255)) + 1)
        for b in 0..<256 { table[b] = 1 }
        return table
    }
}

extension TiktokenTokenizer: TokenTextLengths {
    /// A rank's bytes, specials as the text that encodes to them.
    public func textByteLengths() -> [Int32] {
        var table = [Int32](repeating: -1, count: Int(tokenBytes.keys.max() ?? 0) + 1)
        for (id, bytes) in tokenBytes where id >= 0 { table[Int(id)] = Int32(bytes.count) }
        return table
    }
}

extension HuggingFaceTokenizer: TokenTextLengths {
    /// Byte-level vocabularies spell each byte as one character; SentencePiece-style ones spell a
    /// space as "▁" and a fallback byte as `<0xNN>`. Added tokens cover their content.
    public func textByteLengths() -> [Int32] {
        var table = [Int32](repeating: -1, count: Int(tokenStrings.keys.max() ?? 0) + 1)
        for (id, token) in tokenStrings where id >= 0 && id != model.unkID {
            if byteLevel != nil {
                if let bytes = ByteLevelAlphabet.decode(token) { table[Int(id)] = Int32(bytes.count) }
            } else if Decoder.fallbackByte(token) != nil {
                table[Int(id)] = 1
            } else {
                table[Int(id)] = Int32(token.unicodeScalars.reduce(0) { $0 + ($1 == "\u{2581}" ? 1 : String($1).utf8.count) })
            }
        }
        for rule in rawAdded.rules + normalizedAdded.rules where rule.id >= 0 {
            // A `<0xNN>` listed as an added token is still what byte fallback emits for one byte.
            if model.byteFallback && Decoder.fallbackByte(rule.content) != nil { continue }
            table[Int(rule.id)] = rule.lstrip || rule.rstrip ? -1 : Int32(rule.content.utf8.count)
        }
        return table
    }
}
