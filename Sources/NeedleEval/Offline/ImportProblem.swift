import NeedleSupport

/// One thing wrong in a prompts or answers file: the file, the line (1-based; nil for the file as
/// a whole), the field, what is wrong and the fix, in one message.
public struct ImportProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var field: String?
    public var message: String

    public init(file: String, line: Int?, field: String? = nil, _ message: String) {
        (self.file, self.line, self.field, self.message) = (file, line, field, message)
    }

    public var description: String {
        file + (line.map { ":\($0)" } ?? "") + ": " + (field.map { "\($0): " } ?? "") + message
    }
}

/// Everything wrong with an import, found before anything is written. A usage problem (exit 2):
/// the files are the user's to fix.
public struct AnswerImportError: UsageProblem, Sendable, Equatable {
    public var problems: [ImportProblem]

    public init(_ problems: [ImportProblem]) { self.problems = problems }

    /// The first 20 problems, one a line (a file of garbage should not flood the terminal).
    public var description: String {
        let shown = problems.prefix(20).map(\.description)
        let more = problems.count > 20 ? ["… and \(problems.count - 20) more problems"] : []
        return (["nothing was recorded; fix these and run score again:"] + shown + more).joined(separator: "\n")
    }
}
