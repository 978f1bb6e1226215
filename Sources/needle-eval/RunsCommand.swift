import ArgumentParser
import Foundation
import NeedleEval

/// `needle-eval runs`: the runs in the results database with their progress.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the runs in the results database.")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        // Read-write without create: a missing file is an error, an older schema is upgraded.
        let store = try ResultsStore(path: database.db, create: false, busyTimeoutMs: database.busyTimeoutMs)
        let summaries = try store.runs()
        guard !summaries.isEmpty else {
            print("no runs in \(database.db)")
            return
        }
        let rows = summaries.map { s -> [String] in
            [String(s.run.id ?? 0), s.run.modelPath, s.run.taskName,
             "\(s.cellsDone)/\(s.cellsTotal.map(String.init) ?? "?")",
             s.accuracy.map { String(format: "%.3f", $0) } ?? "",
             s.run.status.rawValue, StoreTimestamp.format(s.run.startedAt)]
        }
        print(TextTable.render(header: ["id", "model", "task", "done", "accuracy", "status", "started"], rows: rows),
              terminator: "")
    }
}
