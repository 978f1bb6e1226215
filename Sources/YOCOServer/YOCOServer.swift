import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NeedleSupport
import NIOCore
import ServiceLifecycle
import Synchronization
import Tokenizers
import YOCORuntime

/// `needle-eval serve`: one YOCO model behind an OpenAI-compatible HTTP API (docs/SERVING.md).
/// `init` loads the model and sizes the context to the memory there is; `run` serves until a
/// graceful shutdown (SIGTERM/SIGINT, or `shutdown()`), which refuses new requests, lets the
/// running and queued ones finish, then returns.
public final class YOCOServer: Sendable {
    public let options: ServerOptions
    /// The maximum context (prompt + max_tokens) in tokens, as /v1/models and /props report it.
    public let contextSize: Int
    /// Why the context is smaller than asked, when memory decided it.
    public let contextNote: String?
    public let metrics = ServerMetrics()
    private let engine: InferenceEngine
    private let limits: RequestLimits
    private let logger: Logger
    private let draining = SharedFlag()
    private let group = Mutex<ServiceGroup?>(nil)

    public init(options: ServerOptions, logger: Logger) throws {
        self.options = options
        self.logger = logger
        let folder = URL(fileURLWithPath: options.modelDirectory)
        let config = try ModelConfig.load(from: folder.appendingPathComponent("config.json"))
        (contextSize, contextNote) = try Self.contextSize(config: config, options: options)
        let model = try Model(directory: folder)
        engine = InferenceEngine(model: model, contextSize: contextSize, options: options, metrics: metrics)
        limits = RequestLimits(modelName: options.modelName, tokenizer: model.tokenizer, vocabSize: config.vocabSize,
                               contextSize: contextSize)
        metrics.contextTokens.set(contextSize)
    }

    /// The asked context if its memory estimate fits (else a usage error), or by default 1M
    /// tokens halved until it fits (at least 4K).
    static func contextSize(config: ModelConfig, options: ServerOptions) throws -> (Int, String?) {
        var session = SessionOptions(chunkSize: options.chunk, kvDType: options.kv, threads: options.threads)
        session.prefixCacheBytes = options.prefixCacheBytes
        // The session, plus a request's ids as JSON text, parsed and copied (about 24 bytes a
        // token), plus the process itself.
        func need(_ tokens: Int) -> Int {
            MemoryEstimate.sessionBytes(config, options: session, capacity: tokens) + 24 * tokens + (64 << 20)
        }
        let limit = ServerMemory.limit(maxMemory: options.maxMemory, weights: MemoryEstimate.weightBytes(config))
        if let asked = options.contextSize {
            if let limit, need(asked) > limit {
                throw UsageError("--ctx-size \(asked) needs about \(ByteSize.label(need(asked))) but "
                    + (options.maxMemory == nil ? "only \(ByteSize.label(limit)) is available" : "--max-memory leaves \(ByteSize.label(limit))")
                    + "; use a smaller --ctx-size or --kv f16")
            }
            return (asked, nil)
        }
        var tokens = ServerOptions.defaultContextSize
        guard let limit else { return (tokens, nil) }
        while tokens > 4096 && need(tokens) > limit { tokens /= 2 }
        guard tokens < ServerOptions.defaultContextSize else { return (tokens, nil) }
        return (tokens, "context limited to \(tokens) tokens by memory (\(ByteSize.label(limit)) available)")
    }

    /// Serves until a graceful shutdown; `onListening` gets the host and the real port once
    /// the socket is bound (with port 0, the one the system picked).
    public func run(onListening: @escaping @Sendable (_ host: String, _ port: Int) -> Void) async throws {
        let responder = ServerResponder(
            endpoints: Endpoints(engine: engine, limits: limits, options: options, metrics: metrics),
            apiKey: options.apiKey.map { Array($0.utf8) }, draining: draining, logger: logger)
        let host = options.host
        let idle = TimeAmount.milliseconds(Int64((options.requestTimeout + 1) * 1000))
        let app = Application(
            responder: responder,
            server: .http1(configuration: HTTP1Channel.Configuration(idleTimeout: idle)),
            configuration: ApplicationConfiguration(address: .hostname(host, port: options.port), serverName: nil),
            onServerRunning: { channel in onListening(host, channel.localAddress?.port ?? 0) },
            logger: logger)
        let flag = draining
        let watcher = DrainWatcher { flag.set() }
        // Services shut down last-first: the watcher refuses new requests before the server
        // stops accepting and waits for the running ones.
        let serviceGroup = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [app, watcher], gracefulShutdownSignals: options.handleSignals ? [.sigterm, .sigint] : [],
            logger: logger))
        group.withLock { $0 = serviceGroup }
        defer { group.withLock { $0 = nil } }
        try await serviceGroup.run()
        await engine.shutdown()
    }

    /// Starts a graceful shutdown of a running server (what SIGTERM does).
    public func shutdown() async {
        draining.set()
        if let serviceGroup = group.withLock({ $0 }) { await serviceGroup.triggerGracefulShutdown() }
    }
}

/// Waits for the graceful shutdown, then says so.
private struct DrainWatcher: Service {
    let onShutdown: @Sendable () -> Void
    func run() async throws {
        try? await gracefulShutdown()
        onShutdown()
    }
}
