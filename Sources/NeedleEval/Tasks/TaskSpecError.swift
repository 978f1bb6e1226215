import NeedleSupport
/// A task spec problem a user can fix: names the file and the field.
public struct TaskSpecError: UsageProblem, CustomStringConvertible, Equatable {
    public let file: String
    public let field: String
    public let message: String
    public init(file: String, field: String, message: String) {
        self.file = file; self.field = field; self.message = message
    }
    public var description: String {
        field.isEmpty ? "\(file): \(message)" : "\(file): field '\(field)': \(message)"
    }
}

/// Reads one JSON object of a spec, typed, remembering which fields were consumed so that an
/// unknown field (usually a typo) is reported instead of silently ignored.
struct SpecObject {
    let file: String
    let path: String
    let fields: [String: Any]

    init(file: String, path: String, value: Any?) throws {
        self.file = file; self.path = path
        guard let dict = value as? [String: Any] else {
            throw TaskSpecError(file: file, field: path, message: "must be a JSON object")
        }
        fields = dict
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
    func error(_ key: String, _ message: String) -> TaskSpecError {
        TaskSpecError(file: file, field: name(key), message: message)
    }

    func rejectUnknown(allowed: Set<String>) throws {
        for key in fields.keys.sorted() where !allowed.contains(key) {
            throw error(key, "unknown field; allowed fields are \(allowed.sorted().joined(separator: ", "))")
        }
    }

    func string(_ key: String) throws -> String? {
        guard let raw = fields[key] else { return nil }
        guard let s = raw as? String else { throw error(key, "must be a string") }
        return s
    }

    func requiredString(_ key: String) throws -> String {
        guard let s = try string(key) else { throw error(key, "is required") }
        return s
    }

    func int(_ key: String) throws -> Int? {
        guard let raw = fields[key] else { return nil }
        // JSONSerialization gives NSNumber; reject booleans and fractions explicitly.
        guard let n = raw as? NSNumberLike, !n.isBool, let i = n.exactInt else {
            throw error(key, "must be a whole number")
        }
        return i
    }

    func object(_ key: String) throws -> SpecObject? {
        guard let raw = fields[key] else { return nil }
        return try SpecObject(file: file, path: name(key), value: raw)
    }

    func array(_ key: String) throws -> [Any]? {
        guard let raw = fields[key] else { return nil }
        guard let a = raw as? [Any] else { throw error(key, "must be a JSON array") }
        return a
    }

    func stringList(_ key: String) throws -> [String]? {
        guard let a = try array(key) else { return nil }
        return try a.map {
            guard let s = $0 as? String else { throw error(key, "must be an array of strings") }
            return s
        }
    }
}
