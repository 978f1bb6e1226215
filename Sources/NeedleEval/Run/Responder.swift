// What NeedleEval needs from a model, besides its tokenizer (the Tokenizers module): a responder
// that answers prompts. Backends adapt a model to it (the in-process YOCO runtime; servers); tests
// use small fakes.

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
