/// One needle as placed in a prompt.
public struct PlacedNeedle: Equatable, Sendable {
    public var key: String
    public var value: String
    /// Token offset of the needle's first token in the prompt (BOS included in the count).
    public var tokenOffset: Int
}

/// One question of a prompt and what a correct answer contains.
public struct PromptQuery: Equatable, Sendable {
    public var key: String
    /// The question's tokens. The first question is already the tail of `BuiltPrompt.tokens`;
    /// later ones are appended after the previous answer.
    public var questionTokens: [Int32]
    /// Values a correct answer gives, in the order they appear in the haystack.
    public var expected: [String]
}

/// A prompt built for one cell (length, depth, trial) of a grid.
public struct BuiltPrompt: Sendable {
    public var length: Int
    public var depth: Int
    public var trial: Int
    /// (length) BOS, preamble, haystack with needles, first question
    public var tokens: [Int32]
    public var needles: [PlacedNeedle]
    public var queries: [PromptQuery]
    /// Token offset of the needle the first question asks about (at the requested depth).
    public var needleTokenOffset: Int
    /// Token offset where the haystack region starts and its size (needles included).
    public var regionStart: Int
    public var regionLength: Int

    /// Every expected value across all questions.
    public var expected: [String] { queries.flatMap(\.expected) }
}

/// A prompt that cannot be built as asked.
public enum PromptError: Error, CustomStringConvertible, Equatable {
    case tooShort(length: Int, minimum: Int, task: String)
    case noFreeValues(count: Int)

    public var description: String {
        switch self {
        case .tooShort(let length, let minimum, let task):
            return "length \(length) is too short for task '\(task)': its preamble, needles and question need at least \(minimum) tokens; use a larger --length/--lengths"
        case .noFreeValues(let count):
            return "could not draw \(count) distinct values absent from the haystack; widen the task's 'values'"
        }
    }
}
