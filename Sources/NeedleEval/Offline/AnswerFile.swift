import Foundation

/// One answer of an answers file: `{"id", "output"}` or `{"id", "outputs": [...]}` (one per
/// question, in order), optionally `prompt_tokens` as the engine counted them and `prefill_ms`,
/// `decode_ms`. Other fields (a model name, say) are ignored.
public struct OfflineAnswer: Sendable, Equatable {
    public var line: Int
    public var id: String
    public var outputs: [String]
    public var promptTokens: Int?
    public var prefillMilliseconds: Double?
    public var decodeMilliseconds: Double?
}

public enum AnswerFile {
    /// The answers of `path`, one per id, in file order. The same id twice with the same outputs
    /// is kept once (re-sent answers are harmless); with different outputs it is a problem.
    public static func read(path: String) throws -> [OfflineAnswer] {
        var problems: [ImportProblem] = []
        var answers: [OfflineAnswer] = []
        var byID: [String: OfflineAnswer] = [:]
        for line in JSONLine.read(path: path, problems: &problems) {
            do {
                let answer = try self.answer(line)
                if let earlier = byID[answer.id] {
                    guard earlier.outputs == answer.outputs else {
                        throw line.problem("id", "'\(answer.id)' was answered differently on line \(earlier.line); keep one answer per id")
                    }
                    continue
                }
                byID[answer.id] = answer
                answers.append(answer)
            } catch let p as ImportProblem { problems.append(p) }
        }
        if problems.isEmpty && answers.isEmpty {
            problems.append(ImportProblem(file: path, line: nil, "has no answers; write one {\"id\": …, \"output\": …} per line"))
        }
        guard problems.isEmpty else { throw AnswerImportError(problems) }
        return answers
    }

    private static func answer(_ line: JSONLine) throws -> OfflineAnswer {
        let id = try line.string("id")
        let outputs: [String]
        switch (line.has("output"), line.has("outputs")) {
        case (true, false): outputs = [try line.string("output")]
        case (false, true): outputs = try line.strings("outputs")
        case (true, true): throw line.problem("outputs", "given together with output; give output (one question) or outputs (one per question)")
        case (false, false): throw line.problem("output", "is missing; give output (a string) or outputs (one string per question)")
        }
        return OfflineAnswer(line: line.line, id: id, outputs: outputs,
                             promptTokens: try line.optionalInt("prompt_tokens", minimum: 1),
                             prefillMilliseconds: try line.optionalMilliseconds("prefill_ms"),
                             decodeMilliseconds: try line.optionalMilliseconds("decode_ms"))
    }
}
