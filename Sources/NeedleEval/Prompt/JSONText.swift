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
}
