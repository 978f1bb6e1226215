/// The cells of a run: lengths × depths × trials, in the order they are run: shortest length
/// first, so a user sees results early; within a length, deepest needle first, so consecutive
/// prompts share the longest prefix (everything before the needle) and the runtime can reuse it.
/// Each cell's prompt depends on its key and the seed alone.
public struct TrialPlan: Sendable, Equatable {
    public var lengths: [Int]
    public var depths: [Int]
    public var trials: Int

    public init(lengths: [Int], depths: [Int], trials: Int) {
        self.lengths = Array(Set(lengths)).sorted()
        self.depths = Array(Set(depths)).sorted()
        self.trials = trials
    }

    public var cells: [TrialKey] {
        lengths.flatMap { l in depths.reversed().flatMap { d in (0..<trials).map { TrialKey(length: l, depth: d, trial: $0) } } }
    }

    public var count: Int { lengths.count * depths.count * trials }

    /// Canonical JSON of the grid, recorded with a run and used to match `--resume`.
    public var json: String { RunGrid(lengths: lengths, depths: depths, trials: trials).json }
}
