import Foundation

/// How prompts go to the server.
public enum APIKind: String, Sendable, CaseIterable {
    /// `POST /v1/completions`: the prompt as token ids (exactly the tokens measured) or as text.
    case completions
    /// `POST /v1/chat/completions`: the prompt as one user message; the server applies its chat
    /// template, whose extra tokens show in the prompt tokens it reports.
    case chat
}

/// A completions prompt's form on the wire.
public enum PromptFormat: String, Sendable, CaseIterable {
    case ids, text
}

/// Sampling and length settings sent with every request (greedy and deterministic by default).
public struct Sampling: Sendable, Equatable, Codable {
    public var temperature: Double = 0
    public var seed: Int = 0

    public init(temperature: Double = 0, seed: Int = 0) { (self.temperature, self.seed) = (temperature, seed) }
}

/// One answer as a server returned it.
struct Completion: Equatable {
    var text = ""
    var finishReason: String?
    /// llama.cpp's (and `needle-eval serve`'s) `stop_type`: "word", "eos" or "limit".
    var stopType: String?
    var promptTokens: Int?
    var completionTokens: Int?
    var cachedTokens: Int?
    /// llama.cpp's own timings, when present.
    var promptMilliseconds: Double?
    var decodeMilliseconds: Double?
    /// Seconds from the request to the first streamed text.
    var firstTokenSeconds: Double?

    /// Reads a whole (non-streamed) reply.
    static func parse(reply data: Data, api: APIKind) -> Completion? {
        guard let object = JSONBody.parse(data), let choices = object["choices"] as? [[String: Any]],
              let choice = choices.first else { return nil }
        var completion = Completion()
        let text = api == .chat ? (choice["message"] as? [String: Any])?["content"] as? String : choice["text"] as? String
        guard let text else { return nil }
        completion.text = text
        completion.finishReason = choice["finish_reason"] as? String
        completion.readUsage(object)
        return completion
    }

    /// Reads a streamed reply: the events' text pieces in order; usage and timings from whichever
    /// event carries them (OpenAI and vLLM: a last event with `stream_options.include_usage`).
    static func parse(events: [Data], api: APIKind) -> Completion? {
        var completion = Completion()
        var sawChoice = false
        for event in events {
            guard let object = JSONBody.parse(event) else { return nil }
            if object["error"] != nil { return nil }
            completion.readUsage(object)
            guard let choice = (object["choices"] as? [[String: Any]])?.first else { continue }
            sawChoice = true
            let piece = api == .chat ? (choice["delta"] as? [String: Any])?["content"] as? String : choice["text"] as? String
            completion.text += piece ?? ""
            if let reason = choice["finish_reason"] as? String { completion.finishReason = reason }
        }
        return sawChoice ? completion : nil
    }

    /// Whether the answer ended at the stop string (which servers leave out of the text): the
    /// server's `stop_type` when it gives one, else a "stop" finish.
    var stoppedAtStopString: Bool {
        if let stopType { return stopType == "word" }
        return finishReason == "stop"
    }

    private mutating func readUsage(_ object: [String: Any]) {
        if let type = object["stop_type"] as? String { stopType = type }
        if let usage = object["usage"] as? [String: Any] {
            promptTokens = JSONBody.int(usage["prompt_tokens"]) ?? promptTokens
            completionTokens = JSONBody.int(usage["completion_tokens"]) ?? completionTokens
            if let details = usage["prompt_tokens_details"] as? [String: Any] {
                cachedTokens = JSONBody.int(details["cached_tokens"]) ?? cachedTokens
            }
        }
        if let timings = object["timings"] as? [String: Any] {
            cachedTokens = JSONBody.int(timings["cache_n"]) ?? cachedTokens
            promptMilliseconds = (timings["prompt_ms"] as? NSNumber)?.doubleValue ?? promptMilliseconds
            decodeMilliseconds = (timings["predicted_ms"] as? NSNumber)?.doubleValue ?? decodeMilliseconds
            if promptTokens == nil, let n = JSONBody.int(timings["prompt_n"]), let cached = JSONBody.int(timings["cache_n"]) {
                promptTokens = n + cached
            }
        }
    }
}

/// Tells whether the first streamed text has arrived, across the threads a reply is read on.
final class FirstTokenClock: @unchecked Sendable {
    private let lock = NSLock()
    private var parser = EventStreamParser()
    private var seconds: Double?
    private let api: APIKind

    init(api: APIKind) { self.api = api }

    func feed(_ bytes: some Sequence<UInt8>, at time: Double) {
        lock.withLock {
            guard seconds == nil else { return }
            for event in parser.feed(bytes) {
                if let c = Completion.parse(events: [event], api: api), !c.text.isEmpty { seconds = time; return }
            }
        }
    }

    var firstTokenSeconds: Double? { lock.withLock { seconds } }
}
