import Foundation
import XCTest
@testable import NeedleEval

/// Schema versions in `PRAGMA user_version`: old files upgrade, newer files are refused.
final class StoreMigrationTests: XCTestCase {
    /// The version-1 schema, written out here by hand as a file from the first release has it.
    private let version1SQL = """
        CREATE TABLE runs (id INTEGER PRIMARY KEY, model_path TEXT NOT NULL, model_sha256 TEXT NOT NULL,
            task_name TEXT NOT NULL, task_json TEXT NOT NULL, task_hash TEXT NOT NULL, grid_json TEXT NOT NULL,
            seed INTEGER NOT NULL, tool_version TEXT NOT NULL, host TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'interrupted', 'failed')),
            started_at TEXT NOT NULL, finished_at TEXT);
        CREATE TABLE trials (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            length INTEGER NOT NULL CHECK (length > 0), depth INTEGER NOT NULL CHECK (depth BETWEEN 0 AND 100),
            trial INTEGER NOT NULL CHECK (trial >= 0), keys_json TEXT NOT NULL, expected_json TEXT NOT NULL,
            output TEXT NOT NULL, correct INTEGER NOT NULL CHECK (correct IN (0, 1)), score REAL NOT NULL,
            prompt_tokens INTEGER NOT NULL, needle_token_offset INTEGER NOT NULL, prefill_ms REAL NOT NULL,
            decode_ms REAL NOT NULL, peak_rss_bytes INTEGER NOT NULL, kv_bytes INTEGER NOT NULL,
            started_at TEXT NOT NULL, finished_at TEXT NOT NULL, UNIQUE (run_id, length, depth, trial));
        INSERT INTO runs VALUES (1, 'models/old', 'sha-old', 'niah_single', '{}', 'h1',
            '{"depths":[0,100],"lengths":[1024],"trials":1}', 7, '0.0.1', 'old-host', 'interrupted',
            '2026-01-01T00:00:00.000Z', NULL);
        INSERT INTO trials VALUES (1, 1024, 0, 0, '[]', '["1"]', '1', 1, 1.0, 1024, 10, 1.0, 1.0, 1, 1,
            '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:02.000Z');
        PRAGMA user_version = 1;
        """

    func testAVersion1FileOpensAndUpgrades() throws {
        let path = try makeTemporaryFolder(self).appendingPathComponent("v1.sqlite").path
        try Database(path: path).execute(version1SQL)

        // Read-only opening cannot upgrade, and says how to.
        XCTAssertThrowsError(try ResultsStore(path: path, readOnly: true)) { error in
            XCTAssertTrue("\(error)".contains("version 1 is older"), "\(error)")
        }
        assertThrows(.olderSchema(found: 1, supported: 6, path: path)) { try ResultsStore(path: path, readOnly: true) }

        let store = try ResultsStore(path: path)
        XCTAssertEqual(try store.database.userVersion(), 6)
        XCTAssertEqual(ResultsStore.schemaVersion, 6)
        let run = try XCTUnwrap(store.run(id: 1))
        XCTAssertEqual(run.optionsJSON, "{}")  // the column migration 2 added, with its default
        XCTAssertEqual([run.tokenizerName, run.tokenizerSHA256], ["", ""])  // migration 3's
        XCTAssertEqual([run.backend, run.answersPath, run.answersSHA256], ["in-process", "", ""])  // migration 4's
        XCTAssertEqual(run.server, ServerProvenance())  // migration 5's
        XCTAssertEqual(run.shard, .whole)  // migration 6's: every earlier run covers its whole grid
        let old = try XCTUnwrap(store.trials(runID: 1).first)
        XCTAssertEqual([old.status.rawValue, old.error], ["ok", ""])
        XCTAssertEqual([old.attempts, old.completionTokens, old.cachedTokens], [1, 0, 0])
        XCTAssertNil(old.timeToFirstTokenMilliseconds)
        XCTAssertEqual(run.status, .interrupted)
        XCTAssertEqual(try store.completedCells(runID: 1), [TrialKey(length: 1024, depth: 0, trial: 0)])
        let index = try store.database.prepare(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'runs_by_model_task'")
        XCTAssertTrue(try index.step())
        XCTAssertEqual(index.int(at: 0), 1)
        // The upgraded file takes new data and reopens read-only.
        try store.record(sampleTrial(runID: 1, TrialKey(length: 1024, depth: 100, trial: 0)))
        XCTAssertEqual(try ResultsStore(path: path, readOnly: true).trials(runID: 1).count, 2)
    }

    /// A version-2 file (options_json, no tokenizer columns) gains the tokenizer columns; its
    /// unfinished run stays resumable by the model's own tokenizer, and resuming names it.
    func testAVersion2FileGainsTokenizerColumnsAndItsRunsStayResumable() throws {
        let path = try makeTemporaryFolder(self).appendingPathComponent("v2.sqlite").path
        let database = try Database(path: path)
        try database.execute(version1SQL)
        try database.execute("""
            ALTER TABLE runs ADD COLUMN options_json TEXT NOT NULL DEFAULT '{}';
            CREATE INDEX runs_by_model_task ON runs (model_sha256, task_hash, status);
            PRAGMA user_version = 2;
            """)
        let store = try ResultsStore(path: path)
        XCTAssertEqual(try store.database.userVersion(), 6)
        let grid = "{\"depths\":[0,100],\"lengths\":[1024],\"trials\":1}"
        let bytes = TokenizerIdentity(name: "bytes", sha256: "feed")
        let found = try XCTUnwrap(store.findResumableRun(modelSHA256: "sha-old", taskHash: "h1", gridJSON: grid, tokenizer: bytes))
        XCTAssertEqual(found.id, 1)
        try store.recordTokenizer(runID: 1, bytes)
        XCTAssertEqual(try store.run(id: 1).map { [$0.tokenizerName, $0.tokenizerSHA256] }, ["bytes", "feed"])
        // Named now: another tokenizer no longer matches, and recording again changes nothing.
        let other = TokenizerIdentity(name: "tiktoken:cl100k_base", sha256: "beef")
        XCTAssertNil(try store.findResumableRun(modelSHA256: "sha-old", taskHash: "h1", gridJSON: grid, tokenizer: other))
        try store.recordTokenizer(runID: 1, other)
        XCTAssertEqual(try store.run(id: 1)?.tokenizerSHA256, "feed")
    }

    func testANewFileGetsTheCurrentSchemaInWALMode() throws {
        let path = try makeTemporaryFolder(self).appendingPathComponent("new.sqlite").path
        let store = try ResultsStore(path: path)
        XCTAssertEqual(try store.database.userVersion(), ResultsStore.schemaVersion)
        let mode = try store.database.prepare("PRAGMA journal_mode")
        XCTAssertTrue(try mode.step())
        XCTAssertEqual(mode.string(at: 0), "wal")
        let keys = try store.database.prepare("PRAGMA foreign_keys")
        XCTAssertTrue(try keys.step())
        XCTAssertEqual(keys.int(at: 0), 1)
    }

    func testAFileFromANewerVersionIsRefused() throws {
        let path = try makeTemporaryFolder(self).appendingPathComponent("future.sqlite").path
        try ResultsStore(path: path).database.setUserVersion(99)
        for readOnly in [false, true] {
            XCTAssertThrowsError(try ResultsStore(path: path, readOnly: readOnly)) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains(path), text)
                XCTAssertTrue(text.contains("version 99 is newer than this needle-eval's version 6"), text)
            }
            assertThrows(.newerSchema(found: 99, supported: 6, path: path)) { try ResultsStore(path: path, readOnly: readOnly) }
        }
        XCTAssertEqual(try Database(path: path).userVersion(), 99)  // left as it was
    }

    func testAnotherProgramsSQLiteFileIsNotAdopted() throws {
        let path = try makeTemporaryFolder(self).appendingPathComponent("other.sqlite").path
        try Database(path: path).execute("CREATE TABLE contacts (name TEXT)")
        for readOnly in [false, true] {
            assertThrows(.notResultsDatabase(path: path)) { try ResultsStore(path: path, readOnly: readOnly) }
        }
        let tables = try Database(path: path).prepare("SELECT count(*) FROM sqlite_master")
        XCTAssertTrue(try tables.step())
        XCTAssertEqual(tables.int(at: 0), 1)
    }

    /// A version-5 file gains the shard columns: its runs are whole-grid runs (1 of 1), still
    /// resumed by an unsharded run and never by a shard.
    func testAVersion5FileGainsShardColumnsAndItsRunsAreWhole() throws {
        let path = try makeTemporaryFolder(self).appendingPathComponent("v5.sqlite").path
        let database = try Database(path: path)
        try database.execute(version1SQL)
        for version in 1..<5 { try database.execute(ResultsSchema.migrations[version]) }
        try database.setUserVersion(5)
        let store = try ResultsStore(path: path)
        XCTAssertEqual(try store.database.userVersion(), 6)
        XCTAssertEqual(try store.run(id: 1)?.shard, .whole)
        let grid = "{\"depths\":[0,100],\"lengths\":[1024],\"trials\":1}"
        XCTAssertEqual(try store.findResumableRun(modelSHA256: "sha-old", taskHash: "h1", gridJSON: grid)?.id, 1)
        XCTAssertNil(try store.findResumableRun(modelSHA256: "sha-old", taskHash: "h1", gridJSON: grid,
                                                shard: Shard(index: 1, count: 2)!))
        // A shard's run reads back as that shard; a count below the index is refused by SQLite.
        var shardRun = sampleRun()
        shardRun.shard = Shard(index: 2, count: 3)!
        shardRun.id = try store.createRun(shardRun)
        XCTAssertEqual(try store.run(id: shardRun.id!), shardRun)
        XCTAssertThrowsError(try store.database.execute("UPDATE runs SET shard_count = 1 WHERE id = \(shardRun.id!)"))
    }
}
