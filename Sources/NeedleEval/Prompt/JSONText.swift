/// Minimal JSON writing for large strings: JSONEncoder is correct but slow on megabyte prompts,
/// and a JSONL line only needs strings, numbers and arrays.
public enum JSONText {
    public static func string(_ s: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(s.utf8.count + 2)
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out += [92, 34]
            case UInt8(ascii: "\\"): out += [92, 92]
            case 10: out += [92, UInt8(ascii: "n")]
            case 13: out += [92, UInt8(ascii: "r")]
            case 9: out += [92, UInt8(ascii: "t")]
            case 0..<32:
                out += Array("\\u00".utf8) + Array(String(b, radix: 16).leftPadded(to: 2).utf8)
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }

    public static func array(_ items: [String]) -> String { "[" + items.map(string).joined(separator: ",") + "]" }

    /// `[1,2,3]`, written digit by digit: a 1M-token prompt's ids are millions of characters.
    public static func integers(_ values: [Int32]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(values.count * 7 + 2)
        out.append(UInt8(ascii: "["))
        var digits = [UInt8](repeating: 0, count: 11)
        for (i, value) in values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            var v = Int64(value)
            if v < 0 { out.append(UInt8(ascii: "-")); v = -v }
            var n = 0
            repeat { digits[n] = UInt8(ascii: "0") + UInt8(v % 10); v /= 10; n += 1 } while v > 0
            while n > 0 { n -= 1; out.append(digits[n]) }
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }
}
