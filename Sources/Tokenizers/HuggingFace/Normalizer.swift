import Foundation

/// tokenizer.json `normalizer`: text transformations before pre-tokenization.
indirect enum Normalizer: Sendable {
    case nfc, nfd, nfkc, nfkd, lowercase
    case prepend(String)
    case replace(pattern: String, content: String)
    case strip(left: Bool, right: Bool)
    case sequence([Normalizer])

    static func parse(_ value: Any, at path: String, json j: JSONPath) throws -> Normalizer {
        let (d, type) = try j.component(value, at: path)
        func known(_ keys: Set<String>) throws { try j.refuseUnknown(d, at: path, known: keys.union(["type"])) }
        switch type {
        case "NFC": try known([]); return .nfc
        case "NFD": try known([]); return .nfd
        case "NFKC": try known([]); return .nfkc
        case "NFKD": try known([]); return .nfkd
        case "Lowercase": try known([]); return .lowercase
        case "Prepend":
            try known(["prepend"])
            return .prepend(try j.string(d["prepend"] ?? NSNull(), at: j.join(path, "prepend")))
        case "Replace":
            try known(["pattern", "content"])
            return .replace(pattern: try stringPattern(d["pattern"] ?? NSNull(), at: j.join(path, "pattern"), json: j),
                            content: try j.string(d["content"] ?? NSNull(), at: j.join(path, "content")))
        case "Strip":
            try known(["strip_left", "strip_right"])
            func side(_ key: String) throws -> Bool { try j.bool(d[key] ?? false, at: j.join(path, key)) }
            return .strip(left: try side("strip_left"), right: try side("strip_right"))
        case "Sequence":
            try known(["normalizers"])
            return .sequence(try j.items(d, "normalizers", at: path) { try parse($0, at: $1, json: j) })
        default:
            throw j.unsupported(path, type, "a normalizer", use: "use NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace (string pattern), Strip or Sequence")
        }
    }

    /// `{"String": "…"}` patterns; regex patterns are refused.
    static func stringPattern(_ value: Any, at path: String, json j: JSONPath) throws -> String {
        let d = try j.object(value, at: path)
        if let s = d["String"] { return try j.string(s, at: j.join(path, "String")) }
        throw j.fail(path + (d["Regex"] != nil ? ".Regex" : ""), "is a regex pattern, which this library does not implement here",
                     "use a {\"String\": …} pattern")
    }

    func apply(_ text: String) -> String {
        switch self {
        case .nfc: return text.precomposedStringWithCanonicalMapping
        case .nfd: return text.decomposedStringWithCanonicalMapping
        case .nfkc: return text.precomposedStringWithCompatibilityMapping
        case .nfkd: return text.decomposedStringWithCompatibilityMapping
        case .lowercase: return text.lowercased()
        case let .prepend(p): return text.isEmpty ? text : p + text
        case let .replace(pattern, content): return Normalizer.replaceScalars(text, pattern, content)
        case let .strip(left, right):
            var s = Substring(text)
            if left { s = s.drop { $0.unicodeScalars.allSatisfy(\.properties.isWhitespace) } }
            if right { while let last = s.last, last.unicodeScalars.allSatisfy(\.properties.isWhitespace) { s = s.dropLast() } }
            return String(s)
        case let .sequence(steps): return steps.reduce(text) { $1.apply($0) }
        }
    }

    /// Replaces every non-overlapping occurrence of `pattern`, scalar for scalar (no canonical
    /// equivalence: "é" and "e\u{301}" are different texts here, as in the reference).
    static func replaceScalars(_ text: String, _ pattern: String, _ content: String) -> String {
        let p = Array(pattern.utf8), c = Array(content.utf8)
        guard let first = p.first else { return text }
        var text = text
        return text.withUTF8 { s -> String in
            // Byte-wise on UTF-8 is scalar-wise: a scalar's encoding never starts inside another's.
            var out: [UInt8] = []
            out.reserveCapacity(s.count + s.count / 8)
            var i = 0
            while i < s.count {
                if s[i] == first, i + p.count <= s.count, p.indices.allSatisfy({ s[i + $0] == p[$0] }) {
                    out += c
                    i += p.count
                } else {
                    out.append(s[i]); i += 1
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
