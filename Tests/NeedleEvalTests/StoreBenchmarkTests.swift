import Foundation
import XCTest
import NeedleEval

/// Timings, not checks: skipped unless NEEDLE_EVAL_STORE_BENCH names a folder (the database is
/// left there for timing the CLI on it). Run in release:
///   NEEDLE_EVAL_STORE_BENCH=/tmp/bench swift test -c release --filter StoreBenchmarkTests
final class StoreBenchmarkTests: XCTestCase {
    func testRecordAndExportTimings() throws {
        guard let folder = ProcessInfo.processInfo.environment["NEEDLE_EVAL_STORE_BENCH"] else {
            throw XCTSkip("set NEEDLE_EVAL_STORE_BENCH=<folder> to run the store benchmark")
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/bench.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }

        // 11 lengths (1K ... 1M) × 11 depths × 827 trials ≈ 100,000 trials.
        let lengths = (0...10).map { 1024 << $0 }
        let depths = Array(stride(from: 0, through: 100, by: 10))
        let grid = RunGrid(lengths: lengths, depths: depths, trials: 827)
        let store = try ResultsStore(path: path)
        let runID = try store.createRun(sampleRun(grid: grid))
        var latencies: [Double] = []  // seconds, one per record
        latencies.reserveCapacity(grid.totalTrials)
        for trial in 0..<grid.trials {
            for length in lengths {
                for depth in depths {
                    let key = TrialKey(length: length, depth: depth, trial: trial)
                    var record = sampleTrial(runID: runID, key, correct: (length / 1024 + depth + trial) % 7 != 0)
                    record.output = "The special magic Paris number is: 1234567. And some more generated text."
                    let start = DispatchTime.now().uptimeNanoseconds
                    try store.record(record)
                    latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                }
            }
        }
        let sorted = latencies.sorted()
        func ms(_ s: Double) -> String { String(format: "%.3f ms", s * 1000) }
        print("record: \(latencies.count) trials, mean \(ms(latencies.reduce(0, +) / Double(latencies.count)))"
              + ", p50 \(ms(sorted[sorted.count / 2])), p99 \(ms(sorted[sorted.count * 99 / 100])), max \(ms(sorted.last!))")

        // Export from a freshly opened file, as the CLI does.
        for (format, long) in [(HeatmapExport.Format.csv, false), (.csv, true), (.svg, false)] {
            let start = Date()
            let reopened = try ResultsStore(path: path, create: false)
            let text = try HeatmapExport.render(store: reopened, runID: nil, format: format, long: long)
            try AtomicFileWriter.write(text, to: folder + "/heatmap\(long ? "-long" : "").\(format.rawValue)")
            print("export \(format.rawValue)\(long ? " --long" : ""): \(ms(Date().timeIntervalSince(start))) for \(latencies.count) trials")
        }
        let start = Date()
        let all = try store.trials(runID: runID)
        print("trials(runID:): \(all.count) records in \(ms(Date().timeIntervalSince(start)))")
    }
}
