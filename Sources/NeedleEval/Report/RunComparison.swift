/// One run against its baseline, cell by cell: the difference in accuracy and whether it is more
/// than chance (Fisher's exact test per cell, Holm-adjusted over the cells of the comparison).
struct RunComparison {
    /// Significance level of the adjusted p-values.
    static let alpha = 0.05

    struct Cell {
        var length: Int
        var depth: Int
        var baseline: HeatmapCell
        var run: HeatmapCell
        var p: Double
        var adjustedP: Double
        /// Run minus baseline accuracy.
        var difference: Double { run.accuracy - baseline.accuracy }
        var isSignificant: Bool { adjustedP <= RunComparison.alpha }
    }

    var baseline: ReportRun
    var run: ReportRun
    /// The cells both runs answered, by length then depth.
    var cells: [Cell]

    init(baseline: ReportRun, run: ReportRun) {
        self.baseline = baseline
        self.run = run
        var byPoint: [[Int]: HeatmapCell] = [:]
        for cell in baseline.cells { byPoint[[cell.length, cell.depth]] = cell }
        var paired: [(HeatmapCell, HeatmapCell, Double)] = []
        for cell in run.cells {
            guard let base = byPoint[[cell.length, cell.depth]],
                  let p = FisherExactTest.twoSidedP(a: base.correct, b: base.trials - base.correct,
                                                    c: cell.correct, d: cell.trials - cell.correct) else { continue }
            paired.append((base, cell, p))
        }
        let adjusted = HolmAdjustment.adjust(paired.map(\.2))
        cells = zip(paired, adjusted).map { pair, adjustedP in
            Cell(length: pair.1.length, depth: pair.1.depth, baseline: pair.0, run: pair.1, p: pair.2, adjustedP: adjustedP)
        }
    }

    var significantCells: Int { cells.filter(\.isSignificant).count }

    /// The smallest Holm-adjusted p-value any cell could have reached with its trial counts (all of
    /// one run right, all of the other wrong, times the number of cells). Above `alpha`, no cell
    /// could have been marked whatever the answers: the runs need more trials per cell.
    var smallestAttainableAdjustedP: Double? {
        let smallest = cells.compactMap { FisherExactTest.smallestP(n1: $0.baseline.trials, n2: $0.run.trials) }.min()
        return smallest.map { min(1, $0 * Double(cells.count)) }
    }

    /// The fewest trials per cell (the same in both runs) with which a cell of this many could be
    /// marked significant; nil without cells.
    var trialsPerCellNeeded: Int? {
        guard !cells.isEmpty else { return nil }
        var n = 1
        while let p = FisherExactTest.smallestP(n1: n, n2: n), p * Double(cells.count) > Self.alpha { n += 1 }
        return n
    }

    /// Each run against the first run of its task (same spec, needle count included) in `runs`'
    /// order; runs alone in their task are compared with nothing.
    static func againstBaselines(_ runs: [ReportRun]) -> [RunComparison] {
        var baselines: [String: ReportRun] = [:]
        var comparisons: [RunComparison] = []
        for run in runs {
            if let baseline = baselines[run.record.taskHash] {
                comparisons.append(RunComparison(baseline: baseline, run: run))
            } else {
                baselines[run.record.taskHash] = run
            }
        }
        return comparisons
    }
}
