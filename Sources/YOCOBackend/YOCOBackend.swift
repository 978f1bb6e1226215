import Foundation
import NeedleEval
import NeedleSupport
import Tokenizers
import YOCORuntime

/// needle-eval's own model, answered in this process by the YOCO runtime. One inference session
/// serves every trial (its KV cache is reserved once for the longest prompt); with grid-level KV
/// reuse the run's needle-free haystack is prefilled once and every trial splices into it.
public final class YOCOBackend: EvaluationBackend {
    /// Runtime settings of a run.
    public struct Options: Sendable, Codable, Equatable {
        /// Prefill chunk size in tokens.
        public var chunk = 4096
        public var kv: KVDType = .f32
        /// Threads for the runtime; nil = all cores.
        public var threads: Int?
        /// Splice needles into one prefilled haystack (YOCO models) instead of prefilling every prompt.
        public var kvReuse = true
        /// Refuse grids whose estimate exceeds this; nil = the memory available.
        public var maxMemory: Int?
        /// Cells decoded together over the shared haystack (with `kvReuse`); 1 = one at a time.
        /// Each holds ~1 MB of its own (the rows its needles and question reach, its
        /// self-decoder windows): 64 keeps that small beside the haystack's KV cache while the
        /// lengths from 64K up of a default grid (57 cells) share each pass over it.
        public var decodeBatch = 64

        public init() {}

        enum CodingKeys: String, CodingKey { case threads, chunk, kv, kvReuse = "kv_reuse", decodeBatch = "decode_batch" }
    }

    public let model: Model
    public let identity: ModelIdentity
    public let tokenizerIdentity: TokenizerIdentity
    public let options: Options
    private let yoco: YOCOResponder
    private let budget: MemoryBudget
    private var batch: YOCOBatchResponder?

    /// Loads the model directory and checks that a context of `capacity` tokens fits in memory.
    /// `tokenizerPath` (`run --tokenizer`) must be the model's own byte tokenizer: this model reads
    /// bytes, so lengths measured in any other tokens would not be its lengths.
    public init(modelDirectory: String, options: Options, capacity: Int, tokenizerPath: String? = nil) throws {
        let own = try Self.tokenizer(modelDirectory: modelDirectory)
        if let tokenizerPath {
            let given: any Tokenizer
            do { given = try TokenizerFile.load(path: tokenizerPath) } catch { throw UsageError("--tokenizer \(tokenizerPath): \(error)") }
            guard given as? ByteTokenizer == own else {
                throw TokenizerMismatch(path: tokenizerPath, given: given.name, modelDirectory: modelDirectory)
            }
            tokenizerIdentity = try TokenizerIdentity(tokenizer: given, path: tokenizerPath)
        } else {
            tokenizerIdentity = try TokenizerIdentity(tokenizer: own, path: modelDirectory)
        }
        model = try Model(directory: URL(fileURLWithPath: modelDirectory))
        self.options = options
        let session = SessionOptions(chunkSize: options.chunk, kvDType: options.kv, threads: options.threads)
        budget = MemoryBudget(config: model.config, options: session, capacity: capacity, maxMemory: options.maxMemory)
        try budget.ensureSessionFits()
        let weights = URL(fileURLWithPath: modelDirectory).appendingPathComponent("model.safetensors").path
        identity = ModelIdentity(path: modelDirectory, sha256: try SHA256.hex(fileAt: weights))
        yoco = YOCOResponder(model: model, options: session, capacity: capacity)
    }

    public var tokenizer: any Tokenizer { model.tokenizer }
    public var responder: any Responder { yoco }
    public var batchResponder: (any BatchResponder)? { batch }

    public var optionsJSON: String {
        var recorded = options
        recorded.threads = recorded.threads ?? 0     // 0 = all cores, as earlier runs recorded it
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(recorded)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Grid-level KV reuse: every prompt of the run is one haystack with needles spliced in, so
    /// the haystack (as long as the longest pending prompt) is prefilled once here and each trial
    /// computes only what its needles and question reach. Skipped for Transformers, with
    /// `kvReuse` off, for a single cell (the base would cost what its own prefill costs), and
    /// when a second KV cache would not fit in memory.
    public func prepare(pending: [TrialKey], builder: PromptBuilder) throws -> BackendPreparation {
        yoco.spliceBase = nil
        batch = nil
        guard options.kvReuse, model.config.architecture == .yoco, pending.count > 1,
              let longest = pending.map(\.length).max() else { return BackendPreparation() }
        guard budget.baseFits(tokens: longest) else {
            return BackendPreparation(note: "no memory for a second KV cache; prefilling each prompt on its own")
        }
        let started = Date()
        let base = try SpliceBase(model: model, tokens: builder.needleFreeContext(length: longest), options: yoco.session.options)
        yoco.spliceBase = base
        // Batched decode when a cell's own rows stay few: sliding-window self-decoders reach a
        // bounded span past the needle, and NoPE global keys keep every other haystack row as
        // the base's. (Gated retention or RoPE'd global keys make a cell own the rows after its
        // needle: a batch would hold many near-copies of the cache, so cells run one by one.)
        let c = model.config
        if c.slidingWindow != nil && !c.crossAttentionRope && options.decodeBatch > 1 {
            // A cell computes a few hundred rows past its needle: chunks of 512 do that as fast
            // as 4096 and keep the batch's activation buffers ~45 MB smaller.
            var batchOptions = yoco.session.options
            batchOptions.chunkSize = min(batchOptions.chunkSize, max(512, options.decodeBatch))
            batch = YOCOBatchResponder(batch: try DecodeBatch(model: model, options: batchOptions, base: base),
                                       batchSize: options.decodeBatch)
        }
        var note = String(format: "prefilled the shared haystack (%@ tokens) once in %.1f s for KV reuse",
                          Lengths.label(longest), Date().timeIntervalSince(started))
        if let batch { note += "; cells decode \(batch.batchSize) at a time" }
        return BackendPreparation(note: note, sharedPrefill: true, decodeBatch: batch?.batchSize ?? 1)
    }

    /// The tokenizer of a model directory (its config.json sizes the vocabulary), for measuring
    /// prompts without loading the weights.
    public static func tokenizer(modelDirectory: String) throws -> ByteTokenizer {
        let folder = URL(fileURLWithPath: modelDirectory)
        let config = try ModelConfig.load(from: folder.appendingPathComponent("config.json"))
        return try ByteTokenizer.load(from: folder.appendingPathComponent("tokenizer.json"), vocabSize: config.vocabSize)
    }
}

/// `run --tokenizer` naming a tokenizer the in-process model does not read.
public struct TokenizerMismatch: UsageProblem, Sendable {
    public let path: String
    public let given: String
    public let modelDirectory: String

    public var description: String {
        "--tokenizer \(path) is '\(given)', but the in-process model \(modelDirectory) reads bytes (its tokenizer.json): "
            + "prompt lengths counted in tokens the model does not use would not be its lengths. "
            + "Fix: leave out --tokenizer (the model's own tokenizer is used), or give the model's tokenizer.json"
    }
}
