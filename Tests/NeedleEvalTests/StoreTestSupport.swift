import Foundation
import XCTest
import NeedleEval

/// A fresh folder for one test's database files, removed when the test ends.
func makeTemporaryFolder(_ test: XCTestCase) throws -> URL {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("needle-eval-store-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
    return folder
}

/// A run as the `run` command would record it, on a 3 × 3 × 2 grid unless told otherwise.
func sampleRun(grid: TrialPlan = TrialPlan(lengths: [1024, 2048, 4096], depths: [0, 50, 100], trials: 2),
               model: String = "models/yoco-niah-tiny", sha: String = "abc123", seed: UInt64 = 42,
               tokenizer: TokenizerIdentity = sampleTokenizer) -> RunRecord {
    RunRecord(modelPath: model, modelSHA256: sha, taskName: "niah_single", taskJSON: "{\"name\":\"niah_single\"}",
              taskHash: "task-hash-1", gridJSON: grid.json, seed: seed, toolVersion: "0.1.0",
              host: "test-host", startedAt: Date(timeIntervalSince1970: 1_800_000_000.25),
              optionsJSON: "{\"threads\":2}", tokenizerName: tokenizer.name, tokenizerSHA256: tokenizer.sha256)
}

/// The tokenizer `sampleRun` records.
let sampleTokenizer = TokenizerIdentity(name: "bytes", sha256: "70c3e5")

/// A trial of `runID` at `key`, correct when `correct`.
func sampleTrial(runID: Int64, _ key: TrialKey, correct: Bool = true) -> TrialRecord {
    TrialRecord(runID: runID, length: key.length, depth: key.depth, trial: key.trial,
                keysJSON: "[\"Paris\"]", expectedJSON: "[\"1234567\"]", output: correct ? "1234567" : "7654321",
                correct: correct, score: correct ? 1 : 0, promptTokens: key.length, needleTokenOffset: key.length / 2,
                prefillMilliseconds: 12.5, decodeMilliseconds: 3.25, peakRSSBytes: 1 << 20, kvBytes: 4096,
                startedAt: Date(timeIntervalSince1970: 1_800_000_001.5),
                finishedAt: Date(timeIntervalSince1970: 1_800_000_002.125))
}

/// Asserts that `body` throws exactly `expected`, and that the message a user sees names the
/// file and a fix.
func assertThrows<T>(_ expected: StoreError, file: StaticString = #filePath, line: UInt = #line,
                     _ body: () throws -> T) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        XCTAssertEqual(error as? StoreError, expected, "\(error)", file: file, line: line)
        let text = "\(error)"
        XCTAssertTrue(text.hasPrefix(expected.path + ": "), text, file: file, line: line)
        XCTAssertTrue(text.contains("\n  fix: "), text, file: file, line: line)
    }
}

/// The `StoreError.invalidValue` that `body` throws, checked against the table, column, row
/// and value it should name (the problem text is free); nil after a failed assertion.
@discardableResult
func assertInvalidValue<T>(table: String, column: String, rowID: Int64, value: DatabaseValue, path: String,
                           file: StaticString = #filePath, line: UInt = #line,
                           _ body: () throws -> T) -> StoreError? {
    var thrown: StoreError?
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        guard case .invalidValue(let t, let c, let r, let v, let problem, let p)? = error as? StoreError else {
            return XCTFail("expected StoreError.invalidValue, got \(error)", file: file, line: line)
        }
        XCTAssertEqual([t, c, p], [table, column, path], file: file, line: line)
        XCTAssertEqual(r, rowID, file: file, line: line)
        XCTAssertEqual(v, value, file: file, line: line)
        XCTAssertFalse(problem.isEmpty, file: file, line: line)
        let text = "\(error)"
        XCTAssertTrue(text.hasPrefix(path + ": \(table).\(column) in row \(rowID) is "), text, file: file, line: line)
        XCTAssertTrue(text.contains("fix: ") && text.contains("sqlite3 \(path)"), text, file: file, line: line)
        thrown = error as? StoreError
    }
    return thrown
}
