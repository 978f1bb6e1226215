import Foundation
import NIOCore
import NeedleEval
import NeedleSupport
import Tokenizers

/// Answers prompts through an OpenAI-compatible server. A conversation is the prompt, then each
/// answer and the next question appended to it (as the in-process runtime keeps them in its
/// context); every question is one request carrying the whole conversation so far, which a
/// server with a prompt cache (llama.cpp, vLLM, `needle-eval serve`) does not prefill again.
///
/// Faults: transport failures, timeouts, 408, 429 and 5xx are retried with backoff (`RetryPolicy`);
/// when the attempts run out the trial is `UnansweredTrial` (recorded as an error, retried by
/// `--resume`). Any other 4xx stops the run with the server's message.
final class HTTPResponder: Responder {
    struct Settings: Sendable {
        var api: APIKind
        var promptFormat: PromptFormat
        var servedModel: String
        var sampling: Sampling
        var stream: Bool
        var retry: RetryPolicy
    }

    private let server: ServerConnection
    private let settings: Settings
    private let tokenizer: any Tokenizer
    private(set) var metrics = ResponderMetrics()

    /// The conversation: ids (completions with an id prompt), text (completions with a text
    /// prompt), or chat messages.
    private var ids: [Int32] = []
    private var text = ""
    private var messages: [[String: String]] = []
    private var answered = 0

    init(server: ServerConnection, settings: Settings, tokenizer: any Tokenizer) {
        self.server = server
        self.settings = settings
        self.tokenizer = tokenizer
    }

    func begin(prompt: [Int32]) throws {
        try checkTokenizer()
        metrics = ResponderMetrics()
        metrics.attempts = 0
        answered = 0
        ids = prompt
        let prefix = tokenizer.prefixTokens
        let body = prompt.starts(with: prefix) ? Array(prompt.dropFirst(prefix.count)) : prompt
        if settings.api == .chat || settings.promptFormat == .text {
            text = tokenizer.decode(body)
            try checkTokenizer()
        }
        messages = [["role": "user", "content": text]]
    }

    func answer(followUp: [Int32], stop: String?, maxNewTokens: Int) throws -> String {
        if !followUp.isEmpty {
            ids += followUp
            if settings.api == .chat || settings.promptFormat == .text {
                let question = tokenizer.decode(followUp)
                try checkTokenizer()
                text += question
                messages.append(["role": "user", "content": question])
            }
        }
        let completion = try request(stop: stop, maxNewTokens: maxNewTokens)
        // Servers leave a stop string out of the text; the in-process runtime keeps it (in the
        // answer and in the context), and so does this conversation. A server that does not say
        // why it stopped ("stop" for EOS and stop strings alike) is taken to have met the string.
        var answer = completion.text
        if let stop, !stop.isEmpty, completion.stoppedAtStopString, !answer.hasSuffix(stop) { answer += stop }
        if answered == 0 {
            metrics.reportedPromptTokens = completion.promptTokens
            metrics.timeToFirstTokenMilliseconds = completion.firstTokenSeconds.map { $0 * 1000 }
        }
        answered += 1
        metrics.generatedTokens += completion.completionTokens ?? 0
        metrics.cachedTokens += completion.cachedTokens ?? 0
        metrics.prefillMilliseconds += completion.promptMilliseconds ?? 0
        metrics.decodeMilliseconds += completion.decodeMilliseconds ?? 0
        ids += tokenizer.encode(answer)
        try checkTokenizer()
        text += answer
        messages.append(["role": "assistant", "content": answer])
        return answer
    }

    /// A server tokenizer's failed request surfaces here, before anything is sent.
    private func checkTokenizer() throws {
        if let remote = tokenizer as? ServerTokenizer, let failure = remote.takeFailure() { throw failure }
    }

    private var path: String { settings.api == .chat ? "/v1/chat/completions" : "/v1/completions" }

    private func body(stop: String?, maxNewTokens: Int) throws -> Data {
        var fields: [String: Any] = [
            "model": settings.servedModel, "max_tokens": maxNewTokens,
            "temperature": settings.sampling.temperature, "seed": settings.sampling.seed, "stream": settings.stream,
        ]
        if let stop, !stop.isEmpty { fields["stop"] = [stop] }
        if settings.stream { fields["stream_options"] = ["include_usage": true] }
        switch (settings.api, settings.promptFormat) {
        case (.chat, _):
            fields["messages"] = messages
            return try JSONBody.object(fields)
        case (.completions, .text):
            fields["prompt"] = text
            return try JSONBody.object(fields)
        case (.completions, .ids):
            return try JSONBody.object(fields, ids: "prompt", ids)
        }
    }

    /// One answer, retrying what may pass.
    private func request(stop: String?, maxNewTokens: Int) throws -> Completion {
        let payload = try body(stop: stop, maxNewTokens: maxNewTokens)
        let endpoint = "POST \(server.baseURL)\(path)"
        var attempt = 0
        while true {
            attempt += 1
            metrics.attempts += 1
            let clock = settings.stream ? FirstTokenClock(api: settings.api) : nil
            let problem: String
            var retryAfter: TimeInterval?
            do {
                var onBodyPart: (@Sendable (ByteBuffer, Double) -> Void)?
                if let clock {
                    onBodyPart = { buffer, seconds in clock.feed(buffer.readableBytesView, at: seconds) }
                }
                let reply = try server.send(.POST, path, body: payload, onBodyPart: onBodyPart)
                metrics.latencyMilliseconds += reply.seconds * 1000
                if reply.isSuccess {
                    if var completion = parse(reply) {
                        completion.firstTokenSeconds = clock?.firstTokenSeconds
                        return completion
                    }
                    problem = "\(endpoint): HTTP \(reply.status) but the reply is not a \(settings.api.rawValue) response"
                } else if RetryPolicy.isRetryable(status: reply.status) {
                    problem = "\(endpoint): HTTP \(reply.status): \(server.redact(reply.errorMessage))"
                    retryAfter = RetryPolicy.retryAfter(reply.header("Retry-After"))
                } else {
                    throw HTTPBackendError.rejected(endpoint: endpoint, status: reply.status, message: server.redact(reply.errorMessage))
                }
            } catch let failure as ServerConnection.TransportFailure {
                problem = "\(endpoint): \(failure.detail)"
            }
            guard attempt < settings.retry.maxAttempts else {
                throw UnansweredTrial(message: "\(problem) (gave up after \(attempt) attempts)", attempts: metrics.attempts,
                                      metrics: metrics)
            }
            Thread.sleep(forTimeInterval: settings.retry.delay(afterAttempt: attempt, retryAfter: retryAfter))
        }
    }

    private func parse(_ reply: ServerConnection.Reply) -> Completion? {
        if settings.stream {
            var parser = EventStreamParser()
            let events = parser.feed(reply.body) + parser.finish()
            return Completion.parse(events: events, api: settings.api)
        }
        return Completion.parse(reply: reply.body, api: settings.api)
    }
}
