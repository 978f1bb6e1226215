import Foundation
import NeedleSupport

/// `bench --grid-depths N`: a whole needle grid (every length × N depths, in the order `run`
/// uses) on one random haystack, prefilled with grid-level KV reuse (one base prefill of the
/// longest haystack, then `prefillSplicing` per cell), against one fresh prefill of the longest
/// length. Cells up to `verifyUpTo` tokens are also prefilled fresh and their logits compared.
public enum GridReuseBenchmark {
    public struct Row: Codable, Sendable {
        public var length: Int
        public var cells: Int
        public var spliceSeconds: Double
        public var rowsCopiedFraction: Double
        public var maxLogitDiffVsFresh: Float?
    }

    public struct Report: Codable, Sendable {
        public var depths: Int
        public var chunk: Int
        public var kv: String
        public var oneFreshPrefillSeconds: Double
        public var baseSeconds: Double
        public var baseBytes: Int
        public var rows: [Row] = []
        /// All cells' splice prefills.
        public var cellsSeconds = 0.0
        /// Base + cells.
        public var gridSeconds = 0.0
        public var peakRSSBytes = 0
        public var maxLogitDiff: Float { rows.compactMap(\.maxLogitDiffVsFresh).max() ?? 0 }
    }

    /// `started` reports the fresh prefill and the base before the rows; `row` each length.
    public static func run(model m: Model, options: SessionOptions, lengths: [Int], depths: Int, seed: UInt64,
                           verifyUpTo: Int, started: (Report) -> Void = { _ in }, row: (Row) -> Void = { _ in }) throws -> Report {
        let longest = lengths.max()!
        let hay = BenchmarkPrompts.haystack(bos: m.tokenizer.bosID, count: longest, seed: seed)
        let percents = BenchmarkPrompts.percents(depths)

        let fresh = InferenceSession(model: m, options: options, capacity: longest + 1)
        var clock = Stopwatch()
        try fresh.prefill(BenchmarkPrompts.prompt(hay: hay, length: longest, percent: 50))
        let oneLongest = clock.seconds

        ProcessMemory.resetPeak()
        clock = Stopwatch()
        let base = try SpliceBase(model: m, tokens: hay, options: options)
        var report = Report(depths: depths, chunk: options.chunkSize, kv: options.kvDType.rawValue,
                            oneFreshPrefillSeconds: oneLongest, baseSeconds: clock.seconds, baseBytes: base.bytes)
        started(report)
        let spliced = InferenceSession(model: m, options: options, capacity: longest + 1)
        for length in lengths.sorted() {
            var t = 0.0, copied = 0, diff: Float? = nil
            for pct in percents {
                let p = BenchmarkPrompts.prompt(hay: hay, length: length, percent: pct)
                clock = Stopwatch()
                let a = try spliced.prefillSplicing(p, base: base)
                t += clock.seconds
                copied += spliced.lastReusedTokens
                if length <= verifyUpTo {
                    fresh.reset()
                    diff = max(diff ?? 0, maxAbsDiff(a, try fresh.prefill(p)))
                }
            }
            let r = Row(length: length, cells: percents.count, spliceSeconds: t,
                        rowsCopiedFraction: Double(copied) / Double(length * percents.count), maxLogitDiffVsFresh: diff)
            report.rows.append(r)
            row(r)
        }
        report.peakRSSBytes = ProcessMemory.peakRSSBytes
        report.cellsSeconds = report.rows.reduce(0) { $0 + $1.spliceSeconds }
        report.gridSeconds = report.baseSeconds + report.cellsSeconds
        return report
    }
}
