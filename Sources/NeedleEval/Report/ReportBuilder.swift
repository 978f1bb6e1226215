import NeedleSupport

/// Turns the selected runs into the report's content (`ReportDocument`); each section is built in
/// an extension of its own (ReportBuilder+*.swift).
struct ReportBuilder {
    var runs: [ReportRun]
    var comparisons: [RunComparison]
    /// The database as given with --db, named on the page.
    var source: String
    /// The axes every heatmap shares: all lengths and depths any selected run planned or ran, so
    /// that cells line up from one run's figure to the next.
    var lengths: [Int]
    var depths: [Int]

    init(runs: [ReportRun], source: String) {
        self.runs = runs
        self.source = source
        comparisons = RunComparison.againstBaselines(runs)
        var lengths = Set<Int>(), depths = Set<Int>()
        for run in runs {
            lengths.formUnion(run.cells.map(\.length) + (run.record.grid?.lengths ?? []))
            depths.formUnion(run.cells.map(\.depth) + (run.record.grid?.depths ?? []))
        }
        self.lengths = lengths.sorted()
        self.depths = depths.sorted()
    }

    func document() -> ReportDocument {
        var sections = [runsSection(), lengthSection()]
        sections += needleSections()
        if runs.count > 1 { sections.append(differenceSection()) }
        sections.append(heatmapSection())
        sections.append(methodSection())
        let ids = runs.map { String($0.id) }.joined(separator: ", ")
        return ReportDocument(
            title: "needle-eval report: \(runs.count) run\(runs.count == 1 ? "" : "s")",
            paragraphs: ["Runs \(ids) of \(source), written by \(NeedleEvalVersion.current). Accuracy counts answered"
                + " trials only; trials whose answer never came (status error) are counted apart."],
            sections: sections)
    }

    /// The heatmap grid of a run on the shared axes.
    func grid(_ run: ReportRun) -> HeatmapGrid {
        HeatmapGrid(cells: run.cells, plannedLengths: lengths, plannedDepths: depths)
    }

    /// Figures embedded in the page: no XML declaration, ids unique per figure.
    static func embedded(_ idPrefix: String) -> HeatmapSVG.Style {
        HeatmapSVG.Style(standalone: false, idPrefix: idPrefix)
    }
}
