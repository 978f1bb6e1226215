import Foundation
import NeedleSupport

/// `needle-eval bench --store N`: what the results store costs, in a temporary file — recording
/// N trials one transaction each (the latency every finished trial pays), then, from a freshly
/// opened connection, exporting the heatmap (wide CSV, long CSV, SVG) and reading every trial.
public enum StoreBenchmark {
    public struct Report: Encodable, Sendable {
        public var trials: Int
        public var insertMeanMs: Double
        public var insertP50Ms: Double
        public var insertP99Ms: Double
        public var insertMaxMs: Double
        public var exportWideCSVMs: Double
        public var exportLongCSVMs: Double
        public var exportSVGMs: Double
        public var readAllTrialsMs: Double
        public var fileBytes: Int
    }

    /// Records `trials` trials over a grid of 11 lengths (1K…1M) × 11 depths, as a 1M run would.
    public static func run(trials: Int, folder: URL = FileManager.default.temporaryDirectory) throws -> Report {
        let path = folder.appendingPathComponent("store-bench-\(getpid())-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let lengths = (0..<11).map { 1024 << $0 }, depths = Array(stride(from: 0, through: 100, by: 10))
        let plan = TrialPlan(lengths: lengths, depths: depths, trials: max(1, (trials + 120) / 121))
        let store = try ResultsStore(path: path)
        let runID = try store.createRun(RunRecord(
            modelPath: "bench", modelSHA256: "bench", taskName: "niah_single", taskJSON: "{}", taskHash: "bench",
            gridJSON: plan.json, seed: 1, toolVersion: NeedleEvalVersion.current, host: ProcessInfo.processInfo.hostName))
        var latencies: [Double] = []
        for key in plan.cells.prefix(trials) {
            let trial = TrialRecord(runID: runID, length: key.length, depth: key.depth, trial: key.trial,
                                    keysJSON: "[\"Paris\"]", expectedJSON: "[[\"1234567\"]]", output: "1234567.",
                                    correct: key.trial % 7 != 0, score: key.trial % 7 != 0 ? 1 : 0,
                                    promptTokens: key.length, needleTokenOffset: key.length * key.depth / 100)
            let clock = Stopwatch()
            try store.record(trial)
            latencies.append(clock.milliseconds)
        }
        let reader = try ResultsStore(path: path, create: false)
        func timed(_ body: () throws -> Void) rethrows -> Double {
            let clock = Stopwatch()
            try body()
            return clock.milliseconds
        }
        let wide = try timed { _ = try HeatmapExport.render(store: reader, runID: runID, format: .csv, long: false) }
        let long = try timed { _ = try HeatmapExport.render(store: reader, runID: runID, format: .csv, long: true) }
        let svg = try timed { _ = try HeatmapExport.render(store: reader, runID: runID, format: .svg, long: false) }
        let read = try timed { _ = try reader.trials(runID: runID) }
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(p * Double(sorted.count)))] }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return Report(trials: latencies.count, insertMeanMs: latencies.reduce(0, +) / Double(max(1, latencies.count)),
                      insertP50Ms: percentile(0.5), insertP99Ms: percentile(0.99), insertMaxMs: sorted.last ?? 0,
                      exportWideCSVMs: wide, exportLongCSVMs: long, exportSVGMs: svg, readAllTrialsMs: read, fileBytes: bytes)
    }

}
