import Foundation
import XCTest
import NeedleEval

/// `needle-eval query`'s engine: reads anything, writes nothing.
final class StoreQueryTests: XCTestCase {
    private func makeFile() throws -> String {
        let path = try makeTemporaryFolder(self).appendingPathComponent("q.sqlite").path
        let store = try ResultsStore(path: path)
        let id = try store.createRun(sampleRun())
        try store.record(sampleTrial(runID: id, TrialKey(length: 1024, depth: 0, trial: 0)))
        try store.record(sampleTrial(runID: id, TrialKey(length: 1024, depth: 50, trial: 0), correct: false))
        return path
    }

    func testSelectsReturnColumnsAndRows() throws {
        let path = try makeFile()
        let results = try ReadOnlyQuery.run(
            "SELECT depth, correct, score, output FROM trials ORDER BY depth; SELECT count(*) AS n FROM runs;", path: path)
        XCTAssertEqual(results.count, 2)
        XCTAssertEqual(results[0].columns, ["depth", "correct", "score", "output"])
        XCTAssertEqual(results[0].rows, [
            [.integer(0), .integer(1), .real(1), .text("1234567")],
            [.integer(50), .integer(0), .real(0), .text("7654321")],
        ])
        XCTAssertEqual(results[1].rows, [[.integer(1)]])
    }

    func testWritesAreRefusedAndNothingRuns() throws {
        let path = try makeFile()
        let writes = [
            "DELETE FROM trials",
            "INSERT INTO runs (id) VALUES (5)",
            "DROP TABLE trials",
            "PRAGMA user_version = 5",
            "CREATE TABLE x (a); SELECT * FROM x",
            "SELECT 1; UPDATE runs SET status = 'failed'",
        ]
        for sql in writes {
            XCTAssertThrowsError(try ReadOnlyQuery.run(sql, path: path), sql) { error in
                XCTAssertTrue("\(error)".contains("only reads"), "\(sql): \(error)")
                guard case .queryWouldWrite(_, path)? = error as? StoreError else { return XCTFail("\(error)") }
            }
        }
        let check = try ReadOnlyQuery.run(
            "SELECT count(*) FROM trials; SELECT status FROM runs; PRAGMA user_version", path: path)
        XCTAssertEqual(check.map(\.rows), [[[.integer(2)]], [[.text("running")]], [[.integer(Int64(ResultsStore.schemaVersion))]]])
    }

    func testEmptySQLAndMissingFilesAreErrors() throws {
        let path = try makeFile()
        assertThrows(.emptyQuery(path: path)) { try ReadOnlyQuery.run("  -- nothing\n", path: path) }
        let missing = path + ".missing"
        XCTAssertThrowsError(try ReadOnlyQuery.run("SELECT 1", path: missing)) { error in
            XCTAssertTrue("\(error)".contains("no such database file"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing))
    }
}
