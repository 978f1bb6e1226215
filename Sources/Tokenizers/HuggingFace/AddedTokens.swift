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

    init(tokens: [AddedTokenRule]) {
        let kept = tokens.filter { !$0.content.isEmpty }
        var map: [UInt32: [Int]] = [:]
        for (i, r) in kept.enumerated() { map[r.content.unicodeScalars.first!.value, default: []].append(i) }
        for key in map.keys { map[key]!.sort { kept[$0].content.unicodeScalars.count > kept[$1].content.unicodeScalars.count } }
        rules = kept
        byFirst = map
    }

    var isEmpty: Bool { rules.isEmpty }

    /// `text` cut into added tokens and the text between them (empty text pieces are dropped).
    func split(_ text: Substring) -> [AddedSegment] {
        if rules.isEmpty || !mayContainToken(text) { return text.isEmpty ? [] : [.text(text)] }
        let scalars = Array(text.unicodeScalars)
        var indices: [String.Index] = []
        indices.reserveCapacity(scalars.count + 1)
        var idx = text.startIndex
        for _ in scalars { indices.append(idx); idx = text.unicodeScalars.index(after: idx) }
        indices.append(text.endIndex)

        var out: [AddedSegment] = []
        var textStart = 0, i = 0
        while i < scalars.count {
            guard let candidates = byFirst[scalars[i].value],
                  let (rule, end) = longestMatch(candidates, scalars, at: i) else { i += 1; continue }
            var start = i, stop = end
            if rule.lstrip { while start > textStart && scalars[start - 1].properties.isWhitespace { start -= 1 } }
            if rule.rstrip { while stop < scalars.count && scalars[stop].properties.isWhitespace { stop += 1 } }
            if start > textStart { out.append(.text(text[indices[textStart]..<indices[start]])) }
            out.append(.token(rule.id))
            textStart = stop
            i = stop
        }
        if textStart < scalars.count { out.append(.text(text[indices[textStart]..<text.endIndex])) }
        return out
    }

    /// Whether any token's first byte occurs in the text (a fast pass over UTF-8 before the scalar scan).
    private func mayContainToken(_ text: Substring) -> Bool {
        var firstBytes = [Bool](repeating: false, count: 256)
        for r in rules { firstBytes[Int(r.content.utf8.first!)] = true }
        return text.utf8.contains { firstBytes[Int($0)] }
    }

    private func longestMatch(_ candidates: [Int], _ s: [Unicode.Scalar], at i: Int) -> (AddedTokenRule, Int)? {
        for c in candidates {
            let rule = rules[c]
            var j = i
            var matched = true
            for u in rule.content.unicodeScalars {
                if j >= s.count || s[j] != u { matched = false; break }
                j += 1
            }
            guard matched else { continue }
            if rule.singleWord {
                let before = i == 0 || !isWordCharacter(s[i - 1])
                let after = j == s.count || !isWordCharacter(s[j])
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
