/// A tokenizer file that cannot be used: names the file and the field, and says how to fix it.
public struct TokenizerError: Error, CustomStringConvertible, Equatable, Sendable {
    public var path: String
    /// The JSON field at fault, or "(file)" for the whole file.
    public var field: String
    public var problem: String
    public var fix: String

    public init(path: String, field: String, problem: String, fix: String) {
        self.path = path; self.field = field; self.problem = problem; self.fix = fix
    }

    public var description: String {
        field == "(file)" ? "\(path): \(problem). Fix: \(fix)" : "\(path): field '\(field)' \(problem). Fix: \(fix)"
    }
}
