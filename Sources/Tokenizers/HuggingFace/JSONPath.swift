import Foundation
import NeedleSupport

/// Reads a tokenizer file's JSON with every error naming the file and the JSON path of the part at
/// fault (e.g. `pre_tokenizer.pretokenizers[0].pattern.Regex`) and the fix.
struct JSONPath {
    let file: String

    func parse(_ data: Data) throws -> Any {
        do { return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw TokenizerError(path: file, field: "(file)", problem: "is not valid JSON", fix: "write the tokenizer file as JSON")
        }
    }

    func fail(_ at: String, _ problem: String, _ fix: String) -> TokenizerError {
        TokenizerError(path: file, field: at.isEmpty ? "(file)" : at, problem: problem, fix: fix)
    }

    func object(_ value: Any, at: String) throws -> [String: Any] {
        guard let d = value as? [String: Any] else { throw fail(at, "is not a JSON object", "give an object") }
        return d
    }

    func array(_ value: Any, at: String) throws -> [Any] {
        guard let a = value as? [Any] else { throw fail(at, "is not a JSON array", "give an array") }
        return a
    }

    func string(_ value: Any, at: String) throws -> String {
        guard let s = value as? String else { throw fail(at, "is not a string", "give a string") }
        return s
    }

    func int(_ value: Any, at: String) throws -> Int {
        guard let n = value as? NSNumberLike, !n.isBool, let i = n.exactInt else { throw fail(at, "is not an integer", "give an integer") }
        return i
    }

    func bool(_ value: Any, at: String) throws -> Bool {
        guard let n = value as? NSNumber, n.isBool else { throw fail(at, "is not true or false", "give a boolean") }
        return n.boolValue
    }

    /// nil for a missing key or JSON null.
    func optional(_ d: [String: Any], _ key: String) -> Any? {
        guard let v = d[key], !(v is NSNull) else { return nil }
        return v
    }

    /// Refuses keys the reader does not know, so an option that would change the tokens is never
    /// silently ignored.
    func refuseUnknown(_ d: [String: Any], at: String, known: Set<String>) throws {
        if let key = d.keys.filter({ !known.contains($0) }).sorted().first {
            throw fail(join(at, key), "is an option this tokenizer library does not implement",
                       "remove it if it is at its default, or use a tokenizer without it")
        }
    }

    /// A key that must be absent, null or equal to `allowed` (a default).
    func requireDefault(_ d: [String: Any], _ key: String, at: String, allowed: [AnyHashable?]) throws {
        let value = optional(d, key)
        let ok = allowed.contains { expected in
            switch (expected, value) {
            case (nil, nil): return true
            case let (e?, v?): return (v as? AnyHashable) == e
            default: return false
            }
        }
        if !ok { throw fail(join(at, key), "is \(value.map { "\($0)" } ?? "null"), which this library does not implement", "use a tokenizer without it") }
    }

    func join(_ base: String, _ key: String) -> String { base.isEmpty ? key : base + "." + key }

    /// The items of the array at `key`, each parsed with its own JSON path (`key[i]`).
    func items<T>(_ d: [String: Any], _ key: String, at path: String, _ parse: (Any, String) throws -> T) throws -> [T] {
        let at = join(path, key)
        return try array(d[key] ?? NSNull(), at: at).enumerated().map { try parse($1, at + "[\($0)]") }
    }

    /// The error for a component `type` this library does not implement (`what`: "a decoder"...).
    func unsupported(_ path: String, _ type: String, _ what: String, use: String) -> TokenizerError {
        fail(join(path, "type"), "is \"\(type)\", \(what) this library does not implement", use)
    }

    /// A `{"type": ...}` component: its object and type name.
    func component(_ value: Any, at path: String) throws -> (object: [String: Any], type: String) {
        let d = try object(value, at: path)
        return (d, try string(d["type"] ?? NSNull(), at: join(path, "type")))
    }
}
