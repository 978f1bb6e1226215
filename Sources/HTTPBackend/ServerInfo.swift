import Foundation
import NIOHTTP1

/// What a server says about itself, read once before a run: the served models, the longest
/// context it accepts and how its /tokenize endpoint is shaped.
public struct ServerInfo: Sendable {
    /// The /tokenize dialect, when the server has one.
    public enum TokenizeDialect: String, Sendable {
        /// llama.cpp: `{"content", "add_special", "with_pieces"}` → `{"tokens"}`; /detokenize → `{"content"}`.
        case content
        /// vLLM: `{"model", "prompt", "add_special_tokens"}` → `{"tokens", "count"}`; /detokenize → `{"prompt"}`.
        case prompt
    }

    public var modelIDs: [String]
    /// The served model's entry in /v1/models, as JSON.
    public var modelEntryJSON: String
    /// The smallest context limit the server reports, and where it reported it.
    public var maxContext: Int?
    public var maxContextSource: String?
    public var tokenizeDialect: TokenizeDialect?

    /// Reads /v1/models (required: the served model must be listed) and, when present, /props.
    public static func probe(_ server: ServerConnection, servedModel: String) throws -> ServerInfo {
        let models = try server.sendRequired(.GET, "/v1/models")
        let props = (try? server.send(.GET, "/props")).flatMap { $0.isSuccess ? $0.body : nil }
        var info = try ServerInfo(models: models.body, props: props, servedModel: servedModel, baseURL: server.baseURL)
        info.tokenizeDialect = try detectTokenizeDialect(server, servedModel: servedModel)
        return info
    }

    /// The replies of /v1/models and /props (nil: none) read without the network (the response
    /// fuzzer calls this directly).
    init(models: Data, props: Data?, servedModel: String, baseURL: String) throws {
        guard let object = JSONBody.parse(models), let data = object["data"] as? [[String: Any]] else {
            throw HTTPBackendError.malformedReply(endpoint: "GET /v1/models", detail: "no \"data\" list of models")
        }
        let ids = data.compactMap { $0["id"] as? String }
        guard let entry = data.first(where: { ($0["id"] as? String) == servedModel }) else {
            throw HTTPBackendError.badFlag(
                flag: "--served-model",
                message: "the server at \(baseURL) does not serve '\(servedModel)'; it serves: \(ids.joined(separator: ", "))")
        }
        var limits: [(Int, String)] = []
        if let n = JSONBody.int(entry["max_model_len"]) { limits.append((n, "GET /v1/models max_model_len")) }
        if let meta = entry["meta"] as? [String: Any], let n = JSONBody.int(meta["n_ctx_train"]) {
            limits.append((n, "GET /v1/models meta.n_ctx_train"))
        }
        // llama.cpp: the context of one slot (the server splits -c across its parallel slots).
        if let props, let object = JSONBody.parse(props),
           let settings = object["default_generation_settings"] as? [String: Any], let n = JSONBody.int(settings["n_ctx"]) {
            limits.append((n, "GET /props default_generation_settings.n_ctx (per slot)"))
        }
        let smallest = limits.filter { $0.0 > 0 }.min { $0.0 < $1.0 }
        let entryJSON = (try? JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        (modelIDs, modelEntryJSON, maxContext, maxContextSource) = (ids, entryJSON, smallest?.0, smallest?.1)
    }

    /// Tries the llama.cpp shape, then vLLM's; nil when the server has no /tokenize.
    private static func detectTokenizeDialect(_ server: ServerConnection, servedModel: String) throws -> TokenizeDialect? {
        for dialect in [TokenizeDialect.content, .prompt] {
            let body = try TokenizeRequest.body(dialect, text: "needle", addSpecial: false, servedModel: servedModel)
            guard let reply = try? server.send(.POST, "/tokenize", body: body), reply.isSuccess,
                  let object = JSONBody.parse(reply.body), JSONBody.ids(object["tokens"]) != nil else { continue }
            return dialect
        }
        return nil
    }

    /// What runs record in `server_json`.
    public func json(dialectNote: String) -> String {
        let entry = (try? JSONSerialization.jsonObject(with: Data(modelEntryJSON.utf8))) ?? [:]
        var object: [String: Any] = ["model": entry, "tokenize": tokenizeDialect?.rawValue ?? "none", "prompt_format": dialectNote]
        if let maxContext { object["max_context"] = maxContext }
        if let maxContextSource { object["max_context_source"] = maxContextSource }
        return (try? JSONBody.object(object)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// /tokenize request bodies in either dialect.
enum TokenizeRequest {
    static func body(_ dialect: ServerInfo.TokenizeDialect, text: String, addSpecial: Bool, servedModel: String,
                     withPieces: Bool = false) throws -> Data {
        switch dialect {
        case .content:
            return try JSONBody.object(["content": text, "add_special": addSpecial, "with_pieces": withPieces])
        case .prompt:
            return try JSONBody.object(["model": servedModel, "prompt": text, "add_special_tokens": addSpecial])
        }
    }
}

extension ServerConnection {
    /// One request outside a trial (reading the server, tokenizing): failures that may pass (a
    /// kept-alive connection the server had just closed, 5xx, 429) are retried a few times; then
    /// a transport failure or a non-2xx reply ends the run with a message naming the endpoint.
    func sendRequired(_ method: HTTPMethod, _ path: String, body: Data? = nil,
                      retry: RetryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: 0.2, maxDelay: 2)) throws -> Reply {
        let endpoint = "\(method.rawValue) \(baseURL)\(path)"
        for attempt in 1...retry.maxAttempts {
            var retryAfter: TimeInterval?
            do {
                let reply = try send(method, path, body: body)
                if reply.isSuccess { return reply }
                guard RetryPolicy.isRetryable(status: reply.status), attempt < retry.maxAttempts else {
                    throw HTTPBackendError.rejected(endpoint: endpoint, status: reply.status, message: redact(reply.errorMessage))
                }
                retryAfter = RetryPolicy.retryAfter(reply.header("Retry-After"))
            } catch let failure as TransportFailure {
                guard attempt < retry.maxAttempts else {
                    throw HTTPBackendError.unreachable(endpoint: endpoint, detail: failure.detail)
                }
            }
            Thread.sleep(forTimeInterval: retry.delay(afterAttempt: attempt, retryAfter: retryAfter))
        }
        preconditionFailure("the loop returns or throws")
    }
}
