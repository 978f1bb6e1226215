import ArgumentParser
import Foundation
import YOCORuntime

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
    @Option(help: "Prefill chunk size in tokens.") var chunk = 4096
    @Option(help: "Threads for OpenBLAS and the runtime (default: all cores).") var threads: Int?
    @Option(help: "KV cache dtype: f32 or f16.") var kv = "f32"
    @Option(name: .customLong("decode-tokens"), help: "Tokens decoded at each length.") var decodeTokens = 8
    @Option(help: "Seed for random weights and tokens.") var seed: UInt64 = 1
    @Flag(name: .customLong("skip-roofline"), help: "Skip the sgemm-peak and memcpy measurements.") var skipRoofline = false
    @Flag(help: "Print one JSON object instead of a table.") var json = false
    @Option(name: .customLong("reuse-depths"),
            help: "Instead of the table: time N needle depths per length fresh vs with prefix reuse.")
    var reuseDepths: Int?
    @Option(name: .customLong("grid-depths"),
            help: "Instead of the table: a whole grid (--lengths × N depths) with grid-level KV reuse vs one fresh prefill of the longest length.")
    var gridDepths: Int?
    @Option(name: .customLong("verify-up-to"), help: "With --grid-depths: also prefill cells up to this length fresh and compare logits.")
    var verifyUpTo = "64K"

    func validate() throws {
        if let arch, ModelConfig.Architecture(rawValue: arch) == nil {
            throw ValidationError("--arch '\(arch)' is unknown. Fix: use yoco or transformer")
        }
        if KVDType(rawValue: kv) == nil { throw ValidationError("--kv '\(kv)' is unknown. Fix: use f32 or f16") }
        if chunk < 1 { throw ValidationError("--chunk must be ≥ 1. Fix: e.g. --chunk 4096") }
        if let threads, threads < 1 { throw ValidationError("--threads must be ≥ 1") }
        if decodeTokens < 0 { throw ValidationError("--decode-tokens must be ≥ 0") }
        if let reuseDepths, reuseDepths < 1 { throw ValidationError("--reuse-depths must be ≥ 1. Fix: e.g. --reuse-depths 11") }
        if let gridDepths, gridDepths < 1 { throw ValidationError("--grid-depths must be ≥ 1. Fix: e.g. --grid-depths 11") }
        if let lengths { _ = try parseBenchLengths(lengths) }
        _ = try parseBenchLengths(verifyUpTo)
        if model != nil && (configJSON != nil || dim != nil || layers != nil || hidden != nil || window != nil) {
            throw ValidationError("--model and random-config flags exclude each other. Fix: drop one")
        }
    }

    /// The default random config with --config-json and flag overrides applied.
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
        let kvType = KVDType(rawValue: kv)!
        let threadCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
        let lengthList = try parseBenchLengths(lengths ?? (c.architecture == .yoco ? "4K,64K,1M" : "4K,16K,64K"))
        RuntimeInfo.setThreads(threadCount)
        var report = BenchReport(blasCore: RuntimeInfo.blasCoreName, openblasCoretype: BLASLauncher.decision,
                                 threads: threadCount, architecture: c.architecture.rawValue, config: c,
                                 parameters: m.parameterCount, chunk: chunk, kv: kv, rows: [])
        if !json {
            print("OpenBLAS core: \(report.blasCore)   (\(report.openblasCoretype))   threads: \(threadCount)")
            print("model: \(model ?? "random") \(c.architecture.rawValue) dim \(c.dim) layers \(c.nLayers) hidden \(c.hiddenDim) "
                + "heads \(c.nSelfHeads)/\(c.nAttnHeads)/\(c.nAttnKVHeads) window \(c.slidingWindow.map(String.init) ?? "gRet") "
                + "rope_cross \(c.crossAttentionRope) params \(m.parameterCount)   chunk \(chunk) kv \(kv)")
        }
        if let reuseDepths {
            let options = SessionOptions(chunkSize: chunk, kvDType: kvType, threads: threadCount)
            for length in lengthList { try benchPrefixReuse(model: m, options: options, length: length, depths: reuseDepths, seed: seed) }
            return
        }
        if let gridDepths {
            let options = SessionOptions(chunkSize: chunk, kvDType: kvType, threads: threadCount)
            try benchGridSplice(model: m, options: options, lengths: lengthList, depths: gridDepths, seed: seed,
                                verifyUpTo: try parseBenchLengths(verifyUpTo)[0], json: json)
            return
        }
        if !skipRoofline {
            let shapes = [("2048x2048x2048", BLASProbe.sgemmGFLOPs(m: 2048, n: 2048, k: 2048)),
                          ("\(chunk)x\(2 * c.hiddenDim)x\(c.dim)", BLASProbe.sgemmGFLOPs(m: chunk, n: 2 * c.hiddenDim, k: c.dim))]
            report.sgemmShapes = Dictionary(uniqueKeysWithValues: shapes)
            report.sgemmPeakGflops = shapes.map(\.1).max()
            report.memcpyGbps = measureMemcpyGBps()
            if !json {
                print("sgemm GFLOP/s: " + shapes.map { "\($0.0) \(String(format: "%.1f", $0.1))" }.joined(separator: ", ")
                    + String(format: "   memcpy (read+write): %.1f GB/s", report.memcpyGbps!))
                print("length   prefill tok/s  prefill s  GFLOP/s (peak%)   decode tok/s (KV-bound%)  peak RSS     KV bytes")
            }
        }
        var rng = SplitMix64(seed: seed &+ 1)
        for length in lengthList {
            ProcessMemory.resetPeak()
            let session = InferenceSession(model: m, options: SessionOptions(chunkSize: chunk, kvDType: kvType, threads: threadCount),
                                           capacity: length + decodeTokens)
            let tokens = [m.tokenizer.bosID] + (1..<length).map { _ in Int32(rng.next() % 256) }
            var t0 = DispatchTime.now().uptimeNanoseconds
            try session.prefill(tokens)
            let prefill = seconds(since: t0)
            t0 = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<decodeTokens { try session.step(Int32(rng.next() % 256)) }
            let decode = seconds(since: t0)
            let gflops = CostModel.prefillFLOPs(c, length: length) / prefill / 1e9
            let decodeRate = decodeTokens > 0 ? Double(decodeTokens) / decode : 0
            let bound = report.memcpyGbps.map { $0 * 1e9 / CostModel.decodeKVBytesRead(c, context: length, kvDType: kvType) }
            let row = BenchRow(length: length, prefillSeconds: prefill, prefillTokensPerSecond: Double(length) / prefill,
                               prefillGflops: gflops, prefillFractionOfSgemmPeak: report.sgemmPeakGflops.map { gflops / $0 },
                               decodeTokens: decodeTokens, decodeTokensPerSecond: decodeRate,
                               decodeFractionOfKVBound: bound.map { decodeRate / $0 },
                               peakRSSBytes: ProcessMemory.peakRSSBytes, kvBytes: session.kvCacheBytes)
            report.rows.append(row)
            if !json {
                let peak = row.prefillFractionOfSgemmPeak.map { String(format: "%4.1f%%", 100 * $0) } ?? "  -  "
                let kvb = row.decodeFractionOfKVBound.map { String(format: "%5.1f%%", 100 * $0) } ?? "   -  "
                func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
                print(pad(formatLength(length), 8) + String(format: " %13.0f  %9.2f  %7.1f", row.prefillTokensPerSecond, prefill, gflops)
                    + " (\(peak))    " + String(format: "%10.1f", decodeRate) + " (\(kvb))    "
                    + pad(formatBytes(row.peakRSSBytes), 11) + "  " + formatBytes(row.kvBytes))
            }
        }
        if json { try printJSON(report) }
    }
}
