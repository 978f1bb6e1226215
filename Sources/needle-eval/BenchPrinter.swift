import Foundation
import NeedleEval
import NeedleSupport
import Tokenizers
import YOCOBackend
import YOCORuntime

/// The tables and JSON that `bench` prints; the measuring is done by the runtime's benchmarks.
enum BenchPrinter {
    /// The `--json` object of the speed table.
    struct SpeedReport: Codable {
        var blasCore: String
        var openblasCoretype: String
        var threads: Int
        var architecture: String
        var config: ModelConfig
        var parameters: Int
        var chunk: Int
        var kv: String
        var sgemmPeakGflops: Double?
        var sgemmShapes: [String: Double]?
        var memcpyGbps: Double?
        var rows: [SpeedBenchmark.Row]
    }

    static func speed(model m: Model, options: SessionOptions, lengths: [Int], decodeTokens: Int, seed: UInt64,
                      roofline measureRoofline: Bool, modelLabel: String?, json: Bool) throws {
        let c = m.config
        let roofline = measureRoofline ? SpeedBenchmark.roofline(config: c, chunk: options.chunkSize, threads: options.threads ?? 1) : nil
        if let roofline, !json {
            print("sgemm GFLOP/s: " + roofline.sgemmShapes.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.1f", $0.value))" }
                .joined(separator: ", ") + String(format: "   memcpy (read+write): %.1f GB/s", roofline.memcpyGbps))
            print("length   prefill tok/s  prefill s  GFLOP/s (peak%)   decode tok/s (KV-bound%)  peak RSS     KV bytes")
        }
        let rows = try SpeedBenchmark.run(model: m, options: options, lengths: lengths, decodeTokens: decodeTokens, seed: seed,
                                          roofline: roofline) { row in
            guard !json else { return }
            let peak = row.prefillFractionOfSgemmPeak.map { String(format: "%4.1f%%", 100 * $0) } ?? "  -  "
            let kvb = row.decodeFractionOfKVBound.map { String(format: "%5.1f%%", 100 * $0) } ?? "   -  "
            print(pad(Lengths.label(row.length), 8)
                + String(format: " %13.0f  %9.2f  %7.1f", row.prefillTokensPerSecond, row.prefillSeconds, row.prefillGflops)
                + " (\(peak))    " + String(format: "%10.1f", row.decodeTokensPerSecond) + " (\(kvb))    "
                + pad(ByteSize.label(row.peakRSSBytes), 11) + "  " + ByteSize.label(row.kvBytes))
        }
        if json {
            try printJSON(SpeedReport(blasCore: RuntimeInfo.blasCoreName, openblasCoretype: BLASLauncher.decision,
                                      threads: options.threads ?? 1, architecture: c.architecture.rawValue, config: c,
                                      parameters: m.parameterCount, chunk: options.chunkSize, kv: options.kvDType.rawValue,
                                      sgemmPeakGflops: roofline?.sgemmPeakGflops, sgemmShapes: roofline?.sgemmShapes,
                                      memcpyGbps: roofline?.memcpyGbps, rows: rows))
        }
    }

    static func gridReuse(model m: Model, options: SessionOptions, lengths: [Int], depths: Int, seed: UInt64,
                          verifyUpTo: Int, json: Bool) throws {
        func say(_ line: String) { if !json { print(line) } }
        say("grid-level KV reuse: \(lengths.count) lengths × \(depths) depths, chunk \(options.chunkSize), kv \(options.kvDType.rawValue)")
        let longest = Lengths.label(lengths.max()!)
        let report = try GridReuseBenchmark.run(model: m, options: options, lengths: lengths, depths: depths, seed: seed,
                                                verifyUpTo: verifyUpTo, started: { r in
            say(String(format: "one fresh %@ prefill: %.2f s", longest, r.oneFreshPrefillSeconds))
            say(String(format: "base (haystack, %@): %.2f s, %@", longest, r.baseSeconds, ByteSize.label(r.baseBytes)))
            say("length   cells   splice s   rows copied   max |Δlogit| vs fresh")
        }, row: { row in
            say(pad(Lengths.label(row.length), 8) + String(format: " %6d   %8.3f   %10.1f%%   ", row.cells, row.spliceSeconds, 100 * row.rowsCopiedFraction)
                + (row.maxLogitDiffVsFresh.map { String(format: "%.2e", $0) } ?? "not checked"))
        })
        say(String(format: "grid prefill: base %.2f s + cells %.2f s = %.2f s = %.2f× one %@ prefill; peak RSS %@; max |Δlogit| %.2e",
                   report.baseSeconds, report.cellsSeconds, report.gridSeconds, report.gridSeconds / report.oneFreshPrefillSeconds,
                   longest, ByteSize.label(report.peakRSSBytes), report.maxLogitDiff))
        if json { try printJSON(report) }
    }

    static func gridRun(modelDirectory: String, taskPath: String, upTo length: Int, decodeBatches: [Int],
                        options: YOCOBackend.Options, json: Bool) throws {
        func say(_ line: String) { if !json { print(line) } }
        say("OpenBLAS core: \(RuntimeInfo.blasCoreName)   (\(BLASLauncher.decision))   threads: \(options.threads ?? ProcessInfo.processInfo.activeProcessorCount)")
        let longest = Lengths.label(length)
        let report = try GridRunBenchmark.run(modelDirectory: modelDirectory, taskPath: taskPath, upTo: length, decodeBatches: decodeBatches,
                                              options: options, row: { r in
            say(String(format: "run --length %@, --decode-batch %d: %.1f s = %.2f× one prefill; %d/%d correct; peak RSS %@; answers %@",
                       longest, r.decodeBatch, r.seconds, r.timesOnePrefill, r.correct, r.trials, ByteSize.label(r.peakRSSBytes),
                       String(r.outputsSHA256.prefix(12))))
        }, started: { r in
            say("model \(r.model), task \(r.task), \(r.cells) cells, chunk \(options.chunk), kv \(options.kv.rawValue)")
            say(String(format: "one fresh %@ prefill: %.2f s", longest, r.oneFreshPrefillSeconds))
        })
        if json { try printJSON(report) }
    }

    static func prefixReuse(model m: Model, options: SessionOptions, length: Int, depths: Int, seed: UInt64) throws {
        print("prefix reuse, \(Lengths.label(length)) prompts, \(depths) depths deepest first, chunk \(options.chunkSize)")
        print("depth%   fresh s   reuse s   reused tokens   logits equal")
        let report = try PrefixReuseBenchmark.run(model: m, options: options, length: length, depths: depths, seed: seed) { r in
            print(String(format: "%5d   %7.3f   %7.3f   %13d   yes", r.depthPercent, r.freshSeconds, r.reuseSeconds, r.reusedTokens))
        }
        print(String(format: "total    %7.3f   %7.3f   speed-up %.2fx   snapshots %@", report.freshSeconds, report.reuseSeconds,
                     report.freshSeconds / report.reuseSeconds, ByteSize.label(report.snapshotBytes)))
    }

    static func store(trials: Int, json: Bool) throws {
        let r = try StoreBenchmark.run(trials: trials)
        if json { try printJSON(r); return }
        print(String(format: "results store, %d trials (one transaction each): insert mean %.3f ms, p50 %.3f, p99 %.3f, max %.3f",
                     r.trials, r.insertMeanMs, r.insertP50Ms, r.insertP99Ms, r.insertMaxMs))
        print(String(format: "from a fresh connection: heatmap wide CSV %.1f ms, long CSV %.1f ms, SVG %.1f ms; all trials read in %.1f ms; file %@",
                     r.exportWideCSVMs, r.exportLongCSVMs, r.exportSVGMs, r.readAllTrialsMs, ByteSize.label(r.fileBytes)))
    }

    static func tokenizer(path: String, text: String, json: Bool) throws {
        let r = try TokenizerBenchmark.run(path: path, text: text)
        if json { try printJSON(r); return }
        print(String(format: "%@: %d bytes → %d tokens; load %.2f s; encode %.3f s = %.1f MB/s (cold cache), %.1f MB/s (warm)",
                     r.tokenizer, r.bytes, r.tokens, r.loadSeconds, r.coldSeconds, r.mbPerS, r.warmMbPerS))
    }

    private static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }

    /// Pretty, key-sorted, snake_case JSON on stdout.
    private static func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
