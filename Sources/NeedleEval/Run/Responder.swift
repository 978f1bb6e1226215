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

/// One conversation of a batch: the prompt (its first question included), then the tokens of
/// each later question, appended after the answer before it.
public struct Conversation: Sendable, Equatable {
    public var prompt: [Int32]
    public var followUps: [[Int32]]

    public init(prompt: [Int32], followUps: [[Int32]] = []) { (self.prompt, self.followUps) = (prompt, followUps) }

    /// Questions asked: the prompt's and one per follow-up.
    public var questions: Int { 1 + followUps.count }
}

/// What a batch responder gives back for one conversation.
public struct BatchAnswer: Sendable, Equatable {
    /// One output per question, in order.
    public var outputs: [String]
    public var metrics: ResponderMetrics

    public init(outputs: [String], metrics: ResponderMetrics) { (self.outputs, self.metrics) = (outputs, metrics) }
}

/// Answers several conversations at once, each as a `Responder` would (questions in turn, each
/// answer kept in the context before the next question): the in-process runtime decodes the
/// cells of a batch together over the haystack rows they share.
public protocol BatchResponder: AnyObject {
    /// Most conversations one call takes.
    var batchSize: Int { get }
    /// One answer per conversation, in order. `conversation(i)` builds conversation i; it is
    /// called once for each i in 0 ..< count, in order, so a long prompt is held only while
    /// the responder takes it in, not for the whole batch.
    func answer(_ count: Int, conversation: (Int) throws -> Conversation, stop: String?, maxNewTokens: Int) throws -> [BatchAnswer]
}
