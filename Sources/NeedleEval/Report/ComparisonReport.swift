/// `needle-eval report`: the selected runs of a results database compared on one page (docs/REPORT.md).
public enum ComparisonReport {
    public enum Format: String, CaseIterable, Sendable {
        /// One self-contained HTML page with figures and tables.
        case html
        /// The same tables as Markdown.
        case md
    }

    /// The report's text. Unknown run ids and a task without runs are `ReportError`s; an empty
    /// file is `StoreError.noRuns`.
    public static func render(store: ResultsStore, selection: ReportSelection, format: Format) throws -> String {
        let runs = try selection.runIDs(in: store).map { try ReportRun(store: store, id: $0) }
        let document = ReportBuilder(runs: runs, source: store.path).document()
        switch format {
        case .html: return ReportHTML.render(document)
        case .md: return ReportMarkdown.render(document)
        }
    }
}
