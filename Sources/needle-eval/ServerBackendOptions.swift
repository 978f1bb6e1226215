import ArgumentParser
import Foundation
import HTTPBackend
import NeedleEval

/// The `run` flags of `--backend http`: which server, which model, how to ask it.
struct ServerBackendOptions: ParsableArguments {
    @Option(help: "The server's base URL (--backend http), e.g. http://127.0.0.1:8080.")
    var baseURL: String?

    @Option(help: "The model name the server serves (--backend http), as /v1/models lists it.")
    var servedModel: String?

    @Option(help: "completions (prompt as token ids where the server takes them) or chat (one user message; the server's template adds tokens).")
    var api: String = "completions"

    @Option(help: "Requests in flight at once (--backend http).")
    var concurrency: Int = 1

    @Option(help: "Environment variable holding the API key, sent as a bearer token and never recorded.")
    var apiKeyEnv: String = "OPENAI_API_KEY"

    @Option(help: "Seconds before a request is abandoned (and retried).")
    var timeout: Double = 600

    @Option(help: "Requests per answer before the trial is recorded as an error (retries on connection errors, timeouts, 408, 429, 5xx).")
    var maxAttempts: Int = 5

    @Flag(help: "Stream answers (server-sent events) and record the time to the first token.")
    var stream = false

    @Option(help: "Completions prompts as ids or text (default: ids when the server takes them).")
    var promptFormat: String?

    @Option(help: "The server's context in tokens, when it does not report one (or reports more than it accepts).")
    var maxContext: Int?

    /// The flags only `--backend http` reads, that were given.
    var givenServerFlags: [String] {
        [baseURL.map { _ in "--base-url" }, servedModel.map { _ in "--served-model" },
         promptFormat.map { _ in "--prompt-format" }, maxContext.map { _ in "--max-context" },
         api != "completions" ? "--api" : nil, concurrency != 1 ? "--concurrency" : nil, stream ? "--stream" : nil].compactMap { $0 }
    }

    func validate(backend: String) throws {
        guard backend == "http" else {
            if let flag = givenServerFlags.first { throw ValidationError("\(flag) needs --backend http") }
            return
        }
        guard baseURL != nil else { throw ValidationError("--backend http needs --base-url URL (e.g. http://127.0.0.1:8080)") }
        guard servedModel != nil else { throw ValidationError("--backend http needs --served-model NAME (as the server's /v1/models lists it)") }
        guard APIKind(rawValue: api) != nil else { throw ValidationError("--api must be completions or chat (got '\(api)')") }
        if let promptFormat, PromptFormat(rawValue: promptFormat) == nil {
            throw ValidationError("--prompt-format must be ids or text (got '\(promptFormat)')")
        }
        if promptFormat != nil && api == "chat" { throw ValidationError("--prompt-format applies to --api completions only") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1 (got \(concurrency))") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive (got \(timeout))") }
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1 (got \(maxAttempts))") }
        if let maxContext, maxContext < 1 { throw ValidationError("--max-context must be positive (got \(maxContext))") }
    }

    /// The backend, connected: the server is read and the grid checked against its context.
    func backend(tokenizer: String?, spec: TaskSpec, plan: TrialPlan) throws -> HTTPBackend {
        var options = HTTPBackend.Options(baseURL: baseURL!, servedModel: servedModel!)
        options.api = APIKind(rawValue: api)!
        options.tokenizer = tokenizer ?? "server"
        options.concurrency = concurrency
        options.apiKeyEnvironmentVariable = apiKeyEnv
        options.timeout = timeout
        options.retry.maxAttempts = maxAttempts
        options.stream = stream
        options.promptFormat = promptFormat.flatMap(PromptFormat.init(rawValue:))
        options.maxContext = maxContext
        return try HTTPBackend(options: options, spec: spec, plan: plan)
    }
}
