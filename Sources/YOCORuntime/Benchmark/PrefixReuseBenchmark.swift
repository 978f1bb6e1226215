import Foundation
import NeedleSupport

/// `bench --reuse-depths N`: one length's needle grid (N depths, deepest first, the order `run`
/// uses) prefilled fresh (`reset` + `prefill`) and with `prefillReusingPrefix`; the logits must
/// be bitwise equal.
public enum PrefixReuseBenchmark {
    public struct Row: Codable, Sendable {
        public var depthPercent: Int
        public var freshSeconds: Double
        public var reuseSeconds: Double
        public var reusedTokens: Int
    }

    public struct Report: Codable, Sendable {
        public var length: Int
        public var rows: [Row] = []
        public var snapshotBytes = 0
        public var freshSeconds: Double { rows.reduce(0) { $0 + $1.freshSeconds } }
        public var reuseSeconds: Double { rows.reduce(0) { $0 + $1.reuseSeconds } }
    }

    /// Prefix reuse changed the logits: a runtime bug.
    public struct Mismatch: Error, CustomStringConvertible {
        public let depthPercent: Int
        public var description: String { "prefix reuse changed the logits at depth \(depthPercent)% (a runtime bug: report it)" }
    }

    public static func run(model m: Model, options: SessionOptions, length: Int, depths: Int, seed: UInt64,
                           row: (Row) -> Void = { _ in }) throws -> Report {
        let hay = BenchmarkPrompts.haystack(bos: m.tokenizer.bosID, count: length, seed: seed)
        let fresh = InferenceSession(model: m, options: options, capacity: length + 1)
        let reused = InferenceSession(model: m, options: options, capacity: length + 1)
        var report = Report(length: length)
        for pct in BenchmarkPrompts.percents(depths) {
            let prompt = BenchmarkPrompts.prompt(hay: hay, length: length, percent: pct)
            var clock = Stopwatch()
            fresh.reset()
            let a = try fresh.prefill(prompt)
            let tf = clock.seconds
            clock = Stopwatch()
            let b = try reused.prefillReusingPrefix(prompt)
            let r = Row(depthPercent: pct, freshSeconds: tf, reuseSeconds: clock.seconds, reusedTokens: reused.lastReusedTokens)
            report.rows.append(r)
            row(r)
            if a != b { throw Mismatch(depthPercent: pct) }
        }
        report.snapshotBytes = reused.prefixCacheBytes
        return report
    }
}
