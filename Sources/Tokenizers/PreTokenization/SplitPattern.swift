/// The split regexes of the byte-level BPE families in use, recognised by their exact text and
/// matched by hand-written scanners (each alternative in order, with the regex's backtracking
/// worked out per case), because they run over every byte of a 1M-token haystack. A pattern not
/// listed here is refused by the loader, never approximated.
enum SplitPattern: Sendable, Equatable {
    /// GPT-2 / r50k / p50k: 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
    case gpt2
    /// cl100k / Llama 3 (maxDigits 3) and Qwen 2 (maxDigits 1). `wholeTrailingWhitespace`: the
    /// tiktoken form's `\s++$`, which keeps a final whitespace run (newlines included) together.
    case cl100k(maxDigits: Int, wholeTrailingWhitespace: Bool)
    /// o200k (GPT-4o): case-aware letter runs with contractions attached.
    case o200k
    /// Every scalar of a class is a match of its own, the rest lies between matches: `\p{N}`
    /// (`.number`, SmolLM's digit split) and the Digits pre-tokenizer (`.numeric`).
    case eachScalar(CharClass)

    static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    static let r50kTiktoken = #"'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s"#
    static let llama3Pattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let qwen2Pattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let cl100kTiktoken = #"'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"#
    static let o200kPattern = [
        #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#,
        #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#,
        #"\p{N}{1,3}"#, #" ?[^\s\p{L}\p{N}]+[\r\n/]*"#, #"\s*[\r\n]+"#, #"\s+(?!\S)"#, #"\s+"#,
    ].joined(separator: "|")
    static let numberPattern = #"\p{N}"#

    /// The pattern a regex text denotes, or nil when it is not one of these.
    static func recognize(_ regex: String) -> SplitPattern? {
        switch regex {
        case gpt2Pattern, r50kTiktoken: return .gpt2
        case llama3Pattern: return .cl100k(maxDigits: 3, wholeTrailingWhitespace: false)
        case qwen2Pattern: return .cl100k(maxDigits: 1, wholeTrailingWhitespace: false)
        case cl100kTiktoken: return .cl100k(maxDigits: 3, wholeTrailingWhitespace: true)
        case o200kPattern: return .o200k
        case numberPattern: return .eachScalar(.number)
        default: return nil
        }
    }

    /// The pieces of `text` as scalar ranges: every match, and (`isMatch` false) any run of
    /// scalars no alternative matched, in order, covering the text.
    func pieces(_ t: ScalarText) -> [(range: Range<Int>, isMatch: Bool)] {
        var out: [(range: Range<Int>, isMatch: Bool)] = []
        out.reserveCapacity(t.count / 3 + 1)
        let scanner = Scanner(t: t)
        var i = 0, gapStart = -1
        while i < t.count {
            let end: Int?
            switch self {
            case .gpt2: end = scanner.gpt2(i)
            case let .cl100k(digits, trailing): end = scanner.cl100k(i, maxDigits: digits, wholeTrailingWhitespace: trailing)
            case .o200k: end = scanner.o200k(i)
            case let .eachScalar(c): end = scanner.has(i, c) ? i + 1 : nil
            }
            if let end, end > i {
                if gapStart >= 0 { out.append((gapStart..<i, false)); gapStart = -1 }
                out.append((i..<end, true))
                i = end
            } else {
                if gapStart < 0 { gapStart = i }
                i += 1
            }
        }
        if gapStart >= 0 { out.append((gapStart..<t.count, false)) }
        return out
    }
}

/// The alternatives of the split patterns at one position; each returns the end of its match.
private struct Scanner {
    let t: ScalarText
    var n: Int { t.count }

    @inline(__always) func has(_ i: Int, _ c: CharClass) -> Bool { i < n && !t.classes[i].isDisjoint(with: c) }
    @inline(__always) func isLetter(_ i: Int) -> Bool { has(i, .letter) }
    @inline(__always) func isNumber(_ i: Int) -> Bool { has(i, .number) }
    @inline(__always) func isSpace(_ i: Int) -> Bool { has(i, .space) }
    @inline(__always) func isNewline(_ i: Int) -> Bool { has(i, .newline) }
    /// [^\s\p{L}\p{N}]
    @inline(__always) func isOther(_ i: Int) -> Bool { i < n && t.classes[i].isDisjoint(with: [.space, .letter, .number]) }
    /// [^\r\n\p{L}\p{N}]
    @inline(__always) func isPrefix(_ i: Int) -> Bool { i < n && t.classes[i].isDisjoint(with: [.newline, .letter, .number]) }
    @inline(__always) func isASCIISpace(_ i: Int) -> Bool { i < n && t.scalars[i] == 0x20 }

    func run(from i: Int, while test: (Int) -> Bool) -> Int {
        var j = i
        while test(j) { j += 1 }
        return j
    }

    /// 's 't 're 've 'm 'll 'd after an apostrophe; case-insensitively, S also matches ſ (U+017F),
    /// as Unicode case folding has it.
    func contraction(_ i: Int, caseInsensitive ci: Bool) -> Int? {
        guard i + 1 < n, t.scalars[i] == 0x27 else { return nil }
        func letter(_ k: Int, _ c: UInt32) -> Bool {
            guard k < n else { return false }
            let s = t.scalars[k]
            if s == c { return true }
            guard ci else { return false }
            if s == c - 32 { return true }                      // ASCII upper case
            return c == 0x73 && s == 0x17F                      // ſ folds to s
        }
        for single: UInt32 in [0x73, 0x74, 0x6D, 0x64] where letter(i + 1, single) { return i + 2 }   // s t m d
        for (a, b): (UInt32, UInt32) in [(0x72, 0x65), (0x76, 0x65), (0x6C, 0x6C)] where letter(i + 1, a) && letter(i + 2, b) {
            return i + 3                                                                                // re ve ll
        }
        return nil
    }

    /// `\s+(?!\S)` then `\s+`: a whitespace run, leaving its last scalar to the next piece when a
    /// non-space follows (unless that would leave nothing).
    func whitespace(_ i: Int) -> Int? {
        guard isSpace(i) else { return nil }
        let j = run(from: i, while: isSpace)
        if j == n || j - 1 == i { return j }
        return j - 1
    }

    /// ` ?X+` with X a class test.
    func optionalSpaceThenRun(_ i: Int, _ test: (Int) -> Bool) -> Int? {
        if isASCIISpace(i) && test(i + 1) { return run(from: i + 1, while: test) }
        if test(i) { return run(from: i, while: test) }
        return nil
    }

    func gpt2(_ i: Int) -> Int? {
        contraction(i, caseInsensitive: false)
            ?? optionalSpaceThenRun(i, isLetter)
            ?? optionalSpaceThenRun(i, isNumber)
            ?? optionalSpaceThenRun(i, isOther)
            ?? whitespace(i)
    }

    /// `\s*[\r\n]+`: a whitespace run up to and including its last CR or LF.
    func whitespaceThroughNewline(_ i: Int) -> Int? {
        guard isSpace(i) else { return nil }
        let j = run(from: i, while: isSpace)
        var k = j - 1
        while k >= i && !isNewline(k) { k -= 1 }
        return k >= i ? k + 1 : nil
    }

    /// ` ?[^\s\p{L}\p{N}]+` followed by any of `trailing`.
    func punctuation(_ i: Int, trailing: (Int) -> Bool) -> Int? {
        guard let end = optionalSpaceThenRun(i, isOther) else { return nil }
        return run(from: end, while: trailing)
    }

    func cl100k(_ i: Int, maxDigits: Int, wholeTrailingWhitespace: Bool) -> Int? {
        if let end = contraction(i, caseInsensitive: true) { return end }
        if isPrefix(i) && isLetter(i + 1) { return run(from: i + 1, of: .letter) }
        if isLetter(i) { return run(from: i, of: .letter) }
        if isNumber(i) { return min(run(from: i, of: .number), i + maxDigits) }
        if let end = punctuation(i, trailing: isNewline) { return end }
        if wholeTrailingWhitespace && isSpace(i) && run(from: i, while: isSpace) == n { return n }
        return whitespaceThroughNewline(i) ?? whitespace(i)
    }

    /// The end of the run of `c` scalars from `i`.
    @inline(__always) func run(from i: Int, of c: CharClass) -> Int {
        var j = i
        while j < n && !t.classes[j].isDisjoint(with: c) { j += 1 }
        return j
    }

    /// [A]*[B]+ from p with the regex's backtracking: the greedy A-run, then the last start
    /// k ≤ its end where a B-run begins.
    func casedLowerTail(_ p: Int) -> Int? {
        let q = run(from: p, of: .casedHead)
        var k = q
        while k >= p {
            if has(k, .casedTail) { return run(from: k, of: .casedTail) }
            k -= 1
        }
        return nil
    }

    /// [A]+[B]* from p.
    func casedUpperHead(_ p: Int) -> Int? {
        let q = run(from: p, of: .casedHead)
        return q > p ? run(from: q, of: .casedTail) : nil
    }

    func o200k(_ i: Int) -> Int? {
        let prefix = isPrefix(i)
        if prefix, let end = casedLowerTail(i + 1) { return contraction(end, caseInsensitive: true) ?? end }
        if let end = casedLowerTail(i) { return contraction(end, caseInsensitive: true) ?? end }
        if prefix, let end = casedUpperHead(i + 1) { return contraction(end, caseInsensitive: true) ?? end }
        if let end = casedUpperHead(i) { return contraction(end, caseInsensitive: true) ?? end }
        if isNumber(i) { return min(run(from: i, of: .number), i + 3) }
        if let end = punctuation(i, trailing: { self.isNewline($0) || ($0 < self.n && self.t.scalars[$0] == 0x2F) }) { return end }
        return whitespaceThroughNewline(i) ?? whitespace(i)
    }
}
