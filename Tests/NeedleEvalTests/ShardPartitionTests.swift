import Foundation
import XCTest
import NeedleEval

/// `run --shard I/N`: which cells each shard evaluates (every cell exactly once, balanced, the same
/// whatever the order of flags) and how `--shard` is read.
final class ShardPartitionTests: XCTestCase {
    /// The grid of `run --length 1M`: 1K … 1M × depths 0, 10, …, 100, one trial (121 cells).
    private let defaultGrid: TrialPlan = {
        let (lengths, depths) = TaskOverrides.defaultGrid(upTo: 1 << 20)
        return TrialPlan(lengths: lengths, depths: depths, trials: 1)
    }()

    private func shards(_ partition: ShardPartition) -> [[TrialKey]] {
        (1...partition.count).map { partition.cells(of: Shard(index: $0, count: partition.count)!) }
    }

    func testEveryCellIsInExactlyOneShard() {
        let grids = [defaultGrid, TrialPlan(lengths: [1024, 2048], depths: [0, 50, 100], trials: 3),
                     TrialPlan(lengths: [4096], depths: [25], trials: 2)]
        for grid in grids {
            for count in 1...12 {
                let all = shards(ShardPartition(plan: grid, count: count)).flatMap { $0 }
                XCTAssertEqual(all.count, grid.count, "\(count) shards of \(grid.json)")
                XCTAssertEqual(Set(all), Set(grid.cells), "\(count) shards of \(grid.json)")
            }
        }
    }

    /// The costliest shard of the default 1M grid is within 1.3× the mean in 2, 4 and 8 shards.
    func testTheDefault1MGridIsBalanced() {
        for count in [2, 4, 8] {
            let seconds = ShardPartition(plan: defaultGrid, count: count).predictedSeconds
            let mean = seconds.reduce(0, +) / Double(count)
            XCTAssertLessThanOrEqual(seconds.max()!, 1.3 * mean, "\(count) shards: \(seconds)")
        }
    }

    /// Only a length too costly for one shard is split, into contiguous depth blocks; the trials of
    /// a (length, depth) always stay together.
    func testLengthsStayWholeUnlessTooCostly() {
        for grid in [defaultGrid, TrialPlan(lengths: defaultGrid.lengths, depths: defaultGrid.depths, trials: 3)] {
            let parts = shards(ShardPartition(plan: grid, count: 4))
            for length in grid.lengths {
                let holders = parts.indices.filter { parts[$0].contains { $0.length == length } }
                if length < 1 << 20 { XCTAssertEqual(holders.count, 1, "length \(length) split over \(holders)") }
                for shard in holders {
                    let depths = Set(parts[shard].filter { $0.length == length }.map(\.depth)).sorted()
                    let positions = depths.map { grid.depths.firstIndex(of: $0)! }
                    XCTAssertEqual(positions, Array(positions.first!...positions.last!), "contiguous depths of \(length)")
                    for depth in depths {
                        XCTAssertEqual(parts[shard].filter { $0.length == length && $0.depth == depth }.count, grid.trials)
                    }
                }
            }
        }
    }

    /// The split depends on the grid alone: lengths and depths in another order, or repeated, give
    /// the same shards (TrialPlan sorts them), and a shard keeps the grid's run order.
    func testTheSplitIsStableUnderReordering() {
        let shuffled = TrialPlan(lengths: defaultGrid.lengths.reversed() + [4096], depths: [100, 0, 50] + defaultGrid.depths.shuffled(),
                                 trials: 1)
        XCTAssertEqual(shuffled, defaultGrid)
        for count in [2, 3, 4, 8] {
            XCTAssertEqual(shards(ShardPartition(plan: shuffled, count: count)), shards(ShardPartition(plan: defaultGrid, count: count)))
            for shard in shards(ShardPartition(plan: defaultGrid, count: count)) {
                XCTAssertEqual(shard, defaultGrid.cells.filter(shard.contains), "run order kept")
            }
        }
    }

    func testShardFlagValues() throws {
        XCTAssertEqual(try Shard.parse("2/4", environment: [:]), Shard(index: 2, count: 4))
        XCTAssertEqual(try Shard.parse("1/1", environment: [:]), .whole)
        for (text, fragment) in [("0/4", "numbered from 1"), ("5/4", "numbered from 1"), ("2", "is not I/N"),
                                 ("a/b", "is not I/N"), ("1/0", "at least 1"), ("auto", "neither SLURM_ARRAY_TASK_ID")] {
            XCTAssertThrowsError(try Shard.parse(text, environment: [:]), text) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(text): \(error)")
                XCTAssertTrue("\(error)".contains("--shard"), "\(text): \(error)")
            }
        }
    }

    /// `--shard auto`: Slurm's array variables (an array from 5, or in steps) and Kubernetes' index
    /// with the count the Job sets.
    func testShardAutoReadsTheSchedulersVariables() throws {
        let slurm = ["SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_COUNT": "3"]
        XCTAssertEqual(try Shard.parse("auto", environment: slurm), Shard(index: 3, count: 3))
        XCTAssertEqual(try Shard.parse("auto", environment: ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "3"]),
                       Shard(index: 1, count: 3))
        XCTAssertEqual(try Shard.parse("auto", environment: ["SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_MIN": "0",
                                                             "SLURM_ARRAY_TASK_STEP": "3", "SLURM_ARRAY_TASK_COUNT": "4"]),
                       Shard(index: 3, count: 4))
        XCTAssertEqual(try Shard.parse("auto", environment: ["JOB_COMPLETION_INDEX": "0", "NEEDLE_EVAL_SHARD_COUNT": "3"]),
                       Shard(index: 1, count: 3))
        for env in [["SLURM_ARRAY_TASK_ID": "3"], ["JOB_COMPLETION_INDEX": "2"],
                    ["JOB_COMPLETION_INDEX": "3", "NEEDLE_EVAL_SHARD_COUNT": "3"],
                    ["SLURM_ARRAY_TASK_ID": "9", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "3"]] {
            XCTAssertThrowsError(try Shard.parse("auto", environment: env), "\(env)")
        }
    }
}
