import Foundation
import XCTest

/// `needle-eval score` through the built executable: the round trip against `run`, refusals that
/// leave the database file byte for byte as it was, and idempotent imports.
final class ScoreCLITests: XCTestCase {
    private let fixture = repositoryRoot.appendingPathComponent("Tests/NeedleEvalTests/Fixtures/offline")
    private var answersPath: String { fixture.appendingPathComponent("answers.jsonl").path }
    private let grid = ["--task", "tasks/niah_single.json", "--lengths", "1K,2K", "--depths", "0,50,100",
                        "--trials", "1", "--seed", "7"]

    private func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("score-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    private func exportCSV(db: String, long: Bool = false, in folder: URL) throws -> String {
        let out = folder.appendingPathComponent("\(UUID().uuidString).csv").path
        let r = try runCLI(["export", "heatmap", "--db", db, "--format", "csv", "--out", out] + (long ? ["--long"] : []))
        XCTAssertEqual(r.status, 0, r.stderr)
        return try String(contentsOfFile: out, encoding: .utf8)
    }

    private func query(_ db: String, _ sql: String) throws -> String {
        let r = try runCLI(["query", "--db", db, "--csv", sql])
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout
    }

    /// generate → answers from the PyTorch reference (committed, see Fixtures/offline/README.md) →
    /// score gives the heatmap, cell for cell, and the outputs, trial for trial, of `run` with the
    /// in-process runtime on the same grid and seed.
    func testRoundTripMatchesTheInProcessRun() throws {
        let dir = try folder()
        // generate today still writes the committed prompts the answers belong to.
        let prompts = dir.appendingPathComponent("prompts.jsonl").path
        let g = try runCLI(["generate"] + grid + ["--out", prompts])
        XCTAssertEqual(g.status, 0, g.stderr)
        XCTAssertEqual(try String(contentsOfFile: prompts, encoding: .utf8),
                       try String(contentsOf: fixture.appendingPathComponent("prompts.jsonl"), encoding: .utf8))

        let offline = dir.appendingPathComponent("offline.sqlite").path
        let s = try runCLI(["score", "--prompts", prompts, "--answers", answersPath, "--db", offline, "--model-name", "torch-reference"])
        XCTAssertEqual(s.status, 0, s.stderr)
        XCTAssertTrue(s.stdout.contains("created run 1: 6 trials recorded, 0 already there; 6/6 cells, status finished"), s.stdout)

        let live = dir.appendingPathComponent("live.sqlite").path
        let r = try runCLI(["run"] + grid + ["--db", live])
        XCTAssertEqual(r.status, 0, r.stderr)

        let wide = try exportCSV(db: offline, in: dir)
        XCTAssertEqual(wide, try exportCSV(db: live, in: dir))
        XCTAssertEqual(wide.split(separator: "\n").count, 4)  // header + depths 0, 50, 100
        XCTAssertEqual(try exportCSV(db: offline, long: true, in: dir), try exportCSV(db: live, long: true, in: dir))
        let perTrial = "SELECT length, depth, trial, keys_json, expected_json, output, correct, score, prompt_tokens, needle_token_offset FROM trials ORDER BY length, depth, trial"
        XCTAssertEqual(try query(offline, perTrial), try query(live, perTrial))
        let runs = "SELECT task_hash, grid_json, seed, tokenizer_name, status FROM runs"
        XCTAssertEqual(try query(offline, runs), try query(live, runs))
        XCTAssertEqual(try query(offline, "SELECT backend, model_path, answers_path FROM runs"),
                       "backend,model_path,answers_path\noffline,torch-reference,\(answersPath)\n")
        XCTAssertEqual(try query(live, "SELECT backend FROM runs"), "backend\nin-process\n")
        let list = try runCLI(["runs", "--db", offline])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertTrue(list.stdout.contains("torch-reference"), list.stdout)
    }

    private func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// Every refusal exits 2, names the file and line, and leaves the database file unchanged.
    func testBadInputsExitTwoAndLeaveTheDatabaseUnchanged() throws {
        let dir = try folder()
        let prompts = fixture.appendingPathComponent("prompts.jsonl").path
        let db = dir.appendingPathComponent("r.sqlite").path
        let half = dir.appendingPathComponent("half.jsonl").path
        let lines = try String(contentsOfFile: answersPath, encoding: .utf8).split(separator: "\n").map(String.init)
        try (lines.prefix(3).joined(separator: "\n") + "\n").write(toFile: half, atomically: true, encoding: .utf8)
        XCTAssertEqual(try runCLI(["score", "--prompts", prompts, "--answers", half, "--db", db]).status, 0)
        let before = try bytes(db)

        var editedPrompts = try String(contentsOfFile: prompts, encoding: .utf8).split(separator: "\n").map(String.init)
        editedPrompts[3] = editedPrompts[3].replacingOccurrences(of: "\"seed\":7", with: "\"seed\":9")
        let edited = dir.appendingPathComponent("edited.jsonl").path
        try (editedPrompts.joined(separator: "\n") + "\n").write(toFile: edited, atomically: true, encoding: .utf8)

        let cases: [(prompts: String, answers: [String], message: String)] = [
            (prompts, [lines[3], "{\"id\": \"c3b1711b2fdf2ec7\", \"output\": "], "bad.jsonl:2: is not valid JSON"),
            (prompts, [lines[3], "{\"output\": \"1\"}"], "bad.jsonl:2: id: is missing"),
            (prompts, [lines[3], "{\"id\": \"ffffffffffffffff\", \"output\": \"1\"}"], "bad.jsonl:2: id: 'ffffffffffffffff' is not the id of any prompt"),
            (prompts, [lines[3], lines[4], lines[3].replacingOccurrences(of: "2752730.", with: "1.")], "bad.jsonl:3: id: '9c23379e72724a4b' was answered differently on line 1"),
            (prompts, [lines[3], "{\"id\": \"e3cea1b8b3ce27f1\", \"outputs\": [\"1.\", \"2.\"]}"], "bad.jsonl:2: outputs: has 2 answers"),
            (prompts, [lines[3], "{\"id\": \"e3cea1b8b3ce27f1\", \"output\": [\"1.\"]}"], "bad.jsonl:2: output: must be a string"),
            (prompts, [lines[3], "{\"id\": \"e3cea1b8b3ce27f1\", \"output\": \"1.\", \"decode_ms\": -1}"], "bad.jsonl:2: decode_ms: must be a number"),
            (prompts, [], "bad.jsonl: has no answers"),
            (prompts, [lines[3], lines[0].replacingOccurrences(of: "4946842.", with: "4946843.")], "bad.jsonl:2: output: run 1 already has a different answer"),
            (edited, [lines[3]], "edited.jsonl:4: run: differs from the run of line 1"),
        ]
        let bad = dir.appendingPathComponent("bad.jsonl").path
        for c in cases {
            try (c.answers.map { $0 + "\n" }.joined()).write(toFile: bad, atomically: true, encoding: .utf8)
            let r = try runCLI(["score", "--prompts", c.prompts, "--answers", bad, "--db", db])
            XCTAssertEqual(r.status, 2, "\(c.message): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(c.message), "expected '\(c.message)' in: \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("nothing was recorded"), r.stderr)
            XCTAssertEqual(try bytes(db), before, c.message)
        }
        // A bad file never creates the database either.
        let fresh = dir.appendingPathComponent("fresh.sqlite").path
        XCTAssertEqual(try runCLI(["score", "--prompts", edited, "--answers", answersPath, "--db", fresh]).status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: fresh))
    }

    func testImportingTwiceAddsNothingAndTheSecondHalfFinishesTheRun() throws {
        let dir = try folder()
        let prompts = fixture.appendingPathComponent("prompts.jsonl").path
        let db = dir.appendingPathComponent("r.sqlite").path
        let lines = try String(contentsOfFile: answersPath, encoding: .utf8).split(separator: "\n").map(String.init)
        let first = dir.appendingPathComponent("first.jsonl").path, second = dir.appendingPathComponent("second.jsonl").path
        try (lines.prefix(3).joined(separator: "\n") + "\n").write(toFile: first, atomically: true, encoding: .utf8)
        try (lines.suffix(3).joined(separator: "\n") + "\n").write(toFile: second, atomically: true, encoding: .utf8)

        XCTAssertEqual(try runCLI(["score", "--prompts", prompts, "--answers", first, "--db", db]).status, 0)
        let before = try bytes(db)
        let again = try runCLI(["score", "--prompts", prompts, "--answers", first, "--db", db])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("0 trials recorded, 3 already there; 3/6 cells, status interrupted"), again.stdout)
        XCTAssertEqual(try bytes(db), before)
        XCTAssertEqual(try query(db, "SELECT count(*) AS n, (SELECT status FROM runs) AS s FROM trials"), "n,s\n3,interrupted\n")
        let done = try runCLI(["score", "--prompts", prompts, "--answers", second, "--db", db])
        XCTAssertEqual(done.status, 0, done.stderr)
        XCTAssertTrue(done.stdout.contains("added to run 1: 3 trials recorded"), done.stdout)
        XCTAssertEqual(try query(db, "SELECT count(*) AS n, (SELECT status FROM runs) AS s, (SELECT count(*) FROM runs) AS r FROM trials"),
                       "n,s,r\n6,finished,1\n")
    }
}
