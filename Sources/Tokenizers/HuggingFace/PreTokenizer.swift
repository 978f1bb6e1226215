import Foundation

/// One piece of text on its way to the model, and whether it starts the whole input (the
/// Metaspace `first` scheme prepends only there).
struct PreToken {
    var text: Substring
    var atInputStart: Bool
}

/// How a Split pre-tokenizer keeps what its pattern matched (the reference's five behaviours).
enum SplitBehavior: String, Sendable {
    case isolated = "Isolated", removed = "Removed", mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext", contiguous = "Contiguous"
}

/// tokenizer.json `pre_tokenizer`: how text is cut into the pieces BPE merges within. ByteLevel
/// must come last: after it, the model works on the bytes of each piece.
indirect enum PreTokenizer: Sendable {
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    case split(SplitMatcher, behavior: SplitBehavior, invert: Bool)
    case metaspace(replacement: Unicode.Scalar, prepend: PrependScheme, split: Bool)
    case sequence([PreTokenizer])

    enum PrependScheme: String, Sendable { case always, first, never }

    /// A Split pattern: a recognised regex family (or Digits' numeric test), or a literal string.
    enum SplitMatcher: Sendable {
        case regex(SplitPattern)
        case literal(String)
    }

    static func parse(_ value: Any, at path: String, json j: JSONPath) throws -> PreTokenizer {
        let (d, type) = try j.component(value, at: path)
        func known(_ keys: Set<String>) throws { try j.refuseUnknown(d, at: path, known: keys.union(["type"])) }
        func flag(_ key: String, _ fallback: Bool) throws -> Bool { try j.bool(j.optional(d, key) ?? fallback, at: j.join(path, key)) }
        switch type {
        case "ByteLevel":
            try known(["add_prefix_space", "trim_offsets", "use_regex"])
            return .byteLevel(addPrefixSpace: try flag("add_prefix_space", true), useRegex: try flag("use_regex", true))
        case "Split":
            try known(["pattern", "behavior", "invert"])
            let patternPath = j.join(path, "pattern")
            let p = try j.object(d["pattern"] ?? NSNull(), at: patternPath)
            let matcher: SplitMatcher
            if let regex = p["Regex"] {
                let text = try j.string(regex, at: patternPath + ".Regex")
                guard let known = SplitPattern.recognize(text) else {
                    throw j.fail(patternPath + ".Regex", "is a split regex this library does not implement",
                                 "use a tokenizer whose split regex is GPT-2's, Llama 3's (cl100k), Qwen 2's, o200k's or \\p{N}")
                }
                matcher = .regex(known)
            } else {
                matcher = .literal(try j.string(p["String"] ?? NSNull(), at: patternPath + ".String"))
            }
            let name = try j.string(d["behavior"] ?? NSNull(), at: j.join(path, "behavior"))
            guard let behavior = SplitBehavior(rawValue: name) else {
                throw j.fail(j.join(path, "behavior"), "is \"\(name)\", not a split behaviour", "use Isolated, Removed, MergedWithPrevious, MergedWithNext or Contiguous")
            }
            return .split(matcher, behavior: behavior, invert: try flag("invert", false))
        case "Digits":
            // The reference splits on `char::is_numeric`, each numeric scalar a match; runs of
            // them stay together unless `individual_digits`.
            try known(["individual_digits"])
            let individual = try j.bool(d["individual_digits"] ?? NSNull(), at: j.join(path, "individual_digits"))
            return .split(.regex(.eachScalar(.numeric)), behavior: individual ? .isolated : .contiguous, invert: false)
        case "Metaspace":
            try known(["replacement", "prepend_scheme", "add_prefix_space", "split", "str_rep"])
            let rep = try j.string(d["replacement"] ?? "▁", at: j.join(path, "replacement"))
            guard rep.unicodeScalars.count == 1 else { throw j.fail(j.join(path, "replacement"), "is not one character", "use \"▁\"") }
            var scheme = PrependScheme.always
            if let s = j.optional(d, "prepend_scheme") {
                let name = try j.string(s, at: j.join(path, "prepend_scheme"))
                guard let parsed = PrependScheme(rawValue: name) else {
                    throw j.fail(j.join(path, "prepend_scheme"), "is \"\(name)\"", "use always, first or never")
                }
                scheme = parsed
            } else if try !flag("add_prefix_space", true) {
                scheme = .never
            }
            return .metaspace(replacement: rep.unicodeScalars.first!, prepend: scheme, split: try flag("split", true))
        case "Sequence":
            try known(["pretokenizers"])
            let steps = try j.items(d, "pretokenizers", at: path) { try parse($0, at: $1, json: j) }
            for (i, step) in steps.enumerated() where step.containsByteLevel && i != steps.count - 1 {
                throw j.fail(j.join(path, "pretokenizers") + "[\(i)]", "is a ByteLevel step before other steps",
                             "this library implements ByteLevel only as the last pre-tokenizer")
            }
            return .sequence(steps)
        default:
            throw j.unsupported(path, type, "a pre-tokenizer", use: "use ByteLevel, Split, Digits, Metaspace or Sequence")
        }
    }

    var containsByteLevel: Bool {
        switch self {
        case .byteLevel: return true
        case let .sequence(steps): return steps.contains { $0.containsByteLevel }
        default: return false
        }
    }

    /// Cuts `pieces` further.
    func apply(_ pieces: [PreToken]) -> [PreToken] {
        switch self {
        case let .sequence(steps):
            return steps.reduce(pieces) { $1.apply($0) }
        case let .byteLevel(addPrefixSpace, useRegex):
            return pieces.flatMap { piece -> [PreToken] in
                var p = piece
                if addPrefixSpace && !p.text.hasPrefix(" ") { p.text = Substring(" " + p.text) }
                return useRegex ? PreTokenizer.split(p, .regex(.gpt2), behavior: .isolated, invert: false) : [p]
            }
        case let .split(matcher, behavior, invert):
            return pieces.flatMap { PreTokenizer.split($0, matcher, behavior: behavior, invert: invert) }
        case let .metaspace(rep, prepend, split):
            return pieces.flatMap { piece -> [PreToken] in
                var text = Normalizer.replaceScalars(String(piece.text), " ", String(Character(rep)))
                let wantsPrefix = prepend == .always || (prepend == .first && piece.atInputStart)
                if wantsPrefix && text.unicodeScalars.first != rep { text = String(Character(rep)) + text }
                let p = PreToken(text: Substring(text), atInputStart: piece.atInputStart)
                return split ? PreTokenizer.split(p, .literal(String(Character(rep))), behavior: .mergedWithNext, invert: false) : [p]
            }
        }
    }

    /// The pieces of one Split step.
    static func split(_ piece: PreToken, _ matcher: SplitMatcher, behavior: SplitBehavior, invert: Bool) -> [PreToken] {
        let text = piece.text
        guard !text.isEmpty else { return [] }
        // (scalar ranges, matched?) covering the piece
        var parts: [(range: Range<Int>, isMatch: Bool)]
        let scalars = ScalarText(text)
        switch matcher {
        case let .regex(pattern): parts = pattern.pieces(scalars)
        case let .literal(needle): parts = literalParts(scalars, Array(needle.unicodeScalars.map(\.value)))
        }
        if invert { parts = parts.map { ($0.range, !$0.isMatch) } }
        var out: [Range<Int>] = []
        switch behavior {
        case .isolated: out = parts.map(\.range)
        case .removed: out = parts.filter { !$0.isMatch }.map(\.range)
        case .contiguous:
            var previous: Bool?
            for p in parts {
                if p.isMatch == previous, let last = out.last { out[out.count - 1] = last.lowerBound..<p.range.upperBound }
                else { out.append(p.range) }
                previous = p.isMatch
            }
        case .mergedWithPrevious:
            var previousMatch = false
            for p in parts {
                if p.isMatch && !previousMatch, let last = out.last { out[out.count - 1] = last.lowerBound..<p.range.upperBound }
                else { out.append(p.range) }
                previousMatch = p.isMatch
            }
        case .mergedWithNext:
            var previousMatch = false
            for p in parts.reversed() {
                if p.isMatch && !previousMatch, let last = out.last { out[out.count - 1] = p.range.lowerBound..<last.upperBound }
                else { out.append(p.range) }
                previousMatch = p.isMatch
            }
            out.reverse()
        }
        let utf8 = text.utf8
        return out.compactMap { r in
            guard !r.isEmpty else { return nil }
            let lo = utf8.index(utf8.startIndex, offsetBy: scalars.byteOffsets[r.lowerBound])
            let hi = utf8.index(utf8.startIndex, offsetBy: scalars.byteOffsets[r.upperBound])
            return PreToken(text: text[lo..<hi], atInputStart: piece.atInputStart && r.lowerBound == 0)
        }
    }

    /// Non-overlapping occurrences of a literal, left to right.
    static func literalParts(_ t: ScalarText, _ needle: [UInt32]) -> [(range: Range<Int>, isMatch: Bool)] {
        guard !needle.isEmpty else { return [(0..<t.count, false)] }
        var parts: [(range: Range<Int>, isMatch: Bool)] = []
        var i = 0, gap = 0
        while i + needle.count <= t.count {
            if t.scalars[i] == needle[0] && Array(t.scalars[i..<(i + needle.count)]) == needle {
                if gap < i { parts.append((gap..<i, false)) }
                parts.append((i..<(i + needle.count), true))
                i += needle.count
                gap = i
            } else {
                i += 1
            }
        }
        if gap < t.count { parts.append((gap..<t.count, false)) }
        return parts
    }
}
