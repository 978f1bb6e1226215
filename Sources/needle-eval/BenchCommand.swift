import ArgumentParser
import Foundation
import NeedleSupport
import Tokenizers
import YOCOBackend
import YOCORuntime
import YOCOServer

/// `needle-eval bench`: prefill and decode speed, peak RSS and KV bytes of the runtime at each
/// length, with roofline fractions (sgemm peak, memory bandwidth) so numbers can be judged.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure prefill/decode speed, peak RSS and KV cache bytes of the YOCO runtime.")

    @Option(help: "Model directory; default: random weights with the shipped model's shape.")
    var model: String?
    @Option(help: "Architecture for random weights: yoco or transformer.")
    var arch: String?
    @Option(name: .customLong("config-json"), help: "JSON object of config.json fields overriding the default random config.")
    var configJSON: String?
    @Option(help: "Random config: dim.") var dim: Int?
    @Option(help: "Random config: n_layers.") var layers: Int?
    @Option(help: "Random config: hidden_dim.") var hidden: Int?
    @Option(name: .customLong("self-heads"), help: "Random config: n_self_heads.") var selfHeads: Int?
    @Option(help: "Random config: n_attn_heads.") var heads: Int?
    @Option(name: .customLong("kv-heads"), help: "Random config: n_attn_kv_heads.") var kvHeads: Int?
    @Option(help: "Random config: sliding_window, or 'none' for gated retention.") var window: String?
    @Option(help: "Random config: vocab_size.") var vocab: Int?
    @Option(name: .customLong("rope-theta"), help: "Random config: rope_theta.") var ropeTheta: Double?
    @Flag(help: "Random config: cross_attention_rope = false.") var nope = false
    @Option(help: "Comma-separated lengths (K = 1024, M = 1048576). Default 4K,64K,1M (transformer: 4K,16K,64K).")
    var lengths: String?
    @OptionGroup var runtime: RuntimeOptions
    @Option(name: .customLong("decode-tokens"), help: "Tokens decoded at each length.") var decodeTokens = 8
    @Option(help: "Seed for random weights and tokens.") var seed: UInt64 = 1
    @Flag(name: .customLong("skip-roofline"), help: "Skip the sgemm-peak and memcpy measurements.") var skipRoofline = false
    @Flag(help: "Print one JSON object instead of a table.") var json = false
    @Flag(name: .customLong("compare-kv"),
          help: "Run the speed table with an f32 and then an f16 KV cache in this one process (--kv is ignored; with --json, one object each).")
    var compareKV = false
    @Option(name: .customLong("reuse-depths"),
            help: "Instead of the table: time N needle depths per length fresh vs with prefix reuse.")
    var reuseDepths: Int?
    @Option(name: .customLong("grid-depths"),
            help: "Instead of the table: a whole grid (--lengths × N depths) with grid-level KV reuse vs one fresh prefill of the longest length.")
    var gridDepths: Int?
    @Option(name: .customLong("run-grid"),
            help: ArgumentHelp("Instead of the table: what `run --length L` costs (default grid of --task on --model, default the shipped model: prompts, answers, SQLite) against one fresh prefill of its longest prompt, side by side.", valueName: "L"))
    var runGrid: String?
    @Option(name: .customLong("decode-batches"), help: "With --run-grid: the --decode-batch sizes to run the grid with, e.g. 64,1.")
    var decodeBatches = "64"
    @Option(help: "With --run-grid: the task spec.") var task = "tasks/niah_single.json"
    @Option(name: .customLong("verify-up-to"), help: "With --grid-depths: also prefill cells up to this length fresh and compare logits.")
    var verifyUpTo = "64K"

    // Other benchmarks than the runtime's: the results store, a tokenizer.
    @Option(name: .customLong("store"), help: "Instead of the runtime: record this many trials in a temporary results database and time inserts, exports and reads.") var storeTrials: Int?
    @Option(help: "Instead of the runtime: encoding speed of this tokenizer (tokenizer.json, .tiktoken or a model directory) on --text.") var tokenizer: String?
    @Option(help: "With --tokenizer: the text file to encode.") var text: String?
    @Option(name: .customLong("prompt-ids"),
            help: "With --model: time reading this JSON array of token ids, then prefill and --decode-tokens greedy tokens on a fresh session (JSON; scripts/serve/bench_overhead.py).")
    var promptIDs: String?
    @Flag(name: .customLong("parse-only"), help: "With --prompt-ids: only time reading the ids (the server's parser and Foundation's).")
    var parseOnly = false

    func validate() throws {
        if (tokenizer == nil) != (text == nil) { throw ValidationError("--tokenizer and --text go together. Fix: give both") }
        if let storeTrials, storeTrials < 1 { throw ValidationError("--store must be ≥ 1. Fix: e.g. --store 100000") }
        if let arch, ModelConfig.Architecture(rawValue: arch) == nil {
            throw ValidationError("--arch '\(arch)' is unknown. Fix: use yoco or transformer")
        }
        if decodeTokens < 0 { throw ValidationError("--decode-tokens must be ≥ 0") }
        if let reuseDepths, reuseDepths < 1 { throw ValidationError("--reuse-depths must be ≥ 1. Fix: e.g. --reuse-depths 11") }
        if let gridDepths, gridDepths < 1 { throw ValidationError("--grid-depths must be ≥ 1. Fix: e.g. --grid-depths 11") }
        if let lengths { _ = try parseLengths(lengths, flag: "--lengths") }
        _ = try parseLengths(verifyUpTo, flag: "--verify-up-to")
        if let runGrid, Lengths.parse(runGrid) == nil {
            throw ValidationError("--run-grid '\(runGrid)' is not a length. Fix: e.g. --run-grid 1M")
        }
        if try batchSizes().isEmpty { throw ValidationError("--decode-batches is empty. Fix: e.g. --decode-batches 64,1") }
        if model != nil && (configJSON != nil || dim != nil || layers != nil || hidden != nil || window != nil) {
            throw ValidationError("--model and random-config flags exclude each other. Fix: drop one")
        }
    }

    private func batchSizes() throws -> [Int] {
        try decodeBatches.split(separator: ",").map {
            guard let n = Int($0.trimmingCharacters(in: .whitespaces)), n >= 1 else {
                throw ValidationError("--decode-batches entry '\($0)' is not a batch size. Fix: whole numbers ≥ 1, e.g. 64,1")
            }
            return n
        }
    }

    private func parseLengths(_ text: String, flag: String) throws -> [Int] {
        do { return try Lengths.parseList(text, flag: flag) } catch let error as LengthListError { throw ValidationError(error.description) }
    }

    /// The shipped model's shape with --config-json and flag overrides applied.
    func randomConfig() throws -> ModelConfig {
        var fields = try JSONSerialization.jsonObject(with: JSONEncoder().encode(ModelConfig.tinyDefault)) as! [String: Any]
        if let configJSON {
            guard let data = configJSON.data(using: .utf8),
                  let user = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw ValidationError("--config-json is not a JSON object. Fix: e.g. --config-json '{\"dim\":256}'")
            }
            fields.merge(user) { $1 }
        }
        let overrides: [(String, Any?)] = [("dim", dim), ("n_layers", layers), ("hidden_dim", hidden),
            ("n_self_heads", selfHeads), ("n_attn_heads", heads), ("n_attn_kv_heads", kvHeads),
            ("vocab_size", vocab), ("rope_theta", ropeTheta), ("architecture", arch)]
        for (key, value) in overrides { if let value { fields[key] = value } }
        if let window { fields["sliding_window"] = window == "none" ? NSNull() : (Int(window) as Any) }
        if nope { fields["cross_attention_rope"] = false }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bench-config-\(getpid()).json")
        try JSONSerialization.data(withJSONObject: fields).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try ModelConfig.load(from: url)   // same validation and messages as config.json
    }

    func run() throws {
        // Benchmarks should measure the fast kernels; a no-op if main already did this, if the
        // user set OPENBLAS_CORETYPE, or if the CPU lacks AVX-512.
        BLASLauncher.reexecWithFastKernelsIfNeeded()
        if let storeTrials {
            try BenchPrinter.store(trials: storeTrials, json: json)
            return
        }
        if let tokenizer, let text {
            guard let data = FileManager.default.contents(atPath: text) else { throw ValidationError("--text \(text): cannot read the file") }
            try BenchPrinter.tokenizer(path: tokenizer, text: String(decoding: data, as: UTF8.self), json: json)
            return
        }
        if let runGrid {
            var options = YOCOBackend.Options()
            options.chunk = runtime.chunk
            options.kv = runtime.kvDType
            options.threads = runtime.threads
            try BenchPrinter.gridRun(modelDirectory: model ?? "models/yoco-niah-tiny", taskPath: task, upTo: Lengths.parse(runGrid)!,
                                     decodeBatches: try batchSizes(), options: options, json: json)
            return
        }
        let m: Model
        if let model {
            m = try Model(directory: URL(fileURLWithPath: model))
            if let arch, arch != m.config.architecture.rawValue {
                throw ValidationError("--arch \(arch) but \(model) is \(m.config.architecture.rawValue). Fix: drop --arch")
            }
        } else {
            m = Model.random(config: try randomConfig(), seed: seed)
        }
        let c = m.config
        if let promptIDs {
            guard let data = FileManager.default.contents(atPath: promptIDs) else { throw ValidationError("--prompt-ids \(promptIDs): cannot read the file") }
            let options = SessionOptions(chunkSize: runtime.chunk, kvDType: runtime.kvDType, threads: runtime.threads)
            print(try PromptBenchmark.run(model: m, idsJSON: Array(data), decodeTokens: decodeTokens, options: options,
                                             parseOnly: parseOnly).json)
            return
        }
        let threadCount = runtime.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let lengthList = try parseLengths(lengths ?? (c.architecture == .yoco ? "4K,64K,1M" : "4K,16K,64K"), flag: "--lengths")
        let options = SessionOptions(chunkSize: runtime.chunk, kvDType: runtime.kvDType, threads: threadCount)
        if !json {
            print("OpenBLAS core: \(RuntimeInfo.blasCoreName)   (\(BLASLauncher.decision))   threads: \(threadCount)")
            print("model: \(model ?? "random") \(c.architecture.rawValue) dim \(c.dim) layers \(c.nLayers) hidden \(c.hiddenDim) "
                + "heads \(c.nSelfHeads)/\(c.nAttnHeads)/\(c.nAttnKVHeads) window \(c.slidingWindow.map(String.init) ?? "gRet") "
                + "rope_cross \(c.crossAttentionRope) params \(m.parameterCount)   chunk \(runtime.chunk) kv \(compareKV ? "f32, f16" : runtime.kv)")
        }
        if let reuseDepths {
            for length in lengthList { try BenchPrinter.prefixReuse(model: m, options: options, length: length, depths: reuseDepths, seed: seed) }
            return
        }
        if let gridDepths {
            try BenchPrinter.gridReuse(model: m, options: options, lengths: lengthList, depths: gridDepths, seed: seed,
                                       verifyUpTo: try parseLengths(verifyUpTo, flag: "--verify-up-to")[0], json: json)
            return
        }
        for kv in compareKV ? [KVDType.f32, .f16] : [options.kvDType] {
            var o = options
            o.kvDType = kv
            if compareKV && !json { print("kv \(kv.rawValue):") }
            try BenchPrinter.speed(model: m, options: o, lengths: lengthList, decodeTokens: decodeTokens, seed: seed,
                                   roofline: !skipRoofline, modelLabel: model, json: json)
        }
    }
}
