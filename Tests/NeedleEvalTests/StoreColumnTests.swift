import Foundation
import XCTest
@testable import NeedleEval

/// `RunColumn` and `TrialColumn` are the one list of each table's columns: they must match the
/// schema the migrations build, and every field must land in its own column and come back.
final class StoreColumnTests: XCTestCase {
    private func makeStore() throws -> ResultsStore {
        try ResultsStore(path: makeTemporaryFolder(self).appendingPathComponent("columns.sqlite").path)
    }

    /// A column added by a migration and not to the enum (or the other way) fails here.
    func testColumnListsMatchTheSchemaTheMigrationsBuild() throws {
        let store = try makeStore()
        func names(_ table: String) throws -> [String] {
            let statement = try store.database.prepare("SELECT name FROM pragma_table_info('\(table)') ORDER BY cid")
            var names: [String] = []
            while try statement.step() { names.append(statement.string(at: 0)) }
            return names
        }
        XCTAssertEqual(try names(RunColumn.table), RunColumn.allCases.map(\.name))
        XCTAssertEqual(try names(TrialColumn.table), TrialColumn.allCases.map(\.name))
        // A case's raw value is its position in the SELECT list (after rowid).
        XCTAssertEqual(RunColumn.allCases.map(\.rawValue), Array(RunColumn.allCases.indices))
        XCTAssertEqual(TrialColumn.allCases.map(\.rawValue), Array(TrialColumn.allCases.indices))
        XCTAssertEqual(RunColumn.allCases.filter { !$0.isWritten }, [.id])
    }

    /// A run with no default left in any field, and values that are easy to get wrong: the
    /// seed's top bit, quotes, non-ASCII text, times off the second.
    private func unusualRun() -> RunRecord {
        RunRecord(modelPath: "models/ünïcode 'quoted' \"x\"", modelSHA256: "f00dfeed", taskName: "niah_multikey",
                  taskJSON: "{\"name\":\"niah_multikey\",\"keys\":4}", taskHash: "hash-9",
                  gridJSON: TrialPlan(lengths: [1_048_576], depths: [37], trials: 3).json,
                  seed: UInt64.max - 12_345, toolVersion: "9.8.7", host: "host-Ω", status: .interrupted,
                  startedAt: Date(timeIntervalSince1970: 1_800_000_000.007),
                  finishedAt: Date(timeIntervalSince1970: 1_800_003_600.999), optionsJSON: "{\"threads\":3}",
                  tokenizerName: "tiktoken:cl100k_base", tokenizerSHA256: "5e1ec7ed", backend: "offline",
                  answersPath: "answers/ü.jsonl", answersSHA256: "a11ce5",
                  server: ServerProvenance(baseURL: "http://h:1", servedModel: "m-7", api: "chat", tokenizerSource: "server",
                                           serverJSON: "{\"tokenize\":\"prompt\"}"),
                  shard: Shard(index: 3, count: 7)!)
    }

    private func unusualTrial(runID: Int64) -> TrialRecord {
        TrialRecord(runID: runID, length: 131_072, depth: 37, trial: 5, keysJSON: "[\"Oslo\",\"Lima\"]",
                    expectedJSON: "[\"111\",\"222\"]", output: "111\n222 — done", correct: false, score: 0.375,
                    promptTokens: 131_000, needleTokenOffset: 48_481, prefillMilliseconds: 1234.5678,
                    decodeMilliseconds: 87.25, peakRSSBytes: 5_000_000_000, kvBytes: 123_456_789_012,
                    startedAt: Date(timeIntervalSince1970: 1_800_000_001.042),
                    finishedAt: Date(timeIntervalSince1970: 1_800_000_009.958))
    }

    private func unansweredTrial(runID: Int64) -> TrialRecord {
        var trial = unusualTrial(runID: runID)
        trial.status = .error
        trial.error = "POST /v1/completions: HTTP 503 (gave up after 5 attempts)"
        trial.attempts = 5
        trial.latencyMilliseconds = 321.5
        trial.timeToFirstTokenMilliseconds = 12.25
        trial.completionTokens = 7
        trial.cachedTokens = 4096
        return trial
    }

    func testARunReadsBackEqualEveryFieldInItsOwnColumn() throws {
        let store = try makeStore()
        var run = unusualRun()
        run.id = try store.createRun(run)
        XCTAssertEqual(try store.run(id: run.id!), run)
        XCTAssertEqual(try store.runs().map(\.run), [run])
        XCTAssertEqual(try store.findResumableRun(modelSHA256: run.modelSHA256, taskHash: run.taskHash,
                                                  gridJSON: run.gridJSON, seed: run.seed, shard: run.shard), run)
        XCTAssertEqual(try store.findResumableRun(modelSHA256: run.modelSHA256, taskHash: run.taskHash, gridJSON: run.gridJSON,
                                                  tokenizer: TokenizerIdentity(name: "tiktoken:cl100k_base", sha256: "5e1ec7ed"),
                                                  shard: run.shard), run)
        // Written by hand, so two fields swapped on both write and read still fail.
        try assertStoredRow(path: store.path, table: "runs", [
            "id": .integer(run.id!), "model_path": .text(run.modelPath), "model_sha256": .text("f00dfeed"),
            "task_name": .text("niah_multikey"), "task_json": .text(run.taskJSON), "task_hash": .text("hash-9"),
            "grid_json": .text("{\"depths\":[37],\"lengths\":[1048576],\"trials\":3}"),
            "seed": .integer(-12_346), "tool_version": .text("9.8.7"), "host": .text("host-Ω"),
            "status": .text("interrupted"), "started_at": .text("2027-01-15T08:00:00.007Z"),
            "finished_at": .text("2027-01-15T09:00:00.999Z"), "options_json": .text("{\"threads\":3}"),
            "tokenizer_name": .text("tiktoken:cl100k_base"), "tokenizer_sha256": .text("5e1ec7ed"),
            "backend": .text("offline"), "answers_path": .text("answers/ü.jsonl"), "answers_sha256": .text("a11ce5"),
            "base_url": .text("http://h:1"), "served_model": .text("m-7"), "api": .text("chat"),
            "tokenizer_source": .text("server"), "server_json": .text("{\"tokenize\":\"prompt\"}"),
            "shard_index": .integer(3), "shard_count": .integer(7),
        ])
    }

    func testATrialReadsBackEqualEveryFieldInItsOwnColumn() throws {
        let store = try makeStore()
        let runID = try store.createRun(sampleRun())
        let trial = unusualTrial(runID: runID)
        try store.record(trial)
        XCTAssertEqual(try store.trials(runID: runID), [trial])
        try assertStoredRow(path: store.path, table: "trials", [
            "run_id": .integer(runID), "length": .integer(131_072), "depth": .integer(37), "trial": .integer(5),
            "keys_json": .text("[\"Oslo\",\"Lima\"]"), "expected_json": .text("[\"111\",\"222\"]"),
            "output": .text("111\n222 — done"), "correct": .integer(0), "score": .real(0.375),
            "prompt_tokens": .integer(131_000), "needle_token_offset": .integer(48_481),
            "prefill_ms": .real(1234.5678), "decode_ms": .real(87.25), "peak_rss_bytes": .integer(5_000_000_000),
            "kv_bytes": .integer(123_456_789_012), "started_at": .text("2027-01-15T08:00:01.042Z"),
            "finished_at": .text("2027-01-15T08:00:09.958Z"), "status": .text("ok"), "error": .text(""),
            "attempts": .integer(1), "latency_ms": .real(0), "ttft_ms": .null, "completion_tokens": .integer(0),
            "cached_tokens": .integer(0),
        ])
    }

    func testAnUnansweredTrialReadsBackEqualAndANewAttemptReplacesIt() throws {
        let store = try makeStore()
        let runID = try store.createRun(sampleRun())
        let failed = unansweredTrial(runID: runID)
        try store.record(failed)
        XCTAssertEqual(try store.trials(runID: runID), [failed])
        XCTAssertEqual(try store.completedCells(runID: runID), [], "an unanswered trial is asked again")
        XCTAssertEqual(try store.heatmapCells(runID: runID), [])
        XCTAssertEqual(try store.errorTrials(runID: runID), 1)
        let answered = unusualTrial(runID: runID)
        try store.record(answered)
        XCTAssertEqual(try store.trials(runID: runID), [answered])
        XCTAssertEqual(try store.errorTrials(runID: runID), 0)
        XCTAssertThrowsError(try store.record(failed), "an answered trial is never replaced")
        XCTAssertEqual(try store.trials(runID: runID), [answered])
    }

    /// The table's only row, column by column as `SELECT *` sees it, equals `expected`.
    private func assertStoredRow(path: String, table: String, _ expected: [String: DatabaseValue],
                                 file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try XCTUnwrap(ReadOnlyQuery.run("SELECT * FROM \(table)", path: path).first)
        XCTAssertEqual(result.rows.count, 1, file: file, line: line)
        let stored = Dictionary(uniqueKeysWithValues: zip(result.columns, try XCTUnwrap(result.rows.first)))
        XCTAssertEqual(Set(stored.keys), Set(expected.keys), "columns", file: file, line: line)
        for (column, value) in expected.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(stored[column], value, "\(table).\(column)", file: file, line: line)
        }
    }
}
