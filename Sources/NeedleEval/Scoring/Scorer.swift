/// How one answer compares with what was expected.
public struct AnswerScore: Equatable, Sendable {
    /// The answer up to the stop string, trimmed.
    public var answer: String
    /// The answer is exactly the expected value (several values: exactly those, any order,
    /// separated by commas or "and").
    public var exact: Bool
    /// Every expected value occurs somewhere in the answer.
    public var containsAll: Bool
    /// How many expected values occur in the answer.
    public var found: Int
    public var expectedCount: Int
}

/// The score of a whole trial (all its questions).
public struct TrialScore: Equatable, Sendable {
    public var answers: [AnswerScore]
    /// Exact match on every question: the `correct` column.
    public var correct: Bool { answers.allSatisfy(\.exact) }
    /// Every value found somewhere in its answer.
    public var containsAll: Bool { answers.allSatisfy(\.containsAll) }
    /// Partial credit: the fraction of all expected values found (multi-value, multi-query).
    public var score: Double {
        let expected = answers.reduce(0) { $0 + $1.expectedCount }
        return expected == 0 ? 0 : Double(answers.reduce(0) { $0 + $1.found }) / Double(expected)
    }
}

public enum Scorer {
    /// The answer as the task defines it: text before the first stop string, trimmed.
    public static func answerText(_ output: String, stop: String?) -> String {
        var text = Substring(output)
        if let stop, let r = text.range(of: stop) { text = text[..<r.lowerBound] }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public static func score(output: String, expected: [String], stop: String?) -> AnswerScore {
        let answer = answerText(output, stop: stop)
        let found = expected.filter { answer.contains($0) }.count
        let exact: Bool
        if expected.count == 1 {
            exact = answer == expected[0]
        } else {
            let parts = answer.replacingOccurrences(of: " and ", with: ",")
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            exact = parts.count == expected.count && Set(parts) == Set(expected)
        }
        return AnswerScore(answer: answer, exact: exact, containsAll: found == expected.count,
                           found: found, expectedCount: expected.count)
    }
}

import Foundation
