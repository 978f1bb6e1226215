/// `needle-eval export heatmap`: one run's heatmap from the results store to a file.
public enum HeatmapExport {
    public enum Format: String, CaseIterable, Sendable { case csv, svg }

    /// The file's text for `runID` (the latest run when nil). Axes include the run's planned grid,
    /// so cells not yet run show as empty.
    public static func render(store: ResultsStore, runID: Int64?, format: Format, long: Bool) throws -> String {
        guard let id = try runID ?? store.latestRunID() else { throw StoreError.noRuns(path: store.path) }
        guard let run = try store.run(id: id) else { throw StoreError.runNotFound(id: id, path: store.path) }
        let grid = HeatmapGrid(cells: try store.heatmapCells(runID: id),
                               plannedLengths: run.grid?.lengths ?? [], plannedDepths: run.grid?.depths ?? [])
        switch format {
        case .csv:
            return long ? HeatmapCSV.long(grid) : HeatmapCSV.wide(grid)
        case .svg:
            let title = HeatmapSVG.Title(model: run.modelPath, task: run.taskName, runID: id,
                                         trialsPerCell: run.grid?.trials)
            return HeatmapSVG.render(grid, title: title)
        }
    }
}
