import Foundation
import XCTest
import NeedleEval

/// Builds a results file with one run of 1K/2K × 0/100 × 2 trials, some wrong, in a fresh folder.
func makeResultsFile(_ test: XCTestCase, name: String = "needle-eval.sqlite") throws -> (folder: URL, path: String) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("needle-eval-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent(name).path
    let store = try ResultsStore(path: path)
    let grid = TrialPlan(lengths: [1024, 2048], depths: [0, 100], trials: 2)
    let id = try store.createRun(RunRecord(
        modelPath: "models/yoco-niah-tiny", modelSHA256: "sha", taskName: "niah_single", taskJSON: "{}",
        taskHash: "h", gridJSON: grid.json, seed: 1, toolVersion: "0.1.0", host: "test",
        startedAt: Date(timeIntervalSince1970: 1_800_000_000)))
    for length in grid.lengths {
        for depth in grid.depths {
            for trial in 0..<grid.trials {
                let correct = !(length == 2048 && depth == 100 && trial == 1)
                try store.record(TrialRecord(
                    runID: id, length: length, depth: depth, trial: trial, keysJSON: "[\"k\"]",
                    expectedJSON: "[\"1\"]", output: correct ? "1" : "x, \"y\"", correct: correct,
                    score: correct ? 1 : 0, promptTokens: length, needleTokenOffset: length * depth / 100))
            }
        }
    }
    try store.setStatus(runID: id, .finished)
    return (folder, path)
}

final class QueryCLITests: XCTestCase {
    func testPrintsAnAlignedTableFromTheDefaultFile() throws {
        let (folder, _) = try makeResultsFile(self)
        let r = try runCLI(["query", "SELECT length, depth, sum(correct) AS correct, count(*) AS n FROM trials GROUP BY 1, 2"], cwd: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, """
            length  depth  correct  n
            ------  -----  -------  -
              1024      0        2  2
              1024    100        2  2
              2048      0        2  2
              2048    100        1  2

            """)
    }

    func testCSVQuotesFieldsAsRFC4180Says() throws {
        let (_, path) = try makeResultsFile(self)
        let r = try runCLI(["query", "--db", path, "--csv", "SELECT trial, output, NULL AS empty FROM trials WHERE correct = 0"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "trial,output,empty\n1,\"x, \"\"y\"\"\",\n")
    }

    func testWritesAreRefusedAndTheFileIsUnchanged() throws {
        let (_, path) = try makeResultsFile(self)
        for sql in ["DELETE FROM trials", "SELECT 1; DROP TABLE runs", "PRAGMA user_version = 7"] {
            let r = try runCLI(["query", "--db", path, sql])
            XCTAssertNotEqual(r.status, 0, sql)
            XCTAssertTrue(r.stderr.contains("only reads"), r.stderr)
            XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr)
            XCTAssertEqual(r.stdout, "", sql)  // nothing ran, not even the SELECT
        }
        let count = try runCLI(["query", "--db", path, "--csv", "SELECT count(*) AS n FROM trials; PRAGMA user_version"])
        XCTAssertEqual(count.stdout, "n\n8\n\nuser_version\n6\n")
    }

    func testAMissingFileIsReportedAndNotCreated() throws {
        let (folder, _) = try makeResultsFile(self)
        let missing = folder.appendingPathComponent("typo.sqlite").path
        let r = try runCLI(["query", "--db", missing, "SELECT 1"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("\(missing): no such database file"), r.stderr)
        XCTAssertTrue(r.stderr.contains("--db"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing))
    }

    func testAFileThatIsNotSQLiteIsReported() throws {
        let (folder, _) = try makeResultsFile(self)
        let notes = folder.appendingPathComponent("notes.txt")
        try Data(String(repeating: "hello\n", count: 200).utf8).write(to: notes)
        let r = try runCLI(["query", "--db", notes.path, "SELECT 1"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("file is not a database"), r.stderr)
    }

    func testBadSQLNamesTheStatement() throws {
        let (_, path) = try makeResultsFile(self)
        let r = try runCLI(["query", "--db", path, "SELECT * FROM trails"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("no such table: trails"), r.stderr)
        XCTAssertTrue(r.stderr.contains("in SQL: SELECT * FROM trails"), r.stderr)
    }

    func testALockedFileIsReportedAfterTheLockTimeout() throws {
        let (_, path) = try makeResultsFile(self)
        // Exclusive locking mode shuts out readers too, even in WAL, until the connection closes.
        let holder = try Database(path: path)
        try holder.execute("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; UPDATE runs SET host = 'x'; COMMIT")
        let r = try runCLI(["query", "--db", path, "--lock-timeout", "0.2", "SELECT count(*) FROM runs"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("database is locked"), r.stderr)
        XCTAssertTrue(r.stderr.contains("another process holds the database lock"), r.stderr)
        withExtendedLifetime(holder) {}
    }
}
