import Tokenizers

/// How each token is picked: greedy (temperature 0), or sampled with temperature and nucleus
/// (top_p) from a generator seeded per request, so that the same seed gives the same text.
public enum Sampling: Sendable, Equatable {
    case greedy
    case random(temperature: Double, topP: Double, seed: UInt64)
}

/// A validated `/v1/completions` or `/v1/chat/completions` request: the prompt as token ids and
/// how to continue it.
struct GenerationRequest: Sendable {
    var prompt: [Int32]
    var maxTokens: Int
    var stops: [String]
    var sampling: Sampling
    var stream: Bool
    /// `stream_options.include_usage`: a last chunk with `usage` and no choices.
    var includeUsage: Bool
}

/// What the server knows when it reads a request: the model's name, tokenizer and limits.
struct RequestLimits: Sendable {
    let modelName: String
    let tokenizer: ByteTokenizer
    let vocabSize: Int
    let contextSize: Int

    /// Checks `model` (absent is fine: one model is served).
    func checkModel(_ fields: RequestFields) throws(APIError) {
        if let name = try fields.string("model"), name != modelName { throw APIError.unknownModel(name, served: modelName) }
    }

    /// Token ids as given, each inside the vocabulary.
    func tokenIDs(_ values: [Int], param: String) throws(APIError) -> [Int32] {
        var ids = [Int32](repeating: 0, count: values.count)
        for (i, v) in values.enumerated() {
            guard v >= 0 && v < vocabSize else {
                throw APIError(status: .badRequest,
                               message: "token id \(v) at position \(i) of '\(param)' is outside the vocabulary [0, \(vocabSize))",
                               code: "invalid_token", param: param)
            }
            ids[i] = Int32(v)
        }
        return ids
    }

    /// Text gets the model's prefix tokens (BOS), then its encoding.
    func encode(_ text: String) -> [Int32] { tokenizer.prefixTokens + tokenizer.encode(text) }

    /// `prompt` of /v1/completions: a string, an array of ids, or a list of exactly one of those.
    func completionPrompt(_ fields: RequestFields) throws(APIError) -> [Int32] {
        guard let value = fields["prompt"] else { throw APIError.missing("prompt") }
        switch value {
        case let .string(text): return encode(text)
        case let .integers(ids):
            guard !ids.isEmpty else { throw APIError.invalid("prompt", "'prompt' must not be an empty list") }
            return try tokenIDs(ids, param: "prompt")
        case let .array(items):
            if items.contains(where: { if case .string = $0 { false } else if $0.elements != nil { false } else { true } }) {
                throw APIError.invalid("prompt", "'prompt' token ids must be integers in [0, \(vocabSize))")
            }
            guard items.count == 1 else {
                throw APIError.invalid("prompt", "one prompt per request: 'prompt' is a list of \(items.count) prompts")
            }
            switch items[0] {
            case let .string(text): return encode(text)
            case let .integers(ids) where !ids.isEmpty: return try tokenIDs(ids, param: "prompt")
            default:
                throw APIError.invalid("prompt", "'prompt' must be a string, an array of token ids, or a list of one of those")
            }
        default:
            throw APIError.invalid("prompt", "'prompt' must be a string or an array of token ids, not \(value.typeName)")
        }
    }

    /// The options shared by both endpoints; `defaultMaxTokens` differs (completions: 16 as
    /// OpenAI's; chat: 512).
    func generation(_ fields: RequestFields, prompt: [Int32], defaultMaxTokens: Int) throws(APIError) -> GenerationRequest {
        try fields.refuseUnsupported()
        var maxTokens = defaultMaxTokens
        if let n = try fields.int("max_tokens") {
            maxTokens = n
        } else if let n = try fields.int("max_completion_tokens") {
            maxTokens = n
        }
        guard maxTokens >= 0 else { throw APIError.invalid("max_tokens", "'max_tokens' must not be negative (got \(maxTokens))") }
        guard prompt.count <= contextSize, maxTokens <= contextSize - prompt.count else {
            throw APIError.contextLength(limit: contextSize, prompt: prompt.count, maxTokens: maxTokens)
        }
        var stops: [String] = []
        switch fields["stop"] {
        case nil: break
        case let .string(s)?: stops = [s]
        case let v?:
            guard let items = v.elements else {
                throw APIError.invalid("stop", "'stop' must be a string or a list of strings, not \(v.typeName)")
            }
            for item in items {
                guard case let .string(s) = item else { throw APIError.invalid("stop", "'stop' must list strings, not \(item.typeName)") }
                stops.append(s)
            }
            guard stops.count <= 16 else { throw APIError.invalid("stop", "at most 16 stop strings (got \(stops.count))") }
        }
        stops = stops.filter { !$0.isEmpty }
        let temperature = try fields.number("temperature", in: 0...100) ?? 1
        let topP = try fields.number("top_p", in: 0...1) ?? 1
        guard topP > 0 else { throw APIError.invalid("top_p", "'top_p' must be above 0") }
        let seed = try fields.int("seed").map { UInt64(bitPattern: Int64($0)) } ?? UInt64.random(in: 0...UInt64.max)
        var includeUsage = false
        if let options = fields["stream_options"] {
            includeUsage = try RequestFields(options).bool("include_usage") ?? false
        }
        return GenerationRequest(
            prompt: prompt, maxTokens: maxTokens, stops: stops,
            sampling: temperature == 0 ? .greedy : .random(temperature: temperature, topP: topP, seed: seed),
            stream: try fields.bool("stream") ?? false, includeUsage: includeUsage)
    }
}

/// The plain chat template of this non-chat model: each message as "role: content\n", then
/// "assistant:" for the model to continue. Roles: system, developer, user, assistant, tool.
public enum ChatTemplate {
    public static let roles: Set<String> = ["system", "developer", "user", "assistant", "tool"]

    public static func render(_ messages: [(role: String, content: String)]) -> String {
        messages.map { "\($0.role): \($0.content)\n" }.joined() + "assistant:"
    }

    /// `messages` of /v1/chat/completions: content as a string, or a list of text parts.
    static func messages(_ fields: RequestFields) throws(APIError) -> [(role: String, content: String)] {
        guard let value = fields["messages"] else { throw APIError.missing("messages") }
        guard let items = value.elements, !items.isEmpty else {
            throw APIError.invalid("messages", "'messages' must be a non-empty list of messages")
        }
        var out: [(role: String, content: String)] = []
        for (i, item) in items.enumerated() {
            let message: RequestFields
            do { message = try RequestFields(item) } catch { throw APIError.invalid("messages[\(i)]", "each message must be an object") }
            guard let role = try message.string("role"), roles.contains(role) else {
                throw APIError.invalid("messages[\(i)].role", "messages[\(i)].role must be one of \(roles.sorted().joined(separator: ", "))")
            }
            out.append((role, try content(message["content"], at: i)))
        }
        return out
    }

    private static func content(_ value: JSONValue?, at i: Int) throws(APIError) -> String {
        switch value {
        case nil: return ""
        case let .string(s)?: return s
        case let v?:
            guard let parts = v.elements else {
                throw APIError.invalid("messages[\(i)].content", "messages[\(i)].content must be a string or a list of text parts")
            }
            var text = ""
            for part in parts {
                guard case let .string(t)? = part["text"], part["type"] == nil || part["type"] == .string("text") else {
                    throw APIError.invalid("messages[\(i)].content", "only text parts ({\"type\": \"text\", \"text\": ...}) are supported")
                }
                text += t
            }
            return text
        }
    }
}
