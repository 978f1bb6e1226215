import Foundation
import NeedleSupport

/// `needle-eval bench`: prefill and decode speed, peak RSS and KV bytes of the runtime at each
/// length, with the roofline fractions (sgemm peak, memory bandwidth) that let numbers be judged.
public enum SpeedBenchmark {
    /// One length's measurements (also a `--json` row).
    public struct Row: Codable, Sendable {
        public var length: Int
        public var prefillSeconds: Double
        public var prefillTokensPerSecond: Double
        public var prefillGflops: Double
        public var prefillFractionOfSgemmPeak: Double?
        public var decodeTokens: Int
        public var decodeTokensPerSecond: Double
        public var decodeFractionOfKVBound: Double?
        public var peakRSSBytes: Int
        public var kvBytes: Int
    }

    /// What this machine can do, measured before the rows.
    public struct Roofline: Codable, Sendable {
        /// GFLOP/s per sgemm shape ("MxNxK").
        public var sgemmShapes: [String: Double]
        public var sgemmPeakGflops: Double
        public var memcpyGbps: Double
    }

    /// Measures sgemm at 2048³ and at the FFN shape of one prefill chunk, and memcpy bandwidth.
    public static func roofline(config c: ModelConfig, chunk: Int, threads: Int) -> Roofline {
        let shapes = [("2048x2048x2048", MachineProbe.sgemmGFLOPs(m: 2048, n: 2048, k: 2048, threads: threads)),
                      ("\(chunk)x\(2 * c.hiddenDim)x\(c.dim)", MachineProbe.sgemmGFLOPs(m: chunk, n: 2 * c.hiddenDim, k: c.dim, threads: threads))]
        return Roofline(sgemmShapes: Dictionary(uniqueKeysWithValues: shapes), sgemmPeakGflops: shapes.map(\.1).max()!,
                        memcpyGbps: MachineProbe.memcpyGBps())
    }

    /// Prefills a random prompt of each length in a fresh session, then decodes `decodeTokens`
    /// tokens; `row` is called as each length finishes.
    public static func run(model m: Model, options: SessionOptions, lengths: [Int], decodeTokens: Int, seed: UInt64,
                           roofline: Roofline?, row: (Row) -> Void = { _ in }) throws -> [Row] {
        let c = m.config
        var rng = SeededRandom(seed: seed &+ 1)
        var rows: [Row] = []
        for length in lengths {
            ProcessMemory.resetPeak()
            let session = InferenceSession(model: m, options: options, capacity: length + decodeTokens)
            let tokens = [m.tokenizer.bosID] + (1..<length).map { _ in Int32(rng.next() % 256) }
            var clock = Stopwatch()
            try session.prefill(tokens)
            let prefill = clock.seconds
            clock = Stopwatch()
            for _ in 0..<decodeTokens { try session.step(Int32(rng.next() % 256)) }
            let decode = clock.seconds
            let gflops = CostModel.prefillFLOPs(c, length: length) / prefill / 1e9
            let decodeRate = decodeTokens > 0 ? Double(decodeTokens) / decode : 0
            let bound = roofline.map { $0.memcpyGbps * 1e9 / CostModel.decodeKVBytesRead(c, context: length, kvDType: options.kvDType) }
            let r = Row(length: length, prefillSeconds: prefill, prefillTokensPerSecond: Double(length) / prefill,
                        prefillGflops: gflops, prefillFractionOfSgemmPeak: roofline.map { gflops / $0.sgemmPeakGflops },
                        decodeTokens: decodeTokens, decodeTokensPerSecond: decodeRate,
                        decodeFractionOfKVBound: bound.map { decodeRate / $0 },
                        peakRSSBytes: ProcessMemory.peakRSSBytes, kvBytes: session.kvCacheBytes)
            rows.append(r)
            row(r)
        }
        return rows
    }
}


/// Largest absolute difference of two logit vectors.
func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) } }

/// A benchmark prompt: a random haystack with one needle at `percent` of it and a question at the
/// end, as byte tokens (the needle and question text of the built-in single-needle task).
struct BenchmarkPrompts {
    static let needle = Array("The special magic Oslo number is: 4817263. ".utf8).map { Int32($0) }
    static let question = Array("What is the special magic Oslo number? The special magic Oslo number is: ".utf8).map { Int32($0) }

    /// BOS + `count - 1` random bytes.
    static func haystack(bos: Int32, count: Int, seed: UInt64) -> [Int32] {
        var rng = SeededRandom(seed: seed)
        return [bos] + (1..<max(count, 1)).map { _ in Int32(rng.next() % 256) }
    }

    /// The first `length` tokens' worth of `hay` with the needle inserted at `percent` of the body
    /// and the question appended: exactly `length` tokens.
    static func prompt(hay: [Int32], length: Int, percent: Int) -> [Int32] {
        let body = length - 1 - needle.count - question.count
        let at = 1 + body * percent / 100
        return Array(hay[0..<at]) + needle + hay[at..<(body + 1)] + question
    }

    /// `depths` percentages from 100 down to 0 (deepest first: the order `run` uses).
    static func percents(_ depths: Int) -> [Int] {
        Array((0..<depths).map { depths == 1 ? 100 : 100 * $0 / (depths - 1) }.reversed())
    }
}
