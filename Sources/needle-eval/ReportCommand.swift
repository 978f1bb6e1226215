import ArgumentParser
import NeedleEval

extension ComparisonReport.Format: ExpressibleByArgument {}

/// `needle-eval report`: runs of the results database compared on one HTML page (or Markdown).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Compare runs on one self-contained HTML page (or as Markdown tables).",
        discussion: """
            Heatmaps per run on shared axes, accuracy by length with Wilson 95% intervals, accuracy by \
            number of needles, difference heatmaps against the first run of each task (Fisher's exact \
            test per cell, Holm-adjusted), and each run's model, backend, grid, timings and memory. \
            Without --runs or --task every run in the file is shown. docs/REPORT.md describes the page. \
            The file is written whole or not at all.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Comma-separated run ids, in the order to show them; the first run of each task is the baseline of its differences (e.g. 3,5,8).", valueName: "ids"))
    var runs: String?

    @Option(help: ArgumentHelp("Every run of this task (its name, as `needle-eval runs` lists it).", valueName: "name"))
    var task: String?

    @Option(help: ArgumentHelp("html (default) or md.", valueName: "format"))
    var format: ComparisonReport.Format = .html

    @Option(help: ArgumentHelp("The file to write.", valueName: "file"))
    var out: String

    func validate() throws {
        if runs != nil && task != nil { throw ValidationError("--runs and --task cannot be used together; pick one") }
        _ = try selection()
        if out.isEmpty { throw ValidationError("--out needs a file name, e.g. --out report.\(format.rawValue)") }
    }

    /// The runs the flags ask for.
    func selection() throws -> ReportSelection {
        if let task {
            guard !task.isEmpty else { throw ValidationError("--task needs a task name, e.g. --task niah_single") }
            return .task(task)
        }
        guard let runs else { return .all }
        let ids = try runs.split(separator: ",", omittingEmptySubsequences: false).map { entry -> Int64 in
            guard let id = Int64(entry.trimmingCharacters(in: .whitespaces)), id > 0 else {
                throw ValidationError("--runs entry '\(entry)' is not a run id; pass ids such as --runs 3,5,8 (`needle-eval runs` lists them)")
            }
            return id
        }
        return .runs(ids)
    }

    func run() throws {
        // Read-write without create: a missing file is an error, an older schema is upgraded.
        let store = try ResultsStore(path: database.db, create: false, busyTimeoutMs: database.busyTimeoutMs)
        let text = try ComparisonReport.render(store: store, selection: try selection(), format: format)
        try AtomicFileWriter.write(text, to: out)
        print("wrote \(out)")
    }
}
