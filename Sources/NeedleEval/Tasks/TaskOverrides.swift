import Foundation

/// Command-line changes to a task spec (`--needles`, `--trials`, `--seed`, `--lengths`, ...),
/// already parsed. Applying them gives the spec as run, which is what the database records.
public struct TaskOverrides: Sendable, Equatable {
    public var needles: Int?
    public var trials: Int?
    public var seed: UInt64?
    public var lengths: [Int]?
    public var depths: [Int]?

    public init(needles: Int? = nil, trials: Int? = nil, seed: UInt64? = nil, lengths: [Int]? = nil, depths: [Int]? = nil) {
        self.needles = needles; self.trials = trials; self.seed = seed
        self.lengths = lengths; self.depths = depths
    }

    /// The default grid of `--length L`: lengths 1K, 2K, 4K, … up to L and depths 0, 10, …, 100.
    public static func defaultGrid(upTo length: Int) -> (lengths: [Int], depths: [Int]) {
        (Lengths.doublingGrid(upTo: length), Array(stride(from: 0, through: 100, by: 10)))
    }
}

import NeedleSupport

extension TaskSpec {
    /// This spec with `overrides` applied and validated again. A changed needle count also goes
    /// into `json` (and so the task hash): it changes the prompts. Grid and seed are stored in
    /// columns of their own.
    public func applying(_ overrides: TaskOverrides) throws -> TaskSpec {
        var spec = self
        if let needles = overrides.needles {
            spec.needles = needles
            if var dict = try JSONSerialization.jsonObject(with: Data(spec.json.utf8)) as? [String: Any] {
                dict["needles"] = needles
                let data = try JSONSerialization.data(withJSONObject: dict, options: [.sortedKeys, .prettyPrinted])
                spec.json = String(decoding: data, as: UTF8.self)
            }
        }
        if let trials = overrides.trials { spec.trials = trials }
        if let seed = overrides.seed { spec.seed = seed }
        if let lengths = overrides.lengths { spec.lengths = lengths }
        if let depths = overrides.depths { spec.depths = depths }
        try spec.validate()
        return spec
    }

    /// The grid this spec runs.
    public var plan: TrialPlan { TrialPlan(lengths: lengths, depths: depths, trials: trials) }

    /// Context tokens the longest conversation of `plan` can reach: the longest prompt plus, per
    /// question, room for a follow-up question (counted generously, in bytes twice over) and the
    /// answer. A runtime reserves its KV cache for this many tokens up front.
    public func contextCapacity(for plan: TrialPlan) -> Int {
        (plan.lengths.max() ?? 0) + queries * (question.utf8.count * 2 + 128 + maxNewTokens)
    }
}
