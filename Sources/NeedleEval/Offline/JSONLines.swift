import Foundation
import NeedleSupport

/// One JSON object of a JSON-lines file, with typed field access whose failures name the file,
/// line and field.
struct JSONLine {
    let file: String
    let line: Int
    let object: [String: Any]
    /// Prepended to field names in messages (`run.` inside the run object).
    var prefix = ""

    /// The non-blank lines of `path` as JSON objects; a line that is not one is a problem (and
    /// left out). Blank lines are skipped (a trailing newline, or a blank line between answers).
    static func read(path: String, problems: inout [ImportProblem]) -> [JSONLine] {
        guard let data = FileManager.default.contents(atPath: path) else {
            problems.append(ImportProblem(file: path, line: nil, "cannot read the file; check the path"))
            return []
        }
        var lines: [JSONLine] = []
        for (index, raw) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let text = String(decoding: raw, as: UTF8.self)
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
            guard let value = try? JSONSerialization.jsonObject(with: Data(raw)) else {
                problems.append(ImportProblem(file: path, line: index + 1, "is not valid JSON; write one JSON object per line"))
                continue
            }
            guard let object = value as? [String: Any] else {
                problems.append(ImportProblem(file: path, line: index + 1, "is not a JSON object; write one {…} per line"))
                continue
            }
            lines.append(JSONLine(file: path, line: index + 1, object: object))
        }
        return lines
    }

    func problem(_ field: String?, _ message: String) -> ImportProblem {
        ImportProblem(file: file, line: line, field: field.map { prefix + $0 }, message)
    }

    func has(_ field: String) -> Bool { object[field] != nil && !(object[field] is NSNull) }

    func string(_ field: String) throws -> String {
        guard has(field) else { throw problem(field, "is missing; every line needs a string \(field)") }
        guard let value = object[field] as? String else { throw problem(field, "must be a string") }
        return value
    }

    func int(_ field: String, minimum: Int = 0) throws -> Int {
        guard has(field) else { throw problem(field, "is missing; every line needs an integer \(field)") }
        return try optionalInt(field, minimum: minimum)!
    }

    func optionalInt(_ field: String, minimum: Int = 0) throws -> Int? {
        guard has(field) else { return nil }
        guard let n = object[field] as? NSNumber, !n.isBool, let value = n.exactInt, value >= minimum else {
            throw problem(field, "must be a whole number, at least \(minimum)")
        }
        return value
    }

    func optionalMilliseconds(_ field: String) throws -> Double? {
        guard has(field) else { return nil }
        guard let n = object[field] as? NSNumber, !n.isBool, n.doubleValue.isFinite, n.doubleValue >= 0 else {
            throw problem(field, "must be a number of milliseconds, 0 or more")
        }
        return n.doubleValue
    }

    func strings(_ field: String) throws -> [String] {
        guard has(field) else { throw problem(field, "is missing; every line needs an array of strings \(field)") }
        guard let value = object[field] as? [Any], let strings = value as? [String],
              value.allSatisfy({ $0 is String }) else { throw problem(field, "must be an array of strings") }
        return strings
    }

    func stringLists(_ field: String) throws -> [[String]] {
        guard let lists = object[field] as? [Any] else { throw problem(field, "must be an array of arrays of strings") }
        return try lists.map {
            guard let list = $0 as? [Any], list.allSatisfy({ $0 is String }) else {
                throw problem(field, "must be an array of arrays of strings")
            }
            return list.map { $0 as! String }
        }
    }

    func nested(_ field: String) throws -> JSONLine {
        guard let object = object[field] as? [String: Any] else {
            throw problem(field, "is missing or not an object; regenerate the prompts with needle-eval generate")
        }
        return JSONLine(file: file, line: line, object: object, prefix: prefix + field + ".")
    }
}
