import Foundation

/// A JSON parser that keeps object keys as their exact UTF-8 bytes, in file order. Foundation's
/// parser makes Swift dictionaries, whose String keys compare by canonical equivalence: a
/// vocabulary holding both "Å" (U+00C5) and "Å" (U+212B) as different tokens would lose one.
/// Used for `model.vocab`; everything else is read with JSONSerialization.
enum RawJSON {
    case object([(key: [UInt8], value: RawJSON)])
    case array([RawJSON])
    case string([UInt8])
    case number(Double)
    case bool(Bool)
    case null

    struct Malformed: Error { let offset: Int }

    static func parse(_ data: Data) throws -> RawJSON {
        try data.withUnsafeBytes { raw in
            var p = Parser(bytes: raw.bindMemory(to: UInt8.self))
            let value = try p.value()
            p.skipSpace()
            guard p.i == p.bytes.count else { throw Malformed(offset: p.i) }
            return value
        }
    }

    /// The value as Foundation objects (what JSONSerialization gives), leaving out the members
    /// at `omit` paths (dot-separated), which the caller reads from the raw tree instead.
    func foundation(omitting omit: Set<String> = [], at path: String = "") -> Any {
        switch self {
        case let .object(members):
            var d: [String: Any] = [:]
            for (k, v) in members {
                let key = String(decoding: k, as: UTF8.self)
                let p = path.isEmpty ? key : path + "." + key
                if omit.contains(p) { continue }
                d[key] = v.foundation(omitting: omit, at: p)
            }
            return d
        case let .array(items): return items.map { $0.foundation(omitting: omit, at: path) }
        case let .string(bytes): return String(decoding: bytes, as: UTF8.self)
        case let .number(n): return n == n.rounded() && abs(n) < 9e15 ? NSNumber(value: Int(n)) : NSNumber(value: n)
        case let .bool(b): return NSNumber(value: b)
        case .null: return NSNull()
        }
    }

    /// The member `key` of an object.
    subscript(key: String) -> RawJSON? {
        guard case let .object(members) = self else { return nil }
        let k = Array(key.utf8)
        return members.first { $0.key == k }?.value
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        mutating func skipSpace() {
            while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        }

        mutating func expect(_ b: UInt8) throws {
            skipSpace()
            guard i < bytes.count, bytes[i] == b else { throw Malformed(offset: i) }
            i += 1
        }

        mutating func value() throws -> RawJSON {
            skipSpace()
            guard i < bytes.count else { throw Malformed(offset: i) }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                var members: [(key: [UInt8], value: RawJSON)] = []
                try elements(closing: UInt8(ascii: "}")) { p in
                    p.skipSpace()
                    let key = try p.string()
                    try p.expect(UInt8(ascii: ":"))
                    members.append((key, try p.value()))
                }
                return .object(members)
            case UInt8(ascii: "["):
                var items: [RawJSON] = []
                try elements(closing: UInt8(ascii: "]")) { p in items.append(try p.value()) }
                return .array(items)
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default:
                let start = i
                while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) { i += 1 }
                guard let n = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)) else {
                    throw Malformed(offset: start)
                }
                return .number(n)
            }
        }

        /// The comma-separated elements after an opening bracket, up to `closing`.
        mutating func elements(closing: UInt8, _ element: (inout Parser) throws -> Void) throws {
            i += 1
            skipSpace()
            if i < bytes.count, bytes[i] == closing { i += 1; return }
            while true {
                try element(&self)
                skipSpace()
                guard i < bytes.count else { throw Malformed(offset: i) }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                try expect(closing)
                return
            }
        }

        mutating func literal(_ word: String) throws {
            for b in word.utf8 {
                guard i < bytes.count, bytes[i] == b else { throw Malformed(offset: i) }
                i += 1
            }
        }

        /// A string's UTF-8 bytes with escapes resolved (surrogate pairs joined).
        mutating func string() throws -> [UInt8] {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw Malformed(offset: i) }
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") { i += 1; return out }
                if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
                i += 1
                guard i < bytes.count else { break }
                let e = bytes[i]; i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    var v = try hex4()
                    if (0xD800..<0xDC00).contains(v), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                        i += 2
                        let low = try hex4()
                        v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                    }
                    out += Array(String(Character(Unicode.Scalar(v) ?? "\u{FFFD}")).utf8)
                default: out.append(e)            // \" \\ \/
                }
            }
            throw Malformed(offset: i)
        }

        mutating func hex4() throws -> UInt32 {
            guard i + 4 <= bytes.count, let v = UInt32(String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<(i + 4)]), as: UTF8.self), radix: 16) else {
                throw Malformed(offset: i)
            }
            i += 4
            return v
        }
    }
}
