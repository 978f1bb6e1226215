import ArgumentParser
import NeedleEval

/// `needle-eval query`: read-only SQL on the results database, as an aligned table or CSV.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run read-only SQL on the results database.",
        discussion: """
            The file is opened read-only; statements that would change it are refused and nothing \
            runs. Tables: runs, trials (docs/DATABASE.md lists their columns). Example:
              needle-eval query "SELECT length, depth, avg(correct) FROM trials GROUP BY 1, 2"
            """)

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Print CSV (RFC 4180 quoting) instead of an aligned table.")
    var csv = false

    @Argument(help: ArgumentHelp("The SQL to run (one or more read-only statements).", valueName: "sql"))
    var sql: String

    func run() throws {
        let results = try ReadOnlyQuery.run(sql, path: database.db, busyTimeoutMs: database.busyTimeoutMs)
        var output = ""
        for (index, result) in results.enumerated() {
            if index > 0 { output += "\n" }
            let rows = result.rows.map { $0.map(\.displayText) }
            if csv {
                output += CSV.row(result.columns) + rows.map(CSV.row).joined()
            } else {
                output += TextTable.render(header: result.columns, rows: rows)
            }
        }
        print(output, terminator: "")
    }
}
