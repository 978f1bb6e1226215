import Foundation
import XCTest
import NeedleEval

/// The ResultsStore API the `run` command uses.
final class StoreResultsTests: XCTestCase {
    private func makeStore() throws -> ResultsStore {
        try ResultsStore(path: makeTemporaryFolder(self).appendingPathComponent("results.sqlite").path)
    }

    func testRunsRoundTrip() throws {
        let store = try makeStore()
        XCTAssertNil(try store.latestRunID())
        let id = try store.createRun(sampleRun())
        var expected = sampleRun()
        expected.id = id
        XCTAssertEqual(try store.run(id: id), expected)
        XCTAssertEqual(try store.latestRunID(), id)
        XCTAssertNil(try store.run(id: id + 1))
        let seedMax = try store.createRun(sampleRun(seed: UInt64.max))
        XCTAssertEqual(try store.run(id: seedMax)?.seed, UInt64.max)
    }

    func testTrialsRoundTripAndDuplicatesAreErrors() throws {
        let store = try makeStore()
        let id = try store.createRun(sampleRun())
        let key = TrialKey(length: 2048, depth: 50, trial: 1)
        let trial = sampleTrial(runID: id, key)
        try store.record(trial)
        XCTAssertEqual(try store.trials(runID: id), [trial])
        XCTAssertEqual(try store.completedCells(runID: id), [key])

        var again = trial
        again.output = "something else"
        XCTAssertThrowsError(try store.record(again)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("run \(id) already has a result for length 2048, depth 50%, trial 1"), text)
        }
        assertThrows(.duplicateTrial(runID: id, key: key, path: store.path)) { try store.record(again) }
        XCTAssertEqual(try store.trials(runID: id), [trial])  // not overwritten
        // The same key in another run is fine; an unknown run is not.
        let other = try store.createRun(sampleRun())
        try store.record(sampleTrial(runID: other, key))
        XCTAssertThrowsError(try store.record(sampleTrial(runID: 999, key))) { error in
            XCTAssertTrue("\(error)".contains("no run with id 999"), "\(error)")
        }
        assertThrows(.runNotFound(id: 999, path: store.path)) { try store.record(sampleTrial(runID: 999, key)) }
    }

    func testResumableRunIsTheLatestUnfinishedOneOfTheSameModelTaskAndGrid() throws {
        let store = try makeStore()
        let grid = sampleRun().gridJSON
        XCTAssertNil(try store.findResumableRun(modelSHA256: "abc123", taskHash: "task-hash-1", gridJSON: grid))
        let first = try store.createRun(sampleRun())
        let second = try store.createRun(sampleRun())
        _ = try store.createRun(sampleRun(sha: "other-model"))
        XCTAssertEqual(try store.findResumableRun(modelSHA256: "abc123", taskHash: "task-hash-1", gridJSON: grid)?.id, second)
        try store.setStatus(runID: second, .finished)
        XCTAssertEqual(try store.findResumableRun(modelSHA256: "abc123", taskHash: "task-hash-1", gridJSON: grid)?.id, first)
        XCTAssertNil(try store.findResumableRun(modelSHA256: "abc123", taskHash: "task-hash-1", gridJSON: grid, seed: 7))
        XCTAssertNil(try store.findResumableRun(modelSHA256: "abc123", taskHash: "task-hash-1",
                                                gridJSON: TrialPlan(lengths: [1024], depths: [0], trials: 1).json))
    }

    /// A different tokenizer (name or file) is a different run; runs recorded before tokenizers
    /// were (empty columns) match any.
    func testResumableRunMatchesTheTokenizer() throws {
        let store = try makeStore()
        let grid = sampleRun().gridJSON
        func find(_ tokenizer: TokenizerIdentity) throws -> Int64? {
            try store.findResumableRun(modelSHA256: "abc123", taskHash: "task-hash-1", gridJSON: grid, seed: 42, tokenizer: tokenizer)?.id
        }
        let bytes = try store.createRun(sampleRun())
        let bpe = TokenizerIdentity(name: "tokenizer.json:gpt2", sha256: "b9e")
        XCTAssertEqual(try find(sampleTokenizer), bytes)
        XCTAssertNil(try find(bpe))
        XCTAssertNil(try find(TokenizerIdentity(name: "bytes", sha256: "other-file")))
        XCTAssertNil(try find(TokenizerIdentity(name: "other-name", sha256: sampleTokenizer.sha256)))
        let gpt2 = try store.createRun(sampleRun(tokenizer: bpe))
        XCTAssertEqual(try find(bpe), gpt2)
        XCTAssertEqual(try find(sampleTokenizer), bytes)
        let legacy = try store.createRun(sampleRun(tokenizer: TokenizerIdentity(name: "", sha256: "")))
        XCTAssertEqual(try find(bpe), legacy)
        XCTAssertEqual(try find(sampleTokenizer), legacy)
    }

    func testStatusSetsAndClearsTheFinishTime() throws {
        let store = try makeStore()
        let id = try store.createRun(sampleRun())
        let end = Date(timeIntervalSince1970: 1_800_000_100)
        try store.setStatus(runID: id, .interrupted, finishedAt: end)
        XCTAssertEqual(try store.run(id: id)?.status, .interrupted)
        XCTAssertEqual(try store.run(id: id)?.finishedAt, end)
        try store.setStatus(runID: id, .running)
        XCTAssertNil(try store.run(id: id)?.finishedAt)
        XCTAssertThrowsError(try store.setStatus(runID: 42, .failed)) { error in
            XCTAssertTrue("\(error)".contains("no run with id 42"), "\(error)")
        }
        assertThrows(.runNotFound(id: 42, path: store.path)) { try store.setStatus(runID: 42, .failed) }
        // The CHECK constraint holds even for hand-written SQL.
        XCTAssertThrowsError(try store.database.execute("UPDATE runs SET status = 'paused'"))
    }

    func testSummariesAndHeatmapCells() throws {
        let store = try makeStore()
        let id = try store.createRun(sampleRun())
        try store.record(sampleTrial(runID: id, TrialKey(length: 1024, depth: 0, trial: 0), correct: true))
        try store.record(sampleTrial(runID: id, TrialKey(length: 1024, depth: 0, trial: 1), correct: false))
        try store.record(sampleTrial(runID: id, TrialKey(length: 4096, depth: 100, trial: 0), correct: true))
        _ = try store.createRun(sampleRun(grid: TrialPlan(lengths: [1024], depths: [50], trials: 1)))

        let summaries = try store.runs()
        XCTAssertEqual(summaries.map(\.cellsDone), [3, 0])
        XCTAssertEqual(summaries.map(\.cellsTotal), [18, 1])
        XCTAssertEqual(summaries[0].correct, 2)
        XCTAssertEqual(summaries[0].accuracy!, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertNil(summaries[1].accuracy)
        XCTAssertEqual(try store.heatmapCells(runID: id), [
            HeatmapCell(length: 1024, depth: 0, trials: 2, correct: 1),
            HeatmapCell(length: 4096, depth: 100, trials: 1, correct: 1),
        ])
    }

    func testALockedDatabaseFailsWithAClearMessage() throws {
        let path = try makeTemporaryFolder(self).appendingPathComponent("locked.sqlite").path
        let holder = try ResultsStore(path: path)
        let id = try holder.createRun(sampleRun())
        try holder.database.execute("BEGIN IMMEDIATE")  // another writer holds the lock
        defer { try? holder.database.execute("ROLLBACK") }
        let waiter = try ResultsStore(path: path, busyTimeoutMs: 200)
        let start = Date()
        XCTAssertThrowsError(try waiter.record(sampleTrial(runID: id, TrialKey(length: 1024, depth: 0, trial: 0)))) { error in
            let e = error as! DatabaseError
            XCTAssertEqual(e.primaryCode, 5)  // SQLITE_BUSY
            XCTAssertTrue(e.description.contains("another process holds the database lock"), e.description)
            XCTAssertTrue(e.description.contains("--db"), e.description)
        }
        XCTAssertGreaterThan(Date().timeIntervalSince(start), 0.15)  // it waited before failing
        // Reads do not wait for a writer (WAL).
        XCTAssertEqual(try waiter.runs().count, 1)
    }
}
