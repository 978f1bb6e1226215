import ArgumentParser
import NeedleEval

/// `needle-eval export`: results out of the database, into files other tools read.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export results from the database.",
        subcommands: [ExportHeatmapCommand.self])
}

extension HeatmapExport.Format: ExpressibleByArgument {}

/// `needle-eval export heatmap`: one run's accuracy by length and depth, as CSV or SVG.
struct ExportHeatmapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heatmap",
        abstract: "Write a run's accuracy heatmap (length × depth) as CSV or SVG.",
        discussion: """
            Wide CSV: depth_percent,<lengths...>, one row per depth, accuracy per cell. \
            Long CSV (--long): length,depth_percent,trials,correct,accuracy,ci_low,ci_high \
            (Wilson 95%). The file is written whole or not at all.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("run"), help: ArgumentHelp("The run to export (default: the latest).", valueName: "id"))
    var runID: Int64?

    @Option(help: ArgumentHelp("csv or svg.", valueName: "format"))
    var format: HeatmapExport.Format

    @Flag(help: "Long CSV: one row per cell with counts and a 95% interval.")
    var long = false

    @Option(help: ArgumentHelp("The file to write.", valueName: "file"))
    var out: String

    func validate() throws {
        if long && format != .csv { throw ValidationError("--long applies to --format csv only; drop --long for svg") }
        if out.isEmpty { throw ValidationError("--out needs a file name, e.g. --out heatmap.\(format.rawValue)") }
    }

    func run() throws {
        // Read-write without create: a missing file is an error, an older schema is upgraded.
        let store = try ResultsStore(path: database.db, create: false, busyTimeoutMs: database.busyTimeoutMs)
        let text = try HeatmapExport.render(store: store, runID: runID, format: format, long: long)
        try AtomicFileWriter.write(text, to: out)
        print("wrote \(out)")
    }
}
