import NeedleSupport

/// Which runs a report compares, in the order it shows them (the first run of each task is the
/// baseline of its difference heatmaps).
public enum ReportSelection: Sendable, Equatable {
    /// Every run in the file, oldest first.
    case all
    /// `--runs 8,3,5`: these runs in this order (an id given twice counts once).
    case runs([Int64])
    /// `--task NAME`: every run of the task, oldest first.
    case task(String)

    /// The selected ids; a selection that finds nothing is an error naming the flag and the fix.
    func runIDs(in store: ResultsStore) throws -> [Int64] {
        switch self {
        case .all:
            let ids = try store.runs().compactMap(\.run.id)
            guard !ids.isEmpty else { throw StoreError.noRuns(path: store.path) }
            return ids
        case .runs(let wanted):
            var seen = Set<Int64>(), ids: [Int64] = []
            for id in wanted where seen.insert(id).inserted { ids.append(id) }
            let missing = try ids.filter { try store.run(id: $0) == nil }
            guard missing.isEmpty else { throw ReportError.unknownRuns(missing, path: store.path) }
            return ids
        case .task(let name):
            let runs = try store.runs().map(\.run)
            let ids = runs.filter { $0.taskName == name }.compactMap(\.id)
            guard !ids.isEmpty else {
                let known = Set(runs.map(\.taskName)).sorted()
                throw ReportError.noRunsOfTask(name, known: known, path: store.path)
            }
            return ids
        }
    }
}

/// A report asked for runs the file does not hold: exits 2, naming the flag, the file and the fix.
public enum ReportError: UsageProblem, Equatable, Sendable {
    case unknownRuns([Int64], path: String)
    case noRunsOfTask(String, known: [String], path: String)

    public var description: String {
        switch self {
        case .unknownRuns(let ids, let path):
            let list = ids.map(String.init).joined(separator: ", ")
            return "\(path): no run with id \(list) (--runs)\n"
                + "  fix: pass ids that `needle-eval runs --db \(path)` lists, e.g. --runs 1,2"
        case .noRunsOfTask(let name, let known, let path):
            let choices = known.isEmpty ? "the file holds no runs; record one with `needle-eval run --db \(path)`"
                : "pass one of: \(known.joined(separator: ", "))"
            return "\(path): no runs of task '\(name)' (--task)\n  fix: \(choices)"
        }
    }
}
