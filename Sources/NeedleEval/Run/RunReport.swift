import Foundation

/// What a finished (or stopped) run shows at the end: its cells, accuracy overall and by length,
/// and the heatmap files written next to the database.
public struct RunReport: Sendable {
    public var runID: Int64
    public var cells: [HeatmapCell]
    /// Trials that could not be answered (status `error`), left out of everything above.
    public var errors: Int
    /// Answered trials whose prompt the model's server counted differently from the intended
    /// length (a chat template's tokens, a tokenizer that is not the server's), and the range of
    /// the differences.
    public var promptLengthMismatches: (trials: Int, smallest: Int, largest: Int)
    public var trials: Int { cells.reduce(0) { $0 + $1.trials } }
    public var correct: Int { cells.reduce(0) { $0 + $1.correct } }
    public var accuracy: Double { Double(correct) / Double(max(trials, 1)) }

    /// Accuracy per length, shortest first.
    public var accuracyByLength: [(length: Int, accuracy: Double)] {
        Set(cells.map(\.length)).sorted().map { l in
            let c = cells.filter { $0.length == l }
            let t = c.reduce(0) { $0 + $1.trials }, k = c.reduce(0) { $0 + $1.correct }
            return (l, Double(k) / Double(max(t, 1)))
        }
    }

    public init(store: ResultsStore, runID: Int64) throws {
        self.runID = runID
        cells = try store.heatmapCells(runID: runID)
        errors = try store.errorTrials(runID: runID)
        promptLengthMismatches = try store.promptLengthMismatches(runID: runID)
    }

    /// Writes `<database name>-run<ID>-heatmap.csv` (wide) and `.svg` next to the database, each
    /// whole or not at all; returns their paths.
    public func writeHeatmapFiles(store: ResultsStore) throws -> (csv: String, svg: String) {
        let base = URL(fileURLWithPath: store.path).deletingPathExtension().path + "-run\(runID)-heatmap"
        let csv = base + ".csv", svg = base + ".svg"
        try AtomicFileWriter.write(try HeatmapExport.render(store: store, runID: runID, format: .csv, long: false), to: csv)
        try AtomicFileWriter.write(try HeatmapExport.render(store: store, runID: runID, format: .svg, long: false), to: svg)
        return (csv, svg)
    }
}
