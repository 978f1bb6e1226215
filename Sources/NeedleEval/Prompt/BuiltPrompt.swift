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
    /// The question as text (as the task spec fills it in).
    public var text: String
    /// The question's tokens. The first question is already the tail of `BuiltPrompt.tokens`
    /// (from the token holding its first character, as the whole prompt text encodes); later ones
    /// are encoded on their own and appended after the previous answer.
    public var questionTokens: [Int32]
    /// Values a correct answer gives, in the order they appear in the haystack.
    public var expected: [String]
}

/// A prompt built for one cell (length, depth, trial) of a grid.
public struct BuiltPrompt: Sendable {
    public var length: Int
    public var depth: Int
    public var trial: Int
    /// (length) BOS, preamble, haystack with needles, first question: the prefix tokens followed
    /// by the encoding of `text` as a whole.
    public var tokens: [Int32]
    /// The prompt as text, without the prefix tokens (for the byte tokenizer: the decoded tokens).
    public var text: String
    public var needles: [PlacedNeedle]
    public var queries: [PromptQuery]
    /// Token offset of the needle the first question asks about (at the requested depth).
    public var needleTokenOffset: Int
    /// Token offset where the haystack region starts and its size (needles included). With a BPE
    /// tokenizer a token may hold text of both sides of an edge: the region starts at the token
    /// holding its first byte and ends before the token holding the question's first byte.
    public var regionStart: Int
    public var regionLength: Int

    /// Every expected value across all questions.
    public var expected: [String] { queries.flatMap(\.expected) }
}

/// A prompt that cannot be built as asked.
public enum PromptError: Error, CustomStringConvertible, Equatable {
    case tooShort(length: Int, minimum: Int, task: String)
    case noFreeValues(count: Int)
    /// No cut of the filler gives the whole text exactly this many tokens (a tokenizer whose
    /// counts jump by two wherever the cut moves; not seen with real vocabularies).
    case noExactLength(length: Int, tokenizer: String)
    /// The tokenizer's tokens cannot be lined up with the text they encode.
    case untraceableTokens(tokenizer: String, detail: String)

    public var description: String {
        switch self {
        case .tooShort(let length, let minimum, let task):
            return "length \(length) is too short for task '\(task)': its preamble, needles and question need at least \(minimum) tokens; use a larger --length/--lengths"
        case .noFreeValues(let count):
            return "could not draw \(count) distinct values absent from the haystack; widen the task's 'values'"
        case .noExactLength(let length, let tokenizer):
            return "no cut of the haystack makes the prompt exactly \(length) tokens of '\(tokenizer)'; try a length a few tokens away"
        case .untraceableTokens(let tokenizer, let detail):
            return "cannot line up the tokens of '\(tokenizer)' with the prompt text (\(detail)), so needles cannot be placed by token; "
                + "use a tokenizer without a text-changing normalizer, or a haystack it can encode (--tokenizer, the task's 'haystack')"
        }
    }
}
