/// A token matched in the text before anything else (special tokens, added tokens), with the
/// tokenizer.json flags that decide where it matches.
struct AddedTokenRule: Sendable {
    var content: String
    var id: Int32
    /// Matches only as a whole word (no word character just before or after).
    var singleWord = false
    /// Takes the whitespace on its left / right into the match.
    var lstrip = false
    var rstrip = false
    /// Matched in the normalized text (true) or the raw text (false).
    var normalized = false
    var special = true
}

/// A piece of text after special and added tokens are split out.
enum AddedSegment {
    case token(Int32)
    case text(Substring)
}

/// Finds added tokens in text, leftmost-longest and without overlap, as the reference does.
struct SpecialTokenMatcher: Sendable {
    let rules: [AddedTokenRule]
    /// Rules by their first scalar, longest content first.
    private let byFirst: [UInt32: [Int]]
    /// (256) whether some token's UTF-8 starts with this byte
    private let firstBytes: [Bool]

    init(tokens: [AddedTokenRule]) {
        let kept = tokens.filter { !$0.content.isEmpty }
        var map: [UInt32: [Int]] = [:]
        for (i, r) in kept.enumerated() { map[r.content.unicodeScalars.first!.value, default: []].append(i) }
        for key in map.keys { map[key]!.sort { kept[$0].content.unicodeScalars.count > kept[$1].content.unicodeScalars.count } }
        rules = kept
        byFirst = map
        var first = [Bool](repeating: false, count: 256)
        for r in kept { first[Int(r.content.utf8.first!)] = true }
        firstBytes = first
    }

    /// `text` cut into added tokens and the text between them (empty text pieces are dropped).
    /// Works on UTF-8: a token's bytes match exactly where its scalars do.
    func split(_ text: Substring) -> [AddedSegment] {
        if rules.isEmpty || !mayContainToken(text) { return text.isEmpty ? [] : [.text(text)] }
        var out: [AddedSegment] = []
        let u = text.utf8
        var textStart = u.startIndex, i = u.startIndex
        while i < u.endIndex {
            let b = u[i]
            guard firstBytes[Int(b)], let (rule, end) = longestMatch(text, at: i) else { i = u.index(after: i); continue }
            // `i` holds a lead byte (every token starts with one), so it is a scalar boundary.
            var start = i, stop = end
            if rule.lstrip {
                while start > textStart {
                    let before = text.unicodeScalars.index(before: start)
                    guard text.unicodeScalars[before].properties.isWhitespace else { break }
                    start = before
                }
            }
            if rule.rstrip {
                while stop < text.endIndex, text.unicodeScalars[stop].properties.isWhitespace { stop = text.unicodeScalars.index(after: stop) }
            }
            if start > textStart { out.append(.text(text[textStart..<start])) }
            out.append(.token(rule.id))
            textStart = stop
            i = stop
        }
        if textStart < text.endIndex { out.append(.text(text[textStart...])) }
        return out
    }

    /// Whether any token's first byte occurs in the text (a fast pass before matching).
    private func mayContainToken(_ text: Substring) -> Bool {
        text.utf8.contains { firstBytes[Int($0)] }
    }

    /// The longest token whose bytes start at `i` (a scalar boundary), honouring single_word.
    private func longestMatch(_ text: Substring, at i: String.Index) -> (AddedTokenRule, String.Index)? {
        let first = text.unicodeScalars[i].value
        for c in byFirst[first] ?? [] {
            let rule = rules[c]
            var j = i
            var matched = true
            for b in rule.content.utf8 {
                if j >= text.utf8.endIndex || text.utf8[j] != b { matched = false; break }
                j = text.utf8.index(after: j)
            }
            guard matched else { continue }
            if rule.singleWord {
                let before = i == text.startIndex || !isWordCharacter(text.unicodeScalars[text.unicodeScalars.index(before: i)])
                let after = j == text.endIndex || !isWordCharacter(text.unicodeScalars[j])
                if !(before && after) { continue }
            }
            return (rule, j)
        }
        return nil
    }

    private func isWordCharacter(_ s: Unicode.Scalar) -> Bool {
        s == "_" || s.properties.isAlphabetic || s.properties.numericType != nil
    }
}
