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
func sampleRun(grid: RunGrid = RunGrid(lengths: [1024, 2048, 4096], depths: [0, 50, 100], trials: 2),
               model: String = "models/yoco-niah-tiny", sha: String = "abc123", seed: UInt64 = 42) -> RunRecord {
    RunRecord(modelPath: model, modelSHA256: sha, taskName: "niah_single", taskJSON: "{\"name\":\"niah_single\"}",
              taskHash: "task-hash-1", gridJSON: grid.json, seed: seed, toolVersion: "0.1.0",
              host: "test-host", startedAt: Date(timeIntervalSince1970: 1_800_000_000.25),
              optionsJSON: "{\"threads\":2}")
}

/// A trial of `runID` at `key`, correct when `correct`.
func sampleTrial(runID: Int64, _ key: TrialKey, correct: Bool = true) -> TrialRecord {
    TrialRecord(runID: runID, length: key.length, depth: key.depth, trial: key.trial,
                keysJSON: "[\"Paris\"]", expectedJSON: "[\"1234567\"]", output: correct ? "1234567" : "7654321",
                correct: correct, score: correct ? 1 : 0, promptTokens: key.length, needleTokenOffset: key.length / 2,
                prefillMilliseconds: 12.5, decodeMilliseconds: 3.25, peakRSSBytes: 1 << 20, kvBytes: 4096,
                startedAt: Date(timeIntervalSince1970: 1_800_000_001.5),
                finishedAt: Date(timeIntervalSince1970: 1_800_000_002.125))
}
