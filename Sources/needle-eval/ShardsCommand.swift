import ArgumentParser
import Foundation
import NeedleEval
import NeedleSupport

/// `needle-eval shards`: how `run --shard I/N` splits a grid, with each shard's predicted cost,
/// so a user can pick N before submitting an array job (docs/SHARDING.md).
struct ShardsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shards",
        abstract: "Show how run --shard I/N splits a grid into N shards and each shard's predicted cost.",
        discussion: "Example: needle-eval shards --length 1M --count 4   (see docs/SHARDING.md)")

    @OptionGroup var grid: GridOptions

    @Option(help: "Number of shards.")
    var count: Int

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1 (got \(count))") }
    }

    func run() throws {
        let plan = try grid.loadTask().plan
        let partition = ShardPartition(plan: plan, count: count)
        let seconds = partition.predictedSeconds
        let rows = seconds.enumerated().map { i, cost -> [String] in
            let cells = partition.cells(of: Shard(index: i + 1, count: count)!)
            return ["\(i + 1)/\(count)", String(cells.count), String(format: "%.1f", cost), CellSummary.describe(cells, grid: plan)]
        }
        print(TextTable.render(header: ["shard", "trials", "predicted_s", "cells"], rows: rows), terminator: "")
        let mean = seconds.reduce(0, +) / Double(count)
        let single = Double(GridCostModel.reference.cost(of: plan.cells)) / 1e9
        print(String(format: "max %.1f s, mean %.1f s, max/mean %.2f; one process: %.1f s (predicted on the 2-core reference machine)",
                     seconds.max() ?? 0, mean, (seconds.max() ?? 0) / max(mean, 1e-9), single))
    }
}
