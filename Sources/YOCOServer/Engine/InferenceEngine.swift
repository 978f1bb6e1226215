import Foundation
import NeedleSupport
import Synchronization
import YOCORuntime

/// What a generation reports while it runs.
enum GenerationEvent: Sendable {
    /// Text safe to send (see `TextAssembler`).
    case text(String)
    case finished(GenerationSummary)
    case failed(APIError)
}

struct GenerationSummary: Sendable {
    var text: String
    var promptTokens: Int
    var cachedTokens: Int
    var completionTokens: Int
    /// "stop" (EOS or a stop string) or "length" (max_tokens).
    var finishReason: String
    /// What stopped it, as llama.cpp names it: "word" (a stop string, left out of `text`), "eos"
    /// or "limit". Clients that keep the stop string in a conversation read it.
    var stopType: String
    var promptMilliseconds: Double
    var predictedMilliseconds: Double
}

/// A flag set once from any thread: a client that went away (read by its generation between
/// tokens), a server that started draining.
final class SharedFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}

/// One request's work for the engine.
struct GenerationJob: Sendable {
    let request: GenerationRequest
    let cancel: SharedFlag
    let events: AsyncStream<GenerationEvent>.Continuation
}

/// The model and its one inference session, driven by one dedicated thread that takes requests
/// from a bounded queue, one at a time (the runtime is multi-threaded inside a forward pass; the
/// NIO event loops never run inference). The session is kept between requests, so a prompt that
/// shares a prefix with the previous context resumes from it (`prefillReusingPrefix`, bitwise
/// the same as a fresh prefill). The session starts small and is rebuilt larger when a request
/// needs more context, after checking that the memory for it is there.
final class InferenceEngine: @unchecked Sendable {
    // Read-only after init (safe from any thread).
    let config: ModelConfig
    let contextSize: Int
    let queueLimit: Int
    private let maxMemory: Int?
    private let sessionOptions: SessionOptions
    private let metrics: ServerMetrics

    // Worker thread only.
    private let model: Model
    private var session: InferenceSession
    private var sessionCapacity: Int

    // Shared, under `condition`.
    private let condition = NSCondition()
    private var waiting: [GenerationJob] = []
    private var stopping = false
    private var stopped = false
    private var busy = false
    private var averageJobSeconds = 1.0

    init(model: Model, contextSize: Int, options: ServerOptions, metrics: ServerMetrics) {
        self.model = model
        config = model.config
        self.contextSize = contextSize
        queueLimit = options.queueLimit
        maxMemory = options.maxMemory
        self.metrics = metrics
        var sessionOptions = SessionOptions(chunkSize: options.chunk, kvDType: options.kv, threads: options.threads)
        sessionOptions.prefixCacheBytes = options.prefixCacheBytes
        self.sessionOptions = sessionOptions
        sessionCapacity = min(contextSize, Self.initialCapacity)
        session = InferenceSession(model: model, options: sessionOptions, capacity: sessionCapacity)
        metrics.kvCacheBytes.set(session.kvCacheBytes)
        let thread = Thread { [unowned self] in self.work() }
        thread.name = "yoco-inference"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Context a new session reserves before any request asks for more.
    static let initialCapacity = 8192

    /// Queues `job`; refuses with 503 (and a Retry-After from recent request times) when
    /// `queueLimit` requests already wait, or when the engine is stopping.
    func submit(_ job: GenerationJob) throws(APIError) {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { throw APIError.draining }
        guard waiting.count < queueLimit || (!busy && waiting.isEmpty) else {
            let retry = min(60, max(1, Int((averageJobSeconds * Double(waiting.count + 1)).rounded(.up))))
            throw APIError.queueFull(limit: queueLimit, retryAfter: retry)
        }
        waiting.append(job)
        metrics.queueDepth.set(waiting.count)
        condition.signal()
    }

    /// Requests waiting (not counting the one running).
    var queueDepth: Int {
        condition.lock()
        defer { condition.unlock() }
        return waiting.count
    }

    /// Runs what is queued, then ends the worker thread; returns when it has.
    func shutdown() async {
        condition.withLock {
            stopping = true
            condition.broadcast()
        }
        while !condition.withLock({ stopped }) {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    private func work() {
        while true {
            condition.lock()
            while waiting.isEmpty && !stopping { condition.wait() }
            guard !waiting.isEmpty else {
                stopped = true
                condition.unlock()
                return
            }
            let job = waiting.removeFirst()
            busy = true
            metrics.queueDepth.set(waiting.count)
            condition.unlock()

            metrics.running.set(1)
            let clock = Stopwatch()
            run(job)
            metrics.running.set(0)
            condition.lock()
            averageJobSeconds = 0.8 * averageJobSeconds + 0.2 * clock.seconds
            busy = false
            condition.unlock()
            // Ended only now, so that a client that reads to the end finds the engine idle.
            job.events.finish()
        }
    }

    private func run(_ job: GenerationJob) {
        guard !job.cancel.isSet else { return }
        let request = job.request
        do {
            try reserve(tokens: request.prompt.count + request.maxTokens)
            let prefillClock = Stopwatch()
            try session.prefillReusingPrefix(request.prompt)
            let promptMilliseconds = prefillClock.milliseconds
            let cached = session.lastReusedTokens
            metrics.prefillSeconds.increment(by: promptMilliseconds / 1000)
            metrics.promptTokens.increment(by: request.prompt.count)
            metrics.cachedPromptTokens.increment(by: cached)

            var text = TextAssembler(stops: request.stops)
            var chooser: ((UnsafeBufferPointer<Float>) -> Int32)?
            if case let .random(temperature, topP, seed) = request.sampling {
                var sampler = TokenSampler(temperature: temperature, topP: topP, seed: seed,
                                           excluded: [model.tokenizer.bosID, model.tokenizer.padID])
                chooser = { sampler.pick($0) }
            }
            let decodeClock = Stopwatch()
            let tokens = try session.generate(maxNewTokens: request.maxTokens, choose: chooser) { token in
                let piece = text.append(token: token)
                if !piece.isEmpty { job.events.yield(.text(piece)) }
                return text.stoppedAt == nil && !job.cancel.isSet
            }
            let rest = text.finish()
            if !rest.isEmpty { job.events.yield(.text(rest)) }
            let predictedMilliseconds = decodeClock.milliseconds
            metrics.decodeSeconds.increment(by: predictedMilliseconds / 1000)
            metrics.generatedTokens.increment(by: tokens.count)
            metrics.kvCacheBytes.set(session.kvCacheBytes)
            let finish = session.lastStopReason == .maxTokens ? "length" : "stop"
            let stopType = text.stoppedAt != nil ? "word" : session.lastStopReason == .eos ? "eos" : "limit"
            job.events.yield(.finished(GenerationSummary(
                text: text.text, promptTokens: request.prompt.count, cachedTokens: cached, completionTokens: tokens.count,
                finishReason: finish, stopType: stopType, promptMilliseconds: promptMilliseconds, predictedMilliseconds: predictedMilliseconds)))
        } catch let error as APIError {
            job.events.yield(.failed(error))
        } catch {
            session.reset()
            job.events.yield(.failed(APIError.internalError("inference failed: \(error)")))
        }
    }

    /// Makes the session hold `tokens` of context: a larger one is built (the prefix cache is
    /// lost with the old one) when the memory estimate for it fits what is available.
    private func reserve(tokens: Int) throws(APIError) {
        guard tokens > sessionCapacity else { return }
        let current = MemoryEstimate.sessionBytes(config, options: sessionOptions, capacity: sessionCapacity)
        let available = ServerMemory.limit(maxMemory: maxMemory, weights: MemoryEstimate.weightBytes(config))
            .map { $0 + current }
        var capacity = min(contextSize, max(tokens, sessionCapacity * 2))
        func need(_ c: Int) -> Int { MemoryEstimate.sessionBytes(config, options: sessionOptions, capacity: c) }
        if let available, need(capacity) > available { capacity = tokens }
        if let available, need(capacity) > available {
            throw APIError(status: .serviceUnavailable,
                           message: "not enough memory for a context of \(tokens) tokens: it needs about "
                               + "\(ByteSize.label(need(capacity))) and \(ByteSize.label(available)) is available",
                           type: "server_error", code: "insufficient_memory")
        }
        session = InferenceSession(model: model, options: sessionOptions, capacity: 1)   // frees the old one first
        session = InferenceSession(model: model, options: sessionOptions, capacity: capacity)
        sessionCapacity = capacity
        metrics.kvCacheBytes.set(session.kvCacheBytes)
    }
}

/// Memory the server may still use: the user's `--max-memory` less the weights, or what the
/// system reports available.
enum ServerMemory {
    static func limit(maxMemory: Int?, weights: Int) -> Int? {
        if let maxMemory { return max(0, maxMemory - weights) }
        return ProcessMemory.availableBytes
    }
}
