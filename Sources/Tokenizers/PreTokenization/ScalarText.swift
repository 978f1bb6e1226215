/// Text as Unicode scalars with the character classes the split patterns test, computed once per
/// text. Pre-tokenizers work on scalar indices; `byteOffsets` maps them back to UTF-8 bytes.
struct ScalarText {
    /// (n) the scalars
    let scalars: [UInt32]
    /// (n) class bits of each scalar (`CharClass`)
    let classes: [CharClass]
    /// (n + 1) UTF-8 byte offset of each scalar, and the total byte count last
    let byteOffsets: [Int]

    init(_ text: Substring) {
        var text = text
        // Decoded by hand from contiguous UTF-8: iterating unicodeScalars validates each index.
        let decoded = text.withUTF8 { ScalarText.decode($0) }
        scalars = decoded.scalars
        classes = decoded.classes
        byteOffsets = decoded.offsets
    }

    private static func decode(_ u: UnsafeBufferPointer<UInt8>) -> (scalars: [UInt32], classes: [CharClass], offsets: [Int]) {
        var scalars: [UInt32] = [], classes: [CharClass] = [], offsets: [Int] = []
        scalars.reserveCapacity(u.count); classes.reserveCapacity(u.count); offsets.reserveCapacity(u.count + 1)
        var i = 0
        let n = u.count
        while i < n {
            let b = u[i]
            offsets.append(i)
            if b < 0x80 {
                scalars.append(UInt32(b)); classes.append(CharClass.ascii[Int(b)]); i += 1
                continue
            }
            // Valid UTF-8 (it comes from a Swift string): the lead byte gives the length.
            var v: UInt32, len: Int
            if b < 0xE0 { v = UInt32(b & 0x1F); len = 2 } else if b < 0xF0 { v = UInt32(b & 0x0F); len = 3 } else { v = UInt32(b & 0x07); len = 4 }
            for k in 1..<len { v = v << 6 | UInt32(u[i + k] & 0x3F) }
            scalars.append(v)
            classes.append(CharClass.of(Unicode.Scalar(v)!))
            i += len
        }
        offsets.append(n)
        return (scalars, classes, offsets)
    }

    var count: Int { scalars.count }
}

/// The Unicode classes split patterns use, as bits: letters by general category, marks,
/// numbers, White_Space, and CR/LF, as the reference regex engines see them (`regexUnicode`);
/// and `numeric`, Rust's `char::is_numeric`, which the Digits pre-tokenizer tests.
struct CharClass: OptionSet, Sendable {
    let rawValue: UInt16
    static let upper = CharClass(rawValue: 1 << 0)      // Lu
    static let title = CharClass(rawValue: 1 << 1)      // Lt
    static let lower = CharClass(rawValue: 1 << 2)      // Ll
    static let modifier = CharClass(rawValue: 1 << 3)   // Lm
    static let otherLetter = CharClass(rawValue: 1 << 4) // Lo
    static let mark = CharClass(rawValue: 1 << 5)       // Mn, Mc, Me
    static let number = CharClass(rawValue: 1 << 6)     // Nd, Nl, No (\p{N})
    static let space = CharClass(rawValue: 1 << 7)      // White_Space
    static let newline = CharClass(rawValue: 1 << 8)    // \r or \n
    static let numeric = CharClass(rawValue: 1 << 9)    // Nd, Nl, No of the whole Unicode table

    static let letter: CharClass = [.upper, .title, .lower, .modifier, .otherLetter]
    /// o200k's "upper-ish" run: [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
    static let casedHead: CharClass = [.upper, .title, .modifier, .otherLetter, .mark]
    /// o200k's "lower-ish" run: [\p{Ll}\p{Lm}\p{Lo}\p{M}]
    static let casedTail: CharClass = [.lower, .modifier, .otherLetter, .mark]

    /// The Basic Multilingual Plane is looked up (a table built on first use, 128 KiB); other
    /// scalars ask the Unicode tables.
    static func of(_ s: Unicode.Scalar) -> CharClass {
        s.value < 0x10000 ? bmp[Int(s.value)] : compute(s)
    }

    static let ascii: [CharClass] = Array(bmp[0..<128])
    private static let bmp: [CharClass] = (0..<0x10000).map { v in Unicode.Scalar(UInt32(v)).map(compute) ?? [] }

    /// The Unicode version of the regex engines' tables: Oniguruma in `tokenizers` 0.23 and the
    /// regex crate in tiktoken 0.14 see a scalar assigned later (Swift 6.3 knows Unicode 17) as
    /// unassigned: not `\p{L}`, `\p{M}`, `\p{N}` (measured over every scalar). Rust's
    /// `char::is_numeric` in `tokenizers` follows the newer table, as `numeric` does.
    static let regexUnicode = (major: 16, minor: 0)

    private static func compute(_ s: Unicode.Scalar) -> CharClass {
        var c: CharClass = []
        let category = s.properties.generalCategory
        if category == .decimalNumber || category == .letterNumber || category == .otherNumber { c.insert(.numeric) }
        if let age = s.properties.age, (age.major, age.minor) > regexUnicode { return c }
        switch category {
        case .uppercaseLetter: c.insert(.upper)
        case .titlecaseLetter: c.insert(.title)
        case .lowercaseLetter: c.insert(.lower)
        case .modifierLetter: c.insert(.modifier)
        case .otherLetter: c.insert(.otherLetter)
        case .nonspacingMark, .spacingMark, .enclosingMark: c.insert(.mark)
        case .decimalNumber, .letterNumber, .otherNumber: c.insert(.number)
        default: break
        }
        if s.properties.isWhitespace { c.insert(.space) }
        if s == "\r" || s == "\n" { c.insert(.newline) }
        return c
    }
}
