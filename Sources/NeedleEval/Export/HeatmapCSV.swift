import Foundation

/// The heatmap CSV layouts (docs/HEATMAP_FORMATS.md).
public enum HeatmapCSV {
    /// Wide: `depth_percent,<L1>,<L2>,...` (lengths in tokens, ascending), one row per depth
    /// ascending, accuracy with 3 decimals, empty where no trial ran.
    public static func wide(_ grid: HeatmapGrid) -> String {
        var text = CSV.row(["depth_percent"] + grid.lengths.map(String.init))
        for depth in grid.depths {
            let values = grid.lengths.map { length in
                grid.cell(length: length, depth: depth).map { decimal3($0.accuracy) } ?? ""
            }
            text += CSV.row([String(depth)] + values)
        }
        return text
    }

    /// Long: `length,depth_percent,trials,correct,accuracy,ci_low,ci_high`, one row per cell that
    /// ran (length, then depth, ascending), with the Wilson 95% interval.
    public static func long(_ grid: HeatmapGrid) -> String {
        var text = CSV.row(["length", "depth_percent", "trials", "correct", "accuracy", "ci_low", "ci_high"])
        for length in grid.lengths {
            for depth in grid.depths {
                guard let cell = grid.cell(length: length, depth: depth),
                      let interval = WilsonInterval(successes: cell.correct, trials: cell.trials) else { continue }
                text += CSV.row([String(length), String(depth), String(cell.trials), String(cell.correct),
                                 decimal3(cell.accuracy), decimal3(interval.low), decimal3(interval.high)])
            }
        }
        return text
    }

    static func decimal3(_ value: Double) -> String { String(format: "%.3f", value) }
}
