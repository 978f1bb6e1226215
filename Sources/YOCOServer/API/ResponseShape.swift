import Foundation

enum ResponseStyle: Sendable { case completion, chat }

/// The JSON of one generation's answer in the OpenAI shapes: `text_completion` and
/// `chat.completion`, or their streamed chunks; `usage` with cached prompt tokens, and
/// llama.cpp's `timings`.
struct ResponseShape {
    let style: ResponseStyle
    let model: String
    let id: String
    let created = Int(Date().timeIntervalSince1970)

    init(style: ResponseStyle, model: String) {
        self.style = style
        self.model = model
        let hex = (0..<12).map { _ in String(UInt8.random(in: 0...15), radix: 16) }.joined()
        id = (style == .chat ? "chatcmpl-" : "cmpl-") + hex
    }

    private func envelope(object: String, _ rest: [(String, JSONValue)]) -> JSONValue {
        .object([("id", .string(id)), ("object", .string(object)), ("created", .int(created)), ("model", .string(model))] + rest)
    }

    private func choice(text: String?, finish: String?, streamed: Bool) -> JSONValue {
        let reason: JSONValue = finish.map { .string($0) } ?? .null
        switch style {
        case .completion:
            return .object([("index", .int(0)), ("text", .string(text ?? "")), ("logprobs", .null), ("finish_reason", reason)])
        case .chat:
            let key = streamed ? "delta" : "message"
            var message: [(String, JSONValue)] = streamed ? [] : [("role", .string("assistant"))]
            if let text { message.append(("content", .string(text))) }
            return .object([("index", .int(0)), (key, .object(message)), ("logprobs", .null), ("finish_reason", reason)])
        }
    }

    private var objectName: String { style == .chat ? "chat.completion" : "text_completion" }
    private var chunkName: String { style == .chat ? "chat.completion.chunk" : "text_completion" }

    static func usage(_ s: GenerationSummary) -> JSONValue {
        .object([
            ("prompt_tokens", .int(s.promptTokens)), ("completion_tokens", .int(s.completionTokens)),
            ("total_tokens", .int(s.promptTokens + s.completionTokens)),
            ("prompt_tokens_details", .object([("cached_tokens", .int(s.cachedTokens))])),
        ])
    }

    static func timings(_ s: GenerationSummary) -> JSONValue {
        let prefilled = s.promptTokens - s.cachedTokens
        func rate(_ n: Int, _ ms: Double) -> JSONValue { .double(ms > 0 ? Double(n) / ms * 1000 : 0) }
        return .object([
            ("prompt_n", .int(prefilled)), ("prompt_ms", .double(s.promptMilliseconds)),
            ("prompt_per_second", rate(prefilled, s.promptMilliseconds)), ("cache_n", .int(s.cachedTokens)),
            ("predicted_n", .int(s.completionTokens)), ("predicted_ms", .double(s.predictedMilliseconds)),
            ("predicted_per_second", rate(s.completionTokens, s.predictedMilliseconds)),
        ])
    }

    /// The whole answer of a request without `stream`.
    func whole(_ s: GenerationSummary) -> JSONValue {
        envelope(object: objectName, [
            ("choices", .array([choice(text: s.text, finish: s.finishReason, streamed: false)])),
            ("usage", Self.usage(s)), ("timings", Self.timings(s)), ("stop_type", .string(s.stopType)),
        ])
    }

    /// Chat streams open with the assistant's role, as OpenAI's do.
    func opening() -> JSONValue? {
        guard style == .chat else { return nil }
        return envelope(object: chunkName, [("choices", .array([
            .object([("index", .int(0)), ("delta", .object([("role", .string("assistant")), ("content", .string(""))])),
                     ("logprobs", .null), ("finish_reason", .null)]),
        ]))])
    }

    func chunk(text: String) -> JSONValue {
        envelope(object: chunkName, [("choices", .array([choice(text: text, finish: nil, streamed: true)]))])
    }

    /// The chunk that gives the finish reason (and llama.cpp's timings).
    func final(_ s: GenerationSummary) -> JSONValue {
        envelope(object: chunkName, [
            ("choices", .array([choice(text: style == .chat ? nil : "", finish: s.finishReason, streamed: true)])),
            ("timings", Self.timings(s)), ("stop_type", .string(s.stopType)),
        ])
    }

    /// `stream_options.include_usage`: usage in a last chunk with no choices.
    func usageChunk(_ s: GenerationSummary) -> JSONValue {
        envelope(object: chunkName, [("choices", .array([])), ("usage", Self.usage(s))])
    }
}
