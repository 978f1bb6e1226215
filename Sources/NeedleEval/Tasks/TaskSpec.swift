import Foundation
import NeedleSupport

/// Where needle keys come from.
public enum KeySource: Equatable, Sendable {
    case cities, words, uuids
    case numbers(digits: Int)
    case list([String])
}

/// Where needle values come from.
public enum ValueSource: Equatable, Sendable {
    case number(digits: Int)
    case word, uuid
    case list([String])
}

/// What fills the haystack between needles.
public enum HaystackSpec: Equatable, Sendable {
    case builtin
    case noise
    /// A folder of text files (absolute, or resolved against the spec file's folder).
    case files(folder: URL, glob: String)
}

/// A task spec (tasks/NAME.json; fields in docs/TASK_SPEC.md), validated on load.
public struct TaskSpec: Equatable, Sendable {
    public var name: String
    public var description: String
    public var needle: String
    public var question: String
    public var preamble: String
    public var keys: KeySource
    public var values: ValueSource
    public var needles: Int
    public var queries: Int
    public var valuesPerKey: Int
    public var haystack: HaystackSpec
    public var stop: String?
    public var maxNewTokens: Int
    public var lengths: [Int]
    public var depths: [Int]
    public var trials: Int
    public var seed: UInt64
    /// The file's bytes as loaded, recorded with every run so results say exactly what ran.
    public var json: String
    /// Where it was loaded from, for messages.
    public var file: String

    static let fields: Set<String> = [
        "name", "description", "needle", "question", "preamble", "keys", "values", "needles",
        "queries", "values_per_key", "haystack", "stop", "max_new_tokens", "lengths", "depths",
        "trials", "seed",
    ]

    /// Loads and validates a spec file; every problem names the file and the field.
    public static func load(path: String) throws -> TaskSpec {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TaskSpecError(file: path, field: "", message: "cannot read the task file; check the --task path")
        }
        return try parse(data: data, file: path)
    }

    public static func parse(data: Data, file: String) throws -> TaskSpec {
        let raw: Any
        do { raw = try JSONSerialization.jsonObject(with: data) } catch {
            throw TaskSpecError(file: file, field: "", message: "is not valid JSON (\(error.localizedDescription))")
        }
        let o = try SpecObject(file: file, path: "", value: raw)
        try o.rejectUnknown(allowed: fields)
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        var spec = TaskSpec(
            name: try o.requiredString("name"),
            description: try o.string("description") ?? "",
            needle: try o.requiredString("needle"),
            question: try o.requiredString("question"),
            preamble: try o.string("preamble") ?? "",
            keys: try parseKeys(o), values: try parseValues(o),
            needles: try o.int("needles") ?? 1, queries: try o.int("queries") ?? 1,
            valuesPerKey: try o.int("values_per_key") ?? 1,
            haystack: try parseHaystack(o, folder: folder),
            stop: try o.string("stop"), maxNewTokens: try o.int("max_new_tokens") ?? 16,
            lengths: [], depths: [], trials: try o.int("trials") ?? 1, seed: 0,
            json: String(decoding: data, as: UTF8.self), file: file)
        spec.lengths = try parseLengths(o)
        spec.depths = try parseDepths(o)
        let seed = try o.int("seed") ?? 0
        guard seed >= 0 else { throw o.error("seed", "must be 0 or more") }
        spec.seed = UInt64(seed)
        try spec.validate()
        return spec
    }

    /// Checks the relations between fields; also used after command-line overrides.
    public func validate() throws {
        func fail(_ field: String, _ message: String) -> TaskSpecError {
            TaskSpecError(file: file, field: field, message: message)
        }
        guard !name.isEmpty else { throw fail("name", "must not be empty") }
        for placeholder in ["{key}", "{value}"] where !needle.contains(placeholder) {
            throw fail("needle", "template must contain \(placeholder)")
        }
        guard question.contains("{key}") else { throw fail("question", "template must contain {key}") }
        guard needles >= 1 else { throw fail("needles", "must be at least 1 (got \(needles))") }
        guard queries >= 1 else { throw fail("queries", "must be at least 1 (got \(queries))") }
        guard needles >= queries else {
            throw fail("needles", "must be at least queries (\(needles) needles cannot answer \(queries) questions with distinct keys)")
        }
        guard valuesPerKey >= 1 else { throw fail("values_per_key", "must be at least 1 (got \(valuesPerKey))") }
        guard maxNewTokens >= 1 else { throw fail("max_new_tokens", "must be at least 1 (got \(maxNewTokens))") }
        guard trials >= 1 else { throw fail("trials", "must be at least 1 (got \(trials))") }
        if let stop, stop.isEmpty { throw fail("stop", "must not be empty; leave it out to stop at EOS") }
        if let pool = KeyPool.size(of: keys), pool < needles {
            throw fail("keys", "offers \(pool) distinct keys but needles = \(needles)")
        }
        if let pool = ValuePool.size(of: values), pool < needles * valuesPerKey {
            throw fail("values", "offers \(pool) distinct values but \(needles * valuesPerKey) are needed")
        }
    }

    static func parseKeys(_ o: SpecObject) throws -> KeySource {
        guard let k = try o.object("keys") else { throw o.error("keys", "is required") }
        let kind = try k.requiredString("kind")
        switch kind {
        case "cities": try k.rejectUnknown(allowed: ["kind"]); return .cities
        case "words": try k.rejectUnknown(allowed: ["kind"]); return .words
        case "uuids": try k.rejectUnknown(allowed: ["kind"]); return .uuids
        case "numbers":
            try k.rejectUnknown(allowed: ["kind", "digits"])
            return .numbers(digits: try digits(k, default: 6))
        case "list":
            try k.rejectUnknown(allowed: ["kind", "items"])
            return .list(try items(k))
        default:
            throw k.error("kind", "unknown key kind '\(kind)'; use cities, words, uuids, numbers or list")
        }
    }

    static func parseValues(_ o: SpecObject) throws -> ValueSource {
        guard let v = try o.object("values") else { throw o.error("values", "is required") }
        let kind = try v.requiredString("kind")
        switch kind {
        case "number":
            try v.rejectUnknown(allowed: ["kind", "digits"])
            return .number(digits: try digits(v, default: 7))
        case "word": try v.rejectUnknown(allowed: ["kind"]); return .word
        case "uuid": try v.rejectUnknown(allowed: ["kind"]); return .uuid
        case "list":
            try v.rejectUnknown(allowed: ["kind", "items"])
            return .list(try items(v))
        default:
            throw v.error("kind", "unknown value kind '\(kind)'; use number, word, uuid or list")
        }
    }

    static func digits(_ o: SpecObject, default value: Int) throws -> Int {
        let d = try o.int("digits") ?? value
        guard (1...18).contains(d) else { throw o.error("digits", "must be between 1 and 18 (got \(d))") }
        return d
    }

    static func items(_ o: SpecObject) throws -> [String] {
        guard let items = try o.stringList("items"), !items.isEmpty else {
            throw o.error("items", "must be a non-empty array of strings")
        }
        guard Set(items).count == items.count else { throw o.error("items", "must not repeat an item") }
        guard !items.contains(where: \.isEmpty) else { throw o.error("items", "must not contain an empty string") }
        return items
    }

    static func parseHaystack(_ o: SpecObject, folder: URL) throws -> HaystackSpec {
        guard let h = try o.object("haystack") else { return .builtin }
        let kind = try h.requiredString("kind")
        switch kind {
        case "builtin": try h.rejectUnknown(allowed: ["kind"]); return .builtin
        case "noise": try h.rejectUnknown(allowed: ["kind"]); return .noise
        case "files":
            try h.rejectUnknown(allowed: ["kind", "path", "glob"])
            let path = try h.requiredString("path")
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue else {
                throw h.error("path", "folder \(url.path) does not exist; give a folder of text files")
            }
            return .files(folder: url.standardizedFileURL, glob: try h.string("glob") ?? "*.txt")
        default:
            throw h.error("kind", "unknown haystack kind '\(kind)'; use builtin, files or noise")
        }
    }

    static func parseLengths(_ o: SpecObject) throws -> [Int] {
        guard let raw = try o.array("lengths") else { return [4096] }
        guard !raw.isEmpty else { throw o.error("lengths", "must not be empty") }
        return try raw.map { item in
            if let s = item as? String, let n = Lengths.parse(s) { return n }
            if let n = item as? NSNumberLike, !n.isBool, let i = n.exactInt, i > 0 { return i }
            throw o.error("lengths", "entries must be positive token counts like 4096, \"4K\" or \"1M\" (got \(item))")
        }
    }

    static func parseDepths(_ o: SpecObject) throws -> [Int] {
        guard let raw = try o.array("depths") else { return [0, 50, 100] }
        guard !raw.isEmpty else { throw o.error("depths", "must not be empty") }
        return try raw.map { item in
            guard let n = item as? NSNumberLike, !n.isBool, let d = n.exactInt, (0...100).contains(d) else {
                throw o.error("depths", "entries must be whole percentages from 0 to 100 (got \(item))")
            }
            return d
        }
    }
}
