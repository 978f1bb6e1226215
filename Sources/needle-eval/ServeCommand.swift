import ArgumentParser
import Foundation
import Logging
import NeedleSupport
import YOCORuntime
import YOCOServer

/// `needle-eval serve`: the YOCO runtime behind an OpenAI-compatible HTTP API. Parses flags;
/// the server is YOCOServer (docs/SERVING.md).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the model over an OpenAI-compatible HTTP API (completions, chat, tokenize, metrics).",
        discussion: """
            Prints one line 'listening on http://HOST:PORT' once ready (with --port 0, the port picked). \
            SIGTERM or SIGINT: running and queued requests finish, new ones get 503, then it exits 0.
            """)

    @Option(help: "Model directory (config.json, model.safetensors, tokenizer.json).")
    var model: String = "models/yoco-niah-tiny"

    @Option(name: .customLong("served-model-name"), help: "The name clients give as 'model' (default: the model directory's name).")
    var servedModelName: String?

    @Option(help: "Address to listen on (default: loopback only).")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port: Int = 8080

    @Option(name: .customLong("api-key-env"), help: ArgumentHelp(
        "Require 'Authorization: Bearer <key>', the key read from this environment variable.", valueName: "VAR"))
    var apiKeyEnv: String?

    @Option(name: .customLong("ctx-size"), help: "Maximum context (prompt + max_tokens) in tokens, e.g. 64K or 1M (default: 1M, or what fits in memory).")
    var ctxSize: String?

    @Option(help: "Requests that may wait behind the running one; more get 503 with Retry-After.")
    var queue: Int = 16

    @Option(name: .customLong("max-body"), help: "Largest request body (e.g. 16M); larger ones get 413.")
    var maxBody: String = "16M"

    @Option(name: .customLong("request-timeout"), help: "Seconds a client has to send its request body (408 after).")
    var requestTimeout: Double = 60

    @Option(name: .customLong("max-memory"), help: "Refuse contexts whose memory estimate exceeds this (e.g. 8G); default: available memory.")
    var maxMemory: String?

    @OptionGroup var runtime: RuntimeOptions

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (to standard error).")
    var logLevel: String = "info"

    func validate() throws {
        let config = URL(fileURLWithPath: model).appendingPathComponent("config.json").path
        guard FileManager.default.fileExists(atPath: config) else {
            throw ValidationError("--model \(model): no config.json there; give a model directory (config.json, model.safetensors, tokenizer.json)")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535 (got \(port))") }
        if let ctxSize, Lengths.parse(ctxSize).map({ $0 < 1 }) ?? true {
            throw ValidationError("--ctx-size '\(ctxSize)' is not a token count; use e.g. 65536, 64K or 1M")
        }
        if queue < 0 { throw ValidationError("--queue must not be negative (got \(queue))") }
        if ByteSize.parse(maxBody).map({ $0 < 1024 }) ?? true {
            throw ValidationError("--max-body '\(maxBody)' is not a size of at least 1K; use e.g. 16M")
        }
        if !(requestTimeout > 0) { throw ValidationError("--request-timeout must be above 0 seconds") }
        if let maxMemory, ByteSize.parse(maxMemory) == nil {
            throw ValidationError("--max-memory '\(maxMemory)' is not a size; use e.g. 8G, 512M or a byte count")
        }
        if Logger.Level(rawValue: logLevel) == nil { throw ValidationError("--log-level '\(logLevel)' is not a level") }
        if let apiKeyEnv, (ProcessInfo.processInfo.environment[apiKeyEnv] ?? "").isEmpty {
            throw ValidationError("--api-key-env \(apiKeyEnv): that environment variable is not set or empty")
        }
    }

    func run() throws {
        var options = ServerOptions(modelDirectory: model)
        options.servedModelName = servedModelName
        options.host = host
        options.port = port
        options.apiKey = apiKeyEnv.flatMap { ProcessInfo.processInfo.environment[$0] }
        options.contextSize = ctxSize.flatMap(Lengths.parse)
        options.queueLimit = queue
        options.maxBodyBytes = ByteSize.parse(maxBody)!
        options.requestTimeout = requestTimeout
        options.maxMemory = maxMemory.flatMap(ByteSize.parse)
        options.threads = runtime.threads
        options.chunk = runtime.chunk
        options.kv = runtime.kvDType

        var logger = Logger(label: "needle-eval.serve") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel)!
        let server = try YOCOServer(options: options, logger: logger)
        if let note = server.contextNote { logger.notice("\(note)") }
        let name = options.modelName, context = server.contextSize
        let finished = DispatchSemaphore(value: 0)
        let failure = ServeFailure()
        Task {
            do {
                try await server.run { host, port in
                    let shown = host.contains(":") ? "[\(host)]" : host
                    // Unbuffered: scripts and tests wait for this line.
                    let line = "listening on http://\(shown):\(port) (model \(name), context \(context) tokens)\n"
                    FileHandle.standardOutput.write(Data(line.utf8))
                }
            } catch {
                failure.error = error
            }
            finished.signal()
        }
        finished.wait()
        if let error = failure.error { throw error }
    }
}

/// The server task's error, handed to the waiting main thread (written before the semaphore is
/// signalled, read after it is).
private final class ServeFailure: @unchecked Sendable {
    var error: (any Error)?
}
