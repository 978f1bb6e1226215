/// The cells of a grid split into `count` shards, deterministically: a function of the grid
/// (`TrialPlan`, already sorted and de-duplicated, so the order of flags and lengths does not
/// matter) and the count alone. Every cell is in exactly one shard.
///
/// Balanced by `GridCostModel`: a shard costs its haystack prefill (its longest length) plus its
/// trials. A length's cells stay together in one shard, so the shard prefills that haystack once
/// and splices every depth into it; a length that cannot fit the target whole (1M in 4 shards: its
/// prefill and 11 trials are more than a quarter of the grid) is split by depth into contiguous
/// blocks, one per shard, each block paying the prefill again. The target is the smallest
/// makespan (costliest shard) the packing reaches, found by bisection, plus 5% so that short
/// lengths are not split for nothing: lengths are taken longest first, each into the first shard
/// it fits whole, else poured in depth order over the shards with room.
public struct ShardPartition: Sendable {
    public let plan: TrialPlan
    public let count: Int
    public let model: GridCostModel
    /// The shard (0-based) of each (length, depth); the trials of a depth stay together.
    private let owner: [Block: Int]

    private struct Block: Hashable { var length: Int; var depth: Int }

    public init(plan: TrialPlan, count: Int, model: GridCostModel = .reference) {
        precondition(count >= 1, "a partition needs at least one shard")
        (self.plan, self.count, self.model) = (plan, count, model)
        owner = Self.assign(plan: plan, count: count, model: model)
    }

    /// The cells of `shard`, in the order the grid runs them (`TrialPlan.cells`).
    public func cells(of shard: Shard) -> [TrialKey] {
        precondition(shard.count == count, "shard \(shard) is not of a partition into \(count)")
        return plan.cells.filter { owner[Block(length: $0.length, depth: $0.depth)] == shard.index - 1 }
    }

    /// Predicted cost of each shard (index 0 = shard 1), in seconds on the reference machine.
    public var predictedSeconds: [Double] {
        (1...count).map { Double(model.cost(of: cells(of: Shard(index: $0, count: count)!))) / 1e9 }
    }

    // MARK: Packing

    private static func assign(plan: TrialPlan, count: Int, model: GridCostModel) -> [Block: Int] {
        let lengths = plan.lengths.sorted(by: >)
        let blockCost = { (length: Int) in model.trials(plan.trials, length: length) }
        let all = model.cost(of: plan.cells)
        if count == 1 { return pack(lengths, plan.depths, blockCost, model, count: 1, target: .max)! }
        // The costliest shard can be no cheaper than an even share, nor than one block with its prefill.
        var low = max((all + Int64(count) - 1) / Int64(count),
                      lengths.map { model.prefill(longest: $0) + blockCost($0) }.max() ?? 0)
        var high = all
        var best = pack(lengths, plan.depths, blockCost, model, count: count, target: high)!
        while low < high {
            let middle = low + (high - low) / 2
            if let packed = pack(lengths, plan.depths, blockCost, model, count: count, target: middle) {
                (best, high) = (packed, middle)
            } else {
                low = middle + 1
            }
        }
        // The tightest packing splits short lengths for a fraction of a percent; a little slack
        // keeps them whole (and with it their KV reuse) at a cost the balance barely shows.
        return pack(lengths, plan.depths, blockCost, model, count: count, target: high + high / slackDivisor) ?? best
    }

    /// The slack over the tightest target: 1/20 = 5%.
    private static let slackDivisor: Int64 = 20

    /// Packs the blocks into `count` shards none of which costs more than `target`, or nil.
    private static func pack(_ lengths: [Int], _ depths: [Int], _ blockCost: (Int) -> Int64, _ model: GridCostModel,
                             count: Int, target: Int64) -> [Block: Int]? {
        var load = [Int64](repeating: 0, count: count)
        var owner: [Block: Int] = [:]
        // Lengths come longest first, so a shard's first length is its longest: only an empty
        // shard pays a prefill when a length moves in.
        func adding(_ shard: Int, length: Int, blocks: Int) -> Int64 {
            load[shard] + (load[shard] == 0 ? model.prefill(longest: length) : 0) + Int64(blocks) * blockCost(length)
        }
        for length in lengths {
            if let shard = (0..<count).first(where: { adding($0, length: length, blocks: depths.count) <= target }) {
                load[shard] = adding(shard, length: length, blocks: depths.count)
                for depth in depths { owner[Block(length: length, depth: depth)] = shard }
                continue
            }
            // Split by depth: contiguous blocks, each shard taking as many as fit, moving forward.
            var shard = 0
            for depth in depths {
                while shard < count && adding(shard, length: length, blocks: 1) > target { shard += 1 }
                guard shard < count else { return nil }
                load[shard] = adding(shard, length: length, blocks: 1)
                owner[Block(length: length, depth: depth)] = shard
            }
        }
        return owner
    }
}
