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
    /// The prompt tokens the model saw by its own (server's) count, for the first question; nil
    /// when it did not say (in process the built prompt is what the model sees).
    public var reportedPromptTokens: Int?
    /// Prompt tokens the server reused from its cache instead of prefilling.
    public var cachedTokens: Int = 0
    /// Requests made, retries included.
    public var attempts: Int = 1
    /// Wall time of the requests that answered.
    public var latencyMilliseconds: Double = 0
    /// Time to the first streamed token of the first answer.
    public var timeToFirstTokenMilliseconds: Double?
    public init() {}
}

/// A trial the responder could not get answered (a server that kept failing after its retries):
/// the evaluator records it with status `error` and this message instead of scoring it, and
/// `--resume` asks again. Any other error a responder throws stops the run.
public struct UnansweredTrial: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var attempts: Int
    public var metrics: ResponderMetrics

    public init(message: String, attempts: Int, metrics: ResponderMetrics = ResponderMetrics()) {
        (self.message, self.attempts, self.metrics) = (message, attempts, metrics)
    }

    public var description: String { message }
}
