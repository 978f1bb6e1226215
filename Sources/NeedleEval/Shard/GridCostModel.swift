/// What a set of cells is predicted to cost in one process, in seconds on the project's 2-core
/// reference machine (docs/RESULTS.md: `run --length 1M`, grid-level KV reuse). Only the ratios
/// matter — they decide how `ShardPartition` balances shards — so the model is the two costs
/// that grow with length and nothing a machine or a flag changes:
/// - the shared haystack, prefilled once per process as long as its longest cell (31.8 s at 1M);
/// - each trial: copying its KV rows, computing the needle's reach and the question, and decoding
///   the answer over the whole context (2.93 s at 1M, 25 ms at 1K).
/// Whole nanoseconds, so a partition is the same on every machine.
public struct GridCostModel: Sendable, Equatable {
    /// Prefill of the shared haystack, per token (31.8 s / 2^20).
    public var prefillNanosPerToken: Int64 = 30_330
    /// One trial: a fixed part and a part per token of its length ((2.93 s - 25 ms) / 2^20).
    public var trialNanos: Int64 = 25_000_000
    public var trialNanosPerToken: Int64 = 2_770
    /// Cells decoded together (`run --decode-batch`): a group costs a part per cell (its splice,
    /// scoring, recording) and a part per token of its longest cell (each step reads that much of
    /// the shared KV cache for all of them). Fitted to the four groups of `run --length 1M`
    /// (32 cells each; 1.2 s for the group up to 4K, 11.9 s for the group of 256K…1M).
    public var batchCellNanos: Int64 = 38_000_000
    public var batchNanosPerLongestToken: Int64 = 10_500

    public init() {}

    public static let reference = GridCostModel()

    /// One process prefilling a haystack of `longest` tokens.
    public func prefill(longest: Int) -> Int64 { prefillNanosPerToken * Int64(longest) }

    /// `trials` trials at `length`.
    public func trials(_ trials: Int, length: Int) -> Int64 {
        Int64(trials) * (trialNanos + trialNanosPerToken * Int64(length))
    }

    /// `cells` trials decoded together, the longest `longest` tokens.
    public func batch(_ cells: Int, longest: Int) -> Int64 {
        Int64(cells) * batchCellNanos + batchNanosPerLongestToken * Int64(longest)
    }

    /// One process running `cells`: its prefill plus every trial.
    public func cost(of cells: [TrialKey]) -> Int64 {
        guard let longest = cells.map(\.length).max() else { return 0 }
        return prefill(longest: longest) + cells.reduce(0) { $0 + trials(1, length: $1.length) }
    }
}
