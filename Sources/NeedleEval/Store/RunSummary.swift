/// A run with its progress, as `needle-eval runs` lists it. A "cell" here is one trial: one
/// (length, depth, trial) of the grid.
public struct RunSummary: Sendable, Equatable {
    public var run: RunRecord
    /// Trials answered so far (`error` trials not counted).
    public var cellsDone: Int
    /// Trials the grid plans; nil when the grid JSON is not in `TrialPlan`'s form.
    public var cellsTotal: Int?
    /// Trials answered correctly.
    public var correct: Int
    /// Trials that could not be answered (status `error`), left out of `accuracy`.
    public var errors: Int

    public init(run: RunRecord, cellsDone: Int, cellsTotal: Int?, correct: Int, errors: Int = 0) {
        self.run = run
        self.cellsDone = cellsDone
        self.cellsTotal = cellsTotal
        self.correct = correct
        self.errors = errors
    }

    /// Fraction correct of the trials done; nil before the first.
    public var accuracy: Double? { cellsDone == 0 ? nil : Double(correct) / Double(cellsDone) }
}

/// One (length, depth) cell of a heatmap: how many trials ran there and how many were correct.
public struct HeatmapCell: Sendable, Equatable {
    public var length: Int
    public var depth: Int
    public var trials: Int
    public var correct: Int

    public init(length: Int, depth: Int, trials: Int, correct: Int) {
        self.length = length
        self.depth = depth
        self.trials = trials
        self.correct = correct
    }

    public var accuracy: Double { trials == 0 ? 0 : Double(correct) / Double(trials) }
}
