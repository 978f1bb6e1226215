import ArgumentParser
import Foundation
import NeedleEval

/// `needle-eval merge OUT SHARD...`: shard databases into one run of the whole grid
/// (docs/SHARDING.md).
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the databases of run --shard I/N into one run of the whole grid, in one transaction.",
        discussion: """
            Refuses shards of another run definition (model, task, grid, seed, backend, tokenizer) and leaves OUT \
            untouched; reports cells missing or found twice; merging a shard again changes nothing. \
            Example: needle-eval merge all.sqlite shard-1.sqlite shard-2.sqlite shard-3.sqlite   (docs/SHARDING.md)
            """)

    @Argument(help: ArgumentHelp("The merged database (created if missing).", valueName: "out.sqlite"))
    var out: String

    @Argument(help: ArgumentHelp("The shard databases, in order of preference for a cell found twice.", valueName: "shard.sqlite"))
    var shards: [String] = []

    @Option(name: .customLong("lock-timeout"),
            help: ArgumentHelp("Seconds to wait for another process's lock on OUT.", valueName: "seconds"))
    var lockTimeout: Double = 10

    func validate() throws {
        guard !shards.isEmpty else { throw ValidationError("give OUT and at least one shard database, e.g. needle-eval merge all.sqlite shard-1.sqlite shard-2.sqlite") }
        guard lockTimeout >= 0 else { throw ValidationError("--lock-timeout must be 0 or more seconds") }
    }

    func run() throws {
        let report = try ShardMerge.merge(into: out, shards: shards, busyTimeoutMs: Int32(min(lockTimeout, 86_400) * 1000))
        let grid = report.grid
        print("run \(report.runID) in \(out) (\(report.createdRun ? "new" : "existing")): added \(report.added) trials, "
              + "\(report.alreadyMerged) already there; \(grid.count - report.missing.count)/\(grid.count) cells answered; status \(report.status.rawValue)")
        if !report.duplicated.isEmpty {
            print("duplicated: \(report.duplicated.count) cells in more than one shard (kept the first file's): "
                  + CellSummary.describe(report.duplicated, grid: grid))
        }
        if !report.conflicting.isEmpty {
            print("warning: \(report.conflicting.count) of those cells have different answers in different shards: "
                  + CellSummary.describe(report.conflicting, grid: grid))
        }
        if !report.missing.isEmpty {
            print("missing: \(report.missing.count) cells (\(CellSummary.describe(report.missing, grid: grid))); "
                  + "fill them with needle-eval run --db \(out) --resume and the same grid flags")
        }
    }
}
