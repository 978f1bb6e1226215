import Foundation
import XCTest
import NeedleEval

/// `needle-eval merge`: shard databases into one run of the whole grid — the same heatmap as one
/// process, idempotent, refusals that write nothing, missing and duplicated cells reported.
final class ShardMergeTests: XCTestCase {
    private let grid = TrialPlan(lengths: [1024, 2048, 4096], depths: [0, 50, 100], trials: 2)
    private var folder: URL!

    override func setUpWithError() throws { folder = try makeTemporaryFolder(self) }

    private func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Cells answered wrongly in the sample data, so the heatmap is not all ones.
    private func correct(_ key: TrialKey) -> Bool { (key.length / 1024 + key.depth + key.trial) % 3 != 0 }

    /// A database holding shard `index` of `count` as `run --shard` records it.
    @discardableResult
    private func writeShard(_ index: Int, of count: Int, name: String? = nil, run: RunRecord? = nil,
                            cells: [TrialKey]? = nil) throws -> String {
        let file = path(name ?? "shard-\(index).sqlite")
        let store = try ResultsStore(path: file)
        var record = run ?? sampleRun(grid: grid)
        record.shard = Shard(index: index, count: count)!
        let id = try store.createRun(record)
        let mine = cells ?? ShardPartition(plan: grid, count: count).cells(of: record.shard)
        for key in mine { try store.record(sampleTrial(runID: id, key, correct: correct(key))) }
        try store.setStatus(runID: id, .finished)
        return file
    }

    private func heatmap(_ file: String) throws -> String {
        try HeatmapExport.render(store: ResultsStore(path: file, readOnly: true), runID: nil, format: .csv, long: false)
    }

    /// Every row of both tables, for "nothing changed".
    private func contents(_ file: String) throws -> String {
        let store = try ResultsStore(path: file, readOnly: true)
        return try "\(store.runs().map(\.run))\n\(store.runs().flatMap { try store.trials(runID: $0.run.id!) })"
    }

    func testMergedShardsGiveTheHeatmapOfOneProcess() throws {
        let single = path("single.sqlite")
        let store = try ResultsStore(path: single)
        let id = try store.createRun(sampleRun(grid: grid))
        for key in grid.cells { try store.record(sampleTrial(runID: id, key, correct: correct(key))) }
        let shards = try (1...3).map { try writeShard($0, of: 3) }

        let report = try ShardMerge.merge(into: path("merged.sqlite"), shards: shards)
        XCTAssertEqual(report.added, grid.count)
        XCTAssertEqual(report.status, .finished)
        XCTAssertEqual([report.missing, report.duplicated], [[], []])
        XCTAssertEqual(try heatmap(path("merged.sqlite")), try heatmap(single))
        let merged = try ResultsStore(path: path("merged.sqlite"), readOnly: true)
        XCTAssertEqual(try merged.runs().map(\.run.shard), [.whole])
        XCTAssertEqual(try merged.trials(runID: report.runID).map(\.key), grid.cells.sorted())
    }

    func testMergingAgainChangesNothing() throws {
        let shards = try (1...2).map { try writeShard($0, of: 2) }
        let out = path("merged.sqlite")
        _ = try ShardMerge.merge(into: out, shards: shards)
        let before = try contents(out)
        for again in [shards, [shards[1]], shards + shards] {
            let report = try ShardMerge.merge(into: out, shards: again)
            XCTAssertEqual(report.added, 0)
            XCTAssertFalse(report.createdRun)
            XCTAssertEqual(try contents(out), before)
        }
    }

    /// Shards of another run definition are refused by file, run and field; OUT is left as it was
    /// (here: not created, then unchanged).
    func testAnotherRunDefinitionIsRefusedAndNothingIsWritten() throws {
        let first = try writeShard(1, of: 2)
        let changes: [(String, (inout RunRecord) -> Void)] = [
            ("seed", { $0.seed = 43 }), ("model_sha256", { $0.modelSHA256 = "other" }),
            ("task_hash", { $0.taskHash = "other" }), ("backend", { $0.backend = RunRecord.http }),
            ("tokenizer_sha256", { $0.tokenizerSHA256 = "other" }),
            ("grid_json", { $0.gridJSON = TrialPlan(lengths: [1024], depths: [0], trials: 1).json }),
        ]
        for (field, change) in changes {
            var run = sampleRun(grid: grid)
            change(&run)
            let other = try writeShard(2, of: 2, name: "other-\(field).sqlite", run: run, cells: [])
            let out = path("out-\(field).sqlite")
            XCTAssertThrowsError(try ShardMerge.merge(into: out, shards: [first, other])) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains(other) && text.contains(field) && text.contains(first), text)
                XCTAssertTrue(error is MergeError)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "a refusal creates nothing")
        }
        // An existing OUT is left unchanged.
        let out = path("kept.sqlite")
        _ = try ShardMerge.merge(into: out, shards: [first])
        let before = try contents(out)
        var run = sampleRun(grid: grid)
        run.seed = 7
        let bad = try writeShard(2, of: 2, name: "bad.sqlite", run: run)
        XCTAssertThrowsError(try ShardMerge.merge(into: out, shards: [try writeShard(2, of: 2), bad]))
        XCTAssertEqual(try contents(out), before)
        XCTAssertThrowsError(try ShardMerge.merge(into: out, shards: [out])) { XCTAssertTrue("\($0)".contains("both OUT and a shard")) }
        XCTAssertThrowsError(try ShardMerge.merge(into: out, shards: [path("absent.sqlite")])) { XCTAssertTrue("\($0)".contains("no such file")) }
    }

    /// A missing shard leaves cells missing (the run `interrupted`, for --resume); a shard given
    /// twice, or overlapping another, is reported as duplicated, the first file's answer kept.
    func testMissingAndDuplicatedCellsAreReported() throws {
        let one = try writeShard(1, of: 2)
        let report = try ShardMerge.merge(into: path("partial.sqlite"), shards: [one, one])
        let secondHalf = ShardPartition(plan: grid, count: 2).cells(of: Shard(index: 2, count: 2)!)
        XCTAssertEqual(report.missing, grid.cells.filter(secondHalf.contains))
        XCTAssertEqual(report.status, .interrupted)
        XCTAssertEqual(report.duplicated, ShardPartition(plan: grid, count: 2).cells(of: Shard(index: 1, count: 2)!).sorted())
        XCTAssertEqual(report.conflicting, [])

        // The same cell answered differently in two shards: kept from the first, reported.
        let key = grid.cells[0]
        let a = try writeShard(1, of: 1, name: "a.sqlite", cells: [key])
        let store = try ResultsStore(path: path("b.sqlite"))
        var run = sampleRun(grid: grid)
        run.shard = Shard(index: 1, count: 2)!
        let id = try store.createRun(run)
        try store.record(sampleTrial(runID: id, key, correct: !correct(key)))
        let both = try ShardMerge.merge(into: path("both.sqlite"), shards: [a, path("b.sqlite")])
        XCTAssertEqual(both.conflicting, [key])
        XCTAssertEqual(try ResultsStore(path: path("both.sqlite")).trials(runID: both.runID).map(\.correct), [correct(key)])
    }

    /// A cell a shard could not answer (`error`) gives way to one another shard answered, and the
    /// answer replaces an `error` row already merged.
    func testAnAnsweredCellReplacesAnErrorRow() throws {
        let key = grid.cells[0]
        let store = try ResultsStore(path: path("errors.sqlite"))
        var run = sampleRun(grid: grid)
        run.shard = Shard(index: 1, count: 2)!
        let id = try store.createRun(run)
        var failed = sampleTrial(runID: id, key)
        (failed.status, failed.error, failed.output, failed.correct) = (.error, "HTTP 503", "", false)
        try store.record(failed)
        let out = path("merged.sqlite")
        XCTAssertEqual(try ShardMerge.merge(into: out, shards: [path("errors.sqlite")]).missing.count, grid.count)
        let good = try writeShard(2, of: 2, name: "good.sqlite", cells: [key])
        let report = try ShardMerge.merge(into: out, shards: [good])
        XCTAssertEqual(report.added, 1)
        let trials = try ResultsStore(path: out).trials(runID: report.runID)
        XCTAssertEqual(trials.map(\.status), [.ok])
    }
}
