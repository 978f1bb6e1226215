import Foundation
import XCTest
import NeedleEval

/// Reading refuses values it cannot represent (hand edits, other tools) instead of inventing a
/// status or a time: each refusal names the table, column, row and value.
final class StoreDecodingTests: XCTestCase {
    /// A real file with one run and one trial, and the store that wrote it.
    private func makeFile() throws -> (store: ResultsStore, runID: Int64, trialRowID: Int64) {
        let path = try makeTemporaryFolder(self).appendingPathComponent("edited.sqlite").path
        let store = try ResultsStore(path: path)
        let runID = try store.createRun(sampleRun())
        try store.record(sampleTrial(runID: runID, TrialKey(length: 1024, depth: 50, trial: 0)))
        return (store, runID, store.database.lastInsertRowID)
    }

    /// Changes the file as a person with the sqlite3 shell might, CHECK constraints switched off.
    private func handEdit(_ path: String, _ sql: String) throws {
        let database = try Database(path: path)
        try database.execute("PRAGMA ignore_check_constraints = ON")
        try database.execute(sql)
        XCTAssertEqual(database.changes, 1, sql)
    }

    func testAnUnknownStatusIsAnErrorNamingTheColumnNotAFailedRun() throws {
        let (store, runID, _) = try makeFile()
        try handEdit(store.path, "UPDATE runs SET status = 'paused' WHERE id = \(runID)")
        // Every way of reading the run refuses it, in this process and in a fresh read-only one.
        let reopened = try ResultsStore(path: store.path, readOnly: true)
        for reader in [store, reopened] {
            let error = assertInvalidValue(table: "runs", column: "status", rowID: runID, value: .text("paused"),
                                           path: store.path) { try reader.run(id: runID) }
            XCTAssertTrue(error?.description.contains("expected one of running, finished, interrupted, failed") == true)
            assertInvalidValue(table: "runs", column: "status", rowID: runID, value: .text("paused"),
                               path: store.path) { try reader.runs() }
            assertInvalidValue(table: "runs", column: "status", rowID: runID, value: .text("paused"), path: store.path) {
                try reader.findResumableRun(modelSHA256: "abc123", taskHash: "task-hash-1", gridJSON: sampleRun().gridJSON)
            }
        }
    }

    func testAGarbageStartTimeIsAnErrorNot1970() throws {
        let (store, runID, trialRowID) = try makeFile()
        try handEdit(store.path, "UPDATE runs SET started_at = 'yesterday' WHERE id = \(runID)")
        assertInvalidValue(table: "runs", column: "started_at", rowID: runID, value: .text("yesterday"),
                           path: store.path) { try store.run(id: runID) }
        // Trials' times too, and a well-formed date that does not exist.
        try handEdit(store.path, "UPDATE trials SET started_at = '2026-02-30T00:00:00.000Z' WHERE rowid = \(trialRowID)")
        assertInvalidValue(table: "trials", column: "started_at", rowID: trialRowID,
                           value: .text("2026-02-30T00:00:00.000Z"), path: store.path) { try store.trials(runID: runID) }
    }

    func testAFinishTimeMayBeNullButNotGarbage() throws {
        let (store, runID, _) = try makeFile()
        XCTAssertNil(try store.run(id: runID)?.finishedAt)  // NULL: not finished
        try handEdit(store.path, "UPDATE runs SET finished_at = 1800000000 WHERE id = \(runID)")
        assertInvalidValue(table: "runs", column: "finished_at", rowID: runID, value: .text("1800000000"),
                           path: store.path) { try store.run(id: runID) }
    }

    func testValuesOfTheWrongTypeAreErrorsNotZero() throws {
        let (store, runID, trialRowID) = try makeFile()
        // INTEGER affinity keeps text that is not a number as text; SQLite would read it as 0.
        try handEdit(store.path, "UPDATE trials SET prompt_tokens = 'many' WHERE rowid = \(trialRowID)")
        assertInvalidValue(table: "trials", column: "prompt_tokens", rowID: trialRowID, value: .text("many"),
                           path: store.path) { try store.trials(runID: runID) }
        try handEdit(store.path, "UPDATE trials SET prompt_tokens = 1024, correct = 2 WHERE rowid = \(trialRowID)")
        assertInvalidValue(table: "trials", column: "correct", rowID: trialRowID, value: .integer(2),
                           path: store.path) { try store.trials(runID: runID) }
        try handEdit(store.path, "UPDATE trials SET correct = 1, score = x'00' WHERE rowid = \(trialRowID)")
        assertInvalidValue(table: "trials", column: "score", rowID: trialRowID, value: .blob(Data([0])),
                           path: store.path) { try store.trials(runID: runID) }
        try handEdit(store.path, "UPDATE trials SET score = 1 WHERE rowid = \(trialRowID)")
        XCTAssertEqual(try store.trials(runID: runID).first?.score, 1)  // an integral REAL reads back
    }

    func testTheMessageSaysWhereAndHowToFixIt() throws {
        let (store, runID, trialRowID) = try makeFile()
        try handEdit(store.path, "UPDATE trials SET output = x'41' WHERE rowid = \(trialRowID)")
        let error = try XCTUnwrap(assertInvalidValue(
            table: "trials", column: "output", rowID: trialRowID, value: .blob(Data("A".utf8)), path: store.path) {
                try store.trials(runID: runID)
            })
        XCTAssertEqual("\(error)", """
            \(store.path): trials.output in row \(trialRowID) is x'41'; expected text
              fix: the file was changed outside needle-eval; correct the value with the sqlite3 shell, \
            e.g. sqlite3 \(store.path) "UPDATE trials SET output = <valid value> WHERE rowid = \(trialRowID)", \
            or delete that row and redo the trial with `needle-eval run --resume`
            """)
    }
}
