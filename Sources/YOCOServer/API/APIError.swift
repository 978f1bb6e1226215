import Hummingbird

/// A refusal in the OpenAI error shape, `{"error": {"message", "type", "param", "code"}}`, with
/// its HTTP status and any headers it needs (Retry-After). Every error the server answers is one
/// of these; its message names the field or limit and never echoes a credential.
public struct APIError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var message: String
    public var type: String
    public var code: String
    public var param: String?
    public var retryAfterSeconds: Int?

    public init(status: HTTPResponse.Status, message: String, type: String = "invalid_request_error", code: String,
                param: String? = nil, retryAfterSeconds: Int? = nil) {
        self.status = status; self.message = message; self.type = type; self.code = code
        self.param = param; self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public var json: JSONValue {
        .object([("error", .object([
            ("message", .string(message)), ("type", .string(type)),
            ("param", param.map { .string($0) } ?? .null), ("code", .string(code)),
        ]))])
    }

    /// A field of the request body with the wrong type or value.
    static func invalid(_ param: String, _ message: String) -> APIError {
        APIError(status: .badRequest, message: message, code: "invalid_value", param: param)
    }

    static func missing(_ param: String) -> APIError {
        APIError(status: .badRequest, message: "'\(param)' is required", code: "missing_required_parameter", param: param)
    }

    static func badJSON(_ problem: String) -> APIError {
        APIError(status: .badRequest, message: "the request body is not valid JSON: \(problem)", code: "invalid_json")
    }

    static func unknownModel(_ name: String, served: String) -> APIError {
        APIError(status: .notFound, message: "The model '\(name)' does not exist; this server serves '\(served)'",
                 code: "model_not_found", param: "model")
    }

    static func contextLength(limit: Int, prompt: Int, maxTokens: Int) -> APIError {
        let (total, overflow) = prompt.addingReportingOverflow(maxTokens)
        return APIError(status: .badRequest,
                 message: "This model's maximum context length is \(limit) tokens; the prompt has \(prompt) tokens and "
                     + "max_tokens is \(maxTokens) (\(overflow ? "over \(Int.max)" : String(total)) in all). Shorten the prompt or lower max_tokens.",
                 code: "context_length_exceeded", param: "prompt")
    }

    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(status: .contentTooLarge, message: "the request body is larger than the server's limit of \(limit) bytes (--max-body)",
                 code: "request_too_large")
    }

    static func timedOut(seconds: Double) -> APIError {
        APIError(status: .requestTimeout,
                 message: "the request body did not arrive within \(seconds) s (--request-timeout)", type: "timeout_error",
                 code: "request_timeout")
    }

    static let unauthorized = APIError(status: .unauthorized,
                                       message: "missing or invalid API key: send 'Authorization: Bearer <key>'",
                                       type: "authentication_error", code: "invalid_api_key")

    static func queueFull(limit: Int, retryAfter: Int) -> APIError {
        APIError(status: .serviceUnavailable,
                 message: "the server is busy: \(limit) requests are already waiting (--queue); retry after \(retryAfter) s",
                 type: "server_error", code: "queue_full", retryAfterSeconds: retryAfter)
    }

    static let draining = APIError(status: .serviceUnavailable, message: "the server is shutting down",
                                   type: "server_error", code: "shutting_down", retryAfterSeconds: 1)

    static func notFound(_ path: String) -> APIError {
        APIError(status: .notFound, message: "no endpoint \(path); see GET /v1/models, POST /v1/completions, "
                     + "POST /v1/chat/completions, POST /tokenize, POST /detokenize", code: "not_found")
    }

    static func methodNotAllowed(_ method: String, _ path: String) -> APIError {
        APIError(status: .methodNotAllowed, message: "\(path) does not accept \(method)", code: "method_not_allowed")
    }

    static func internalError(_ message: String) -> APIError {
        APIError(status: .internalServerError, message: message, type: "server_error", code: "internal_error")
    }
}
