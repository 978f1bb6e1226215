import Foundation

/// tokenizer.json `decoder`: token strings back to text.
indirect enum Decoder: Sendable {
    case byteLevel
    case metaspace(replacement: Unicode.Scalar, prependScheme: PreTokenizer.PrependScheme)
    case replace(pattern: String, content: String)
    case byteFallback
    case fuse
    case strip(content: Unicode.Scalar, start: Int, stop: Int)
    case sequence([Decoder])

    static func parse(_ value: Any, at path: String, json j: JSONPath) throws -> Decoder {
        let (d, type) = try j.component(value, at: path)
        func known(_ keys: Set<String>) throws { try j.refuseUnknown(d, at: path, known: keys.union(["type"])) }
        switch type {
        case "ByteLevel": try known(["add_prefix_space", "trim_offsets", "use_regex"]); return .byteLevel
        case "Metaspace":
            try known(["replacement", "prepend_scheme", "add_prefix_space", "split", "str_rep"])
            guard case let .metaspace(rep, scheme, _) = try PreTokenizer.parse(value, at: path, json: j) else { preconditionFailure() }
            return .metaspace(replacement: rep, prependScheme: scheme)
        case "Replace":
            try known(["pattern", "content"])
            return .replace(pattern: try Normalizer.stringPattern(d["pattern"] ?? NSNull(), at: j.join(path, "pattern"), json: j),
                            content: try j.string(d["content"] ?? NSNull(), at: j.join(path, "content")))
        case "ByteFallback": try known([]); return .byteFallback
        case "Fuse": try known([]); return .fuse
        case "Strip":
            try known(["content", "start", "stop"])
            let c = try j.string(d["content"] ?? NSNull(), at: j.join(path, "content"))
            guard c.unicodeScalars.count == 1 else { throw j.fail(j.join(path, "content"), "is not one character", "use one character") }
            return .strip(content: c.unicodeScalars.first!, start: try j.int(d["start"] ?? 0, at: j.join(path, "start")),
                          stop: try j.int(d["stop"] ?? 0, at: j.join(path, "stop")))
        case "Sequence":
            try known(["decoders"])
            return .sequence(try j.items(d, "decoders", at: path) { try parse($0, at: $1, json: j) })
        default:
            throw j.unsupported(path, type, "a decoder", use: "use ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip or Sequence")
        }
    }

    /// The reference's decode chain: each step maps the list of token strings to a new list.
    func apply(_ tokens: [String]) -> [String] {
        switch self {
        case .byteLevel:
            var bytes: [UInt8] = []
            for t in tokens {
                for s in t.unicodeScalars {
                    if let b = ByteLevelAlphabet.bytes[s.value] { bytes.append(b) } else { bytes += Array(String(Character(s)).utf8) }
                }
            }
            return [String(decoding: bytes, as: UTF8.self)]
        case let .metaspace(rep, scheme):
            return tokens.enumerated().map { i, t in
                var s = String(String.UnicodeScalarView(t.unicodeScalars.map { $0 == rep ? " " : $0 }))
                if i == 0 && scheme != .never && s.hasPrefix(" ") { s.removeFirst() }
                return s
            }
        case let .replace(pattern, content):
            return tokens.map { Normalizer.replaceScalars($0, pattern, content) }
        case .byteFallback:
            var out: [String] = [], pending: [UInt8] = []
            func flush() {
                guard !pending.isEmpty else { return }
                if let s = String(validating: pending, as: UTF8.self) { out.append(s) }
                else { out += Array(repeating: "\u{FFFD}", count: pending.count) }
                pending = []
            }
            for t in tokens {
                if let b = Decoder.fallbackByte(t) { pending.append(b) } else { flush(); out.append(t) }
            }
            flush()
            return out
        case .fuse:
            return [tokens.joined()]
        case let .strip(content, start, stop):
            return tokens.map { t in
                var s = Array(t.unicodeScalars)
                var a = 0
                while a < start && a < s.count && s[a] == content { a += 1 }
                s.removeFirst(a)
                var b = 0
                while b < stop && !s.isEmpty && s[s.count - 1] == content { s.removeLast(); b += 1 }
                return String(String.UnicodeScalarView(s))
            }
        case let .sequence(steps):
            return steps.reduce(tokens) { $1.apply($0) }
        }
    }

    /// The byte of a `<0xNN>` token.
    static func fallbackByte(_ token: String) -> UInt8? {
        let u = Array(token.utf8)
        guard u.count == 6, u[0] == 0x3C, u[1] == 0x30, u[2] == 0x78, u[5] == 0x3E else { return nil }
        return UInt8(String(decoding: u[3...4], as: UTF8.self), radix: 16)
    }
}
