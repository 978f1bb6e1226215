/// GPT-2's byte-level alphabet: every byte is shown as one printable character, so BPE vocabularies
/// of byte-level models are strings. Printable bytes (! to ~, ¡ to ¬, ® to ÿ) stand for
/// themselves; the other 68 take U+0100, U+0101, … in byte order.
enum ByteLevelAlphabet {
    /// (256) the character of each byte
    static let characters: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            let printable = (33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b)
            if printable { table[b] = Unicode.Scalar(UInt32(b))! } else { table[b] = Unicode.Scalar(next)!; next += 1 }
        }
        return table
    }()

    /// The byte a character stands for, or nil for a character outside the alphabet.
    static let bytes: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (b, c) in characters.enumerated() { map[c.value] = UInt8(b) }
        return map
    }()

    /// The bytes an alphabet string stands for; nil if a character is outside the alphabet.
    static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.unicodeScalars.count)
        for s in text.unicodeScalars {
            guard let b = bytes[s.value] else { return nil }
            out.append(b)
        }
        return out
    }
}
