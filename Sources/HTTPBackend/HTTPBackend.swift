import Foundation
import NeedleEval
import NeedleSupport
import Tokenizers

/// A model behind an OpenAI-compatible server (llama.cpp's llama-server, vLLM, SGLang, TGI,
/// Ollama, a hosted API, `needle-eval serve`) as the evaluation pipeline's backend
/// (`needle-eval run --backend http`).
///
/// Set-up reads the server once: the served model must be listed by /v1/models; its context
/// limit (/v1/models, /props) must hold every cell of the grid, checked before anything is sent;
/// the tokenizer is the server's (/tokenize) or a local file, which must tokenize like the server
/// when the server can say; completions prompts go as token ids when the server takes them.
public final class HTTPBackend: EvaluationBackend {
    public struct Options: Sendable {
        public var baseURL: String
        public var servedModel: String
        public var api: APIKind = .completions
        /// `server`, or the path of a tokenizer file or model directory.
        public var tokenizer: String = "server"
        public var concurrency: Int = 1
        /// The environment variable holding the API key (sent as a bearer token; never recorded).
        public var apiKeyEnvironmentVariable: String = "OPENAI_API_KEY"
        public var timeout: TimeInterval = 600
        public var retry = RetryPolicy()
        public var stream = false
        /// Completions only; nil: ids when the server accepts them, else text.
        public var promptFormat: PromptFormat?
        public var sampling = Sampling()
        /// Overrides the context limit the server reports (or supplies one it does not).
        public var maxContext: Int?

        public init(baseURL: String, servedModel: String) { (self.baseURL, self.servedModel) = (baseURL, servedModel) }
    }

    public let options: Options
    public let server: ServerConnection
    public let info: ServerInfo
    public let tokenizer: any Tokenizer
    public let tokenizerIdentity: TokenizerIdentity
    public let identity: ModelIdentity
    public let promptFormat: PromptFormat
    public let responder: any Responder
    public var concurrency: Int { options.concurrency }
    public var backendName: String { RunRecord.http }

    public init(options: Options, spec: TaskSpec, plan: TrialPlan,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard options.concurrency >= 1 else {
            throw HTTPBackendError.badFlag(flag: "--concurrency", message: "must be at least 1 (got \(options.concurrency))")
        }
        self.options = options
        server = try ServerConnection(baseURL: options.baseURL, apiKey: environment[options.apiKeyEnvironmentVariable],
                                      timeout: options.timeout, connections: options.concurrency)
        info = try ServerInfo.probe(server, servedModel: options.servedModel)
        (tokenizer, tokenizerIdentity) = try Self.tokenizer(options, server: server, info: info)
        identity = ModelIdentity(path: "\(server.baseURL) \(options.servedModel)",
                                 sha256: SHA256.hex(Self.fingerprint(servedModel: options.servedModel, entryJSON: info.modelEntryJSON)))
        if options.api == .chat {
            promptFormat = .text
        } else if let format = options.promptFormat {
            promptFormat = format
        } else {
            promptFormat = try Self.acceptsIDs(server, servedModel: options.servedModel, tokenizer: tokenizer,
                                               retry: options.retry) ? .ids : .text
        }
        try Self.checkContext(spec: spec, plan: plan, limit: options.maxContext ?? info.maxContext,
                              source: options.maxContext == nil ? info.maxContextSource : "--max-context")
        responder = HTTPResponder(server: server, settings: Self.settings(options, promptFormat), tokenizer: tokenizer)
    }

    public func makeResponder() throws -> any Responder {
        HTTPResponder(server: server, settings: Self.settings(options, promptFormat), tokenizer: tokenizer)
    }

    public func prepare(pending: [TrialKey], builder: PromptBuilder) throws -> BackendPreparation {
        let limit = (options.maxContext ?? info.maxContext).map { ", context \(Lengths.label($0)) tokens" } ?? ""
        return BackendPreparation(note: "server \(server.baseURL) model \(options.servedModel) (\(options.api.rawValue), "
            + "prompts as \(promptFormat.rawValue), tokens from \(options.tokenizer)\(limit), \(options.concurrency) in flight)")
    }

    public var optionsJSON: String {
        var object: [String: Any] = [
            "concurrency": options.concurrency, "stream": options.stream, "timeout_s": options.timeout,
            "max_attempts": options.retry.maxAttempts, "temperature": options.sampling.temperature,
            "seed": options.sampling.seed, "prompt_format": promptFormat.rawValue,
            "api_key_env": options.apiKeyEnvironmentVariable,
        ]
        if let maxContext = options.maxContext { object["max_context"] = maxContext }
        return (try? JSONBody.object(object)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    public var serverProvenance: ServerProvenance? {
        ServerProvenance(baseURL: server.baseURL, servedModel: options.servedModel, api: options.api.rawValue,
                         tokenizerSource: options.tokenizer, serverJSON: info.json(dialectNote: promptFormat.rawValue))
    }

    private static func settings(_ options: Options, _ format: PromptFormat) -> HTTPResponder.Settings {
        HTTPResponder.Settings(api: options.api, promptFormat: format, servedModel: options.servedModel,
                               sampling: options.sampling, stream: options.stream, retry: options.retry)
    }

    /// The server's tokenizer, or a local file that tokenizes like it (checked on a sample text
    /// when the server has /tokenize: a wrong file would send the model ids of another vocabulary).
    private static func tokenizer(_ options: Options, server: ServerConnection, info: ServerInfo) throws
        -> (any Tokenizer, TokenizerIdentity) {
        if options.tokenizer == "server" {
            guard let dialect = info.tokenizeDialect else {
                throw HTTPBackendError.badFlag(
                    flag: "--tokenizer server",
                    message: "\(server.baseURL) has no /tokenize endpoint; give the model's tokenizer.json or .tiktoken file with --tokenizer FILE")
            }
            let tokenizer = try ServerTokenizer(server: server, dialect: dialect, servedModel: options.servedModel)
            let sample = try ServerTokenizer.tokenize(server, dialect, Self.sampleText, addSpecial: true,
                                                      servedModel: options.servedModel).ids
            let fingerprint = SHA256.hex(sample.map(String.init).joined(separator: ","))
            return (tokenizer, TokenizerIdentity(name: tokenizer.name, sha256: fingerprint))
        }
        let tokenizer: any Tokenizer
        do {
            tokenizer = try TokenizerFile.load(path: options.tokenizer)
        } catch {
            throw HTTPBackendError.badFlag(flag: "--tokenizer", message: "\(error)")
        }
        if let dialect = info.tokenizeDialect {
            let theirs = try ServerTokenizer.tokenize(server, dialect, Self.sampleText, addSpecial: false,
                                                      servedModel: options.servedModel).ids
            let ours = tokenizer.encode(Self.sampleText)
            guard theirs == ours else {
                throw HTTPBackendError.badFlag(
                    flag: "--tokenizer",
                    message: "\(options.tokenizer) does not tokenize like \(options.servedModel) on \(server.baseURL) "
                        + "(a sample text gave \(ours.count) ids here and \(theirs.count) there, first difference at "
                        + "\(zip(ours, theirs).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(ours.count, theirs.count))); give the served model's own tokenizer or --tokenizer server")
            }
        }
        return (tokenizer, try TokenizerIdentity(tokenizer: tokenizer, path: options.tokenizer))
    }

    /// Text with what tokenizers disagree on: spaces, newlines, tabs, digits, punctuation, accents.
    static let sampleText = "The special magic Paris number is: 7439201.\n\tdef f(x):\n        return x  # café, naïve — 12:30\n\n- item"

    /// Whether /v1/completions takes a prompt of token ids (llama.cpp, vLLM and OpenAI do): a
    /// 4xx says no; failures that may pass are retried as trials are.
    private static func acceptsIDs(_ server: ServerConnection, servedModel: String, tokenizer: any Tokenizer,
                                   retry: RetryPolicy) throws -> Bool {
        let ids = tokenizer.prefixTokens + tokenizer.encode("The")
        let body = try JSONBody.object(["model": servedModel, "max_tokens": 1, "temperature": 0], ids: "prompt", ids)
        var problem = ""
        for attempt in 1...retry.maxAttempts {
            var retryAfter: TimeInterval?
            do {
                let reply = try server.send(.POST, "/v1/completions", body: body)
                if !RetryPolicy.isRetryable(status: reply.status) { return reply.isSuccess }
                problem = "HTTP \(reply.status): \(server.redact(reply.errorMessage))"
                retryAfter = RetryPolicy.retryAfter(reply.header("Retry-After"))
            } catch let failure as ServerConnection.TransportFailure {
                problem = failure.detail
            }
            if attempt < retry.maxAttempts { Thread.sleep(forTimeInterval: retry.delay(afterAttempt: attempt, retryAfter: retryAfter)) }
        }
        throw HTTPBackendError.unreachable(endpoint: "POST \(server.baseURL)/v1/completions", detail: problem)
    }

    /// Refuses the cells whose prompt, answers and later questions cannot fit the context, naming
    /// the limit and where the server reported it.
    static func checkContext(spec: TaskSpec, plan: TrialPlan, limit: Int?, source: String?) throws {
        guard let limit else { return }
        // A later question costs at most its bytes (every vocabulary has a token per byte or fewer).
        let extra = spec.queries * spec.maxNewTokens + (spec.queries - 1) * (spec.question.utf8.count + 64)
        let tooLong = plan.lengths.filter { $0 + extra > limit }
        guard tooLong.isEmpty else {
            throw HTTPBackendError.contextTooSmall(message: "the server's maximum context is \(limit) tokens (\(source ?? "reported")); "
                + "length \(tooLong.map(Lengths.label).joined(separator: ", ")) needs up to \(tooLong[0] + extra) "
                + "(prompt + \(extra) for answers and questions). Use --lengths up to \(Lengths.label(max(limit - extra, 0))), "
                + "or start the server with a longer context (llama-server -c, vllm --max-model-len)")
        }
    }

    /// What identifies the served model across restarts (not the URL): its name and the stable
    /// parts of its /v1/models entry (a creation time changes with every request on some servers).
    static func fingerprint(servedModel: String, entryJSON: String) -> String {
        var entry = (try? JSONSerialization.jsonObject(with: Data(entryJSON.utf8))) as? [String: Any] ?? [:]
        entry["created"] = nil
        let stable = (try? JSONBody.object(entry)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return servedModel + "\n" + stable
    }
}
