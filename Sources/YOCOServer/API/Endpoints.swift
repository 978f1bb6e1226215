import Foundation
import Hummingbird
import NIOCore
import YOCORuntime

/// The OpenAI-compatible endpoints and the llama.cpp / vLLM extras, request JSON in and response
/// JSON out; inference goes through the engine's queue.
struct Endpoints: Sendable {
    let engine: InferenceEngine
    let limits: RequestLimits
    let options: ServerOptions
    let metrics: ServerMetrics
    let created = Int(Date().timeIntervalSince1970)

    private func body(_ request: Request) async throws(APIError) -> RequestFields {
        try RequestFields(try await HTTPSupport.jsonBody(of: request, limit: options.maxBodyBytes, timeout: options.requestTimeout))
    }

    // MARK: generation

    func completions(_ request: Request) async throws(APIError) -> Response {
        let fields = try await body(request)
        try limits.checkModel(fields)
        let prompt = try limits.completionPrompt(fields)
        let generation = try limits.generation(fields, prompt: prompt, defaultMaxTokens: 16)
        return try await respond(generation, style: .completion)
    }

    func chatCompletions(_ request: Request) async throws(APIError) -> Response {
        let fields = try await body(request)
        try limits.checkModel(fields)
        let prompt = limits.encode(ChatTemplate.render(try ChatTemplate.messages(fields)))
        let generation = try limits.generation(fields, prompt: prompt, defaultMaxTokens: 512)
        return try await respond(generation, style: .chat)
    }

    private func respond(_ generation: GenerationRequest, style: ResponseStyle) async throws(APIError) -> Response {
        let (stream, continuation) = AsyncStream<GenerationEvent>.makeStream()
        let cancel = SharedFlag()
        try engine.submit(GenerationJob(request: generation, cancel: cancel, events: continuation))
        let shape = ResponseShape(style: style, model: limits.modelName)
        let events = EventReader(stream)
        guard generation.stream else {
            defer { cancel.set() }
            var outcome: Result<GenerationSummary, APIError>?
            while let event = await events.next() {   // to the end: the engine is then free
                switch event {
                case .text: continue
                case let .finished(summary): outcome = .success(summary)
                case let .failed(error): outcome = .failure(error)
                }
            }
            switch outcome {
            case let .success(summary)?: return HTTPSupport.json(shape.whole(summary))
            case let .failure(error)?: throw error
            case nil: throw APIError.internalError("the generation ended without a result")
            }
        }
        // Streaming: the first event decides the status (a refusal before any text is still an
        // HTTP error); then server-sent events in the OpenAI chunk shape, ending with [DONE].
        let first = await events.next()
        if case let .failed(error)? = first { throw error }
        let includeUsage = generation.includeUsage
        let body = ResponseBody { writer in
            defer { cancel.set() }
            func send(_ value: JSONValue) async throws {
                var bytes = Array("data: ".utf8)
                JSONWriter.write(value, into: &bytes)
                bytes.append(contentsOf: "\n\n".utf8)
                try await writer.write(ByteBuffer(bytes: bytes))
            }
            if let opening = shape.opening() { try await send(opening) }
            var pending = first
            while let event = pending {
                switch event {
                case let .text(piece): try await send(shape.chunk(text: piece))
                case let .finished(summary):
                    try await send(shape.final(summary))
                    if includeUsage { try await send(shape.usageChunk(summary)) }
                case let .failed(error): try await send(error.json)
                }
                pending = await events.next()
            }
            try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
            try await writer.finish(nil)
        }
        return Response(status: .ok,
                        headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                        body: body)
    }

    // MARK: tokens

    /// /tokenize and /detokenize read their bodies in `RequestLimits` (Tokenization.swift), where
    /// the request fuzzer reaches them without a running server.
    func tokenize(_ request: Request) async throws(APIError) -> Response {
        let fields = try await body(request)
        try limits.checkModel(fields)
        return HTTPSupport.json(try limits.tokenization(fields))
    }

    func detokenize(_ request: Request) async throws(APIError) -> Response {
        let fields = try await body(request)
        try limits.checkModel(fields)
        let text = try limits.detokenization(fields)
        return HTTPSupport.json(.object([("content", .string(text)), ("prompt", .string(text))]))
    }

    // MARK: about the server

    func models() -> Response {
        let c = engine.config
        let model: JSONValue = .object([
            ("id", .string(limits.modelName)), ("object", .string("model")), ("created", .int(created)),
            ("owned_by", .string("needle-eval")), ("root", .string(options.modelDirectory)),
            ("max_model_len", .int(limits.contextSize)),
            ("meta", .object([
                ("n_ctx_train", .int(limits.contextSize)), ("n_vocab", .int(c.vocabSize)), ("n_embd", .int(c.dim)),
                ("n_params", .int(MemoryEstimate.weightBytes(c) / MemoryLayout<Float>.size)),
                ("architecture", .string(c.architecture.rawValue)), ("tokenizer", .string(limits.tokenizer.name)),
            ])),
        ])
        return HTTPSupport.json(.object([("object", .string("list")), ("data", .array([model]))]))
    }

    func props() -> Response {
        HTTPSupport.json(.object([
            ("default_generation_settings", .object([
                ("n_ctx", .int(limits.contextSize)), ("model", .string(limits.modelName)),
                ("params", .object([("temperature", .int(1)), ("top_p", .int(1)), ("n_predict", .int(16))])),
            ])),
            ("total_slots", .int(1)), ("model_path", .string(options.modelDirectory)),
            ("chat_template", .string("{role}: {content}\\n ... assistant:")),
            ("max_queue", .int(engine.queueLimit)), ("queue_depth", .int(engine.queueDepth)),
        ]))
    }

    func health() -> Response { HTTPSupport.json(.object([("status", .string("ok"))])) }

    func metricsText() -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.text())))
    }
}

/// Reads a generation's events first in the request handler, then in the response body writer:
/// one reader at a time, never concurrently, which is all an AsyncStream iterator asks.
final class EventReader: @unchecked Sendable {
    private var iterator: AsyncStream<GenerationEvent>.AsyncIterator
    init(_ stream: AsyncStream<GenerationEvent>) { iterator = stream.makeAsyncIterator() }
    func next() async -> GenerationEvent? { await iterator.next() }
}
