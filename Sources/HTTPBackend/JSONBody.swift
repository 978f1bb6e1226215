import Foundation
import NeedleSupport

/// Request bodies and reply fields as OpenAI-compatible servers use them.
enum JSONBody {
    /// A JSON object of `fields` with `"prompt": [ids]` first. The id array is written directly:
    /// a 1M-token prompt would take JSONSerialization most of a second as NSNumbers.
    static func object(_ fields: [String: Any], ids key: String, _ ids: [Int32]) throws -> Data {
        let rest = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        var out = Data(capacity: ids.count * 7 + rest.count + 16)
        out.append(contentsOf: Array("{\"\(key)\":[".utf8))
        var digits = [UInt8](repeating: 0, count: 12)
        for (i, id) in ids.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            append(id, to: &out, scratch: &digits)
        }
        out.append(UInt8(ascii: "]"))
        if rest.count > 2 { out.append(UInt8(ascii: ",")); out.append(rest.dropFirst()) } else { out.append(UInt8(ascii: "}")) }
        return out
    }

    static func object(_ fields: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    }

    @inline(__always)
    private static func append(_ value: Int32, to out: inout Data, scratch: inout [UInt8]) {
        var v = Int64(value)
        if v < 0 { out.append(UInt8(ascii: "-")); v = -v }
        var n = 0
        repeat { scratch[n] = UInt8(48 + v % 10); v /= 10; n += 1 } while v > 0
        while n > 0 { n -= 1; out.append(scratch[n]) }
    }

    /// The reply as a JSON object, or nil.
    static func parse(_ data: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// An integer field that may arrive as any JSON number.
    static func int(_ value: Any?) -> Int? {
        guard let n = value as? NSNumber, !n.isBool else { return nil }
        return n.exactInt
    }

    /// A token id array (`[1, 2, 3]`, or llama.cpp's `[{"id": 1, "piece": ...}]`).
    static func ids(_ value: Any?) -> [Int32]? {
        guard let items = value as? [Any] else { return nil }
        var out: [Int32] = []
        out.reserveCapacity(items.count)
        for item in items {
            let raw: Any? = (item as? [String: Any]).map { $0["id"] as Any } ?? item
            guard let id = int(raw), let narrow = Int32(exactly: id) else { return nil }
            out.append(narrow)
        }
        return out
    }
}
