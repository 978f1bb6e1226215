// What NeedleEval needs from a model, and nothing more: a tokenizer to measure and cut prompts in the
// model's own tokens, and a responder that answers them. The executable adapts YOCORuntime to these;
// tests use small fakes.

/// Counts and cuts text in a model's tokens. Prompts are built in tokens so that a prompt asked
/// for L tokens is exactly L tokens for this model.
public protocol PromptTokenizer: Sendable {
    /// A stable name recorded with results (e.g. "bytes").
    var name: String { get }
    /// Tokens the model puts before every prompt (BOS); counted in the prompt length.
    var prefixTokens: [Int32] { get }
    /// Token ids of `text`, no BOS.
    func encode(_ text: String) -> [Int32]
    /// Text of `tokens` (the inverse of `encode` on whole strings).
    func decode(_ tokens: [Int32]) -> String
}

/// Answers a prompt. Multi-query prompts call `answer` once per question, in turn, on the same
/// conversation: each answer stays in the context before the next question is appended.
public protocol Responder: AnyObject {
    /// Starts a new conversation whose context is `prompt` (already tokenized, BOS first).
    func begin(prompt: [Int32]) throws
    /// Appends `followUp` tokens (nothing for the first question), then generates greedily until
    /// `stop`, EOS or `maxNewTokens`; the answer's tokens stay in the context.
    func answer(followUp: [Int32], stop: String?, maxNewTokens: Int) throws -> String
    /// Measurements of the conversation so far, recorded with the trial.
    var metrics: ResponderMetrics { get }
}

/// Per-trial measurements reported by a responder.
public struct ResponderMetrics: Sendable, Equatable {
    public var prefillMilliseconds: Double = 0
    public var decodeMilliseconds: Double = 0
    public var peakRSSBytes: Int = 0
    public var kvBytes: Int = 0
    public var generatedTokens: Int = 0
    public init() {}
}
