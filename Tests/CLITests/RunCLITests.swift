import Foundation
import XCTest

/// End to end through the real CLI, runtime and SQLite, on a small random-weight model (the
/// runtime's parity fixture), so the mechanics are tested independently of the trained model:
/// rows, heatmap files, resume after SIGKILL, bad flags, memory refusal.
final class RunCLITests: XCTestCase {
    let model = fixtureModel
    var dir: URL!

    override func setUpWithError() throws { dir = try makeTestFolder(self, prefix: "run") }

    private var db: String { dir.appendingPathComponent("results.sqlite").path }
    private var grid: [String] { ["--model", model, "--lengths", "2K,4K", "--depths", "0,50,100", "--trials", "2"] }

    private func count(_ sql: String) throws -> Int {
        let r = try runCLI(["query", "--db", db, "--csv", sql])
        XCTAssertEqual(r.status, 0, r.stderr)
        return Int(r.stdout.split(separator: "\n").last!.trimmingCharacters(in: .whitespaces))!
    }

    /// The count, or nil while the database cannot answer yet: a poller may open the file after the
    /// run created it and before its schema is committed ("no such table"), which is not a failure.
    private func countIfReady(_ sql: String) -> Int? {
        guard let r = try? runCLI(["query", "--db", db, "--csv", sql]), r.status == 0,
              let last = r.stdout.split(separator: "\n").last else { return nil }
        return Int(last.trimmingCharacters(in: .whitespaces))
    }

    func testRunRecordsEveryTrialAndExportsTheHeatmap() throws {
        let r = try runCLI(["run", "--db", db] + grid)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try count("SELECT COUNT(*) FROM trials"), 12)
        XCTAssertEqual(try count("SELECT COUNT(*) FROM trials WHERE prompt_tokens = length AND prefill_ms > 0 AND kv_bytes > 0 AND peak_rss_bytes > 0"), 12)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results-run1-heatmap.csv").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results-run1-heatmap.svg").path))
        XCTAssertEqual(try count("SELECT COUNT(*) FROM runs WHERE status = 'finished'"), 1)
        XCTAssertEqual(try count("SELECT COUNT(*) FROM runs WHERE tokenizer_name = 'bytes' AND length(tokenizer_sha256) = 64"), 1)
        XCTAssertTrue(r.stdout.contains("run 1"), r.stdout)

        let csv = dir.appendingPathComponent("h.csv")
        let e = try runCLI(["export", "heatmap", "--db", db, "--format", "csv", "--out", csv.path])
        XCTAssertEqual(e.status, 0, e.stderr)
        let lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.first, "depth_percent,2048,4096")
        XCTAssertEqual(lines.count, 4)
    }

    /// Grid-level KV reuse (the default) must answer exactly like prefilling every prompt on
    /// its own, here with 4 needles per prompt (several splices each). The shipped model, whose
    /// answers depend on the prompt (the random fixture answers every prompt alike).
    func testKVReuseAnswersLikeIndependentPrefill() throws {
        let task = repositoryRoot.appendingPathComponent("tasks/multi_needle.json").path
        let shipped = repositoryRoot.appendingPathComponent("models/yoco-niah-tiny").path
        var outputs: [String] = []
        for (name, extra) in [("reuse", [String]()), ("plain", ["--no-kv-reuse"])] {
            let path = dir.appendingPathComponent("\(name).sqlite").path
            let r = try runCLI(["run", "--db", path, "--task", task, "--model", shipped, "--lengths", "2K,4K",
                                "--depths", "0,50,100", "--trials", "1"] + extra)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stderr.contains("prefilled the shared haystack"), extra.isEmpty, r.stderr)
            let q = try runCLI(["query", "--db", path, "--csv", "SELECT length, depth, trial, output FROM trials ORDER BY 1, 2, 3"])
            XCTAssertEqual(q.status, 0, q.stderr)
            XCTAssertEqual(q.stdout.split(separator: "\n").count, 7, q.stdout)
            outputs.append(q.stdout)
        }
        XCTAssertEqual(outputs[0], outputs[1])
        XCTAssertGreaterThan(Set(outputs[0].split(separator: "\n").map { $0.split(separator: ",").last ?? "" }).count, 3,
                             "answers should differ between prompts: \(outputs[0])")
    }

    func testResumeAfterKillLosesAndRepeatsNothing() throws {
        // Longer prompts, so the kill lands mid-run.
        let slow = ["--model", model, "--lengths", "4K,16K", "--depths", "0,50,100", "--trials", "2"]
        let process = try startCLI(["run", "--db", db] + slow)
        // Kill it once a few trials are in (polling the database like any reader would).
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: db),
               let n = countIfReady("SELECT COUNT(*) FROM trials"), n >= 3 { break }
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let before = try count("SELECT COUNT(*) FROM trials")
        XCTAssertGreaterThanOrEqual(before, 3)
        XCTAssertLessThan(before, 12, "the kill must land before the run ends")

        let r = try runCLI(["run", "--db", db, "--resume"] + slow)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("resuming run 1"), r.stderr)
        XCTAssertEqual(try count("SELECT COUNT(*) FROM trials"), 12)
        XCTAssertEqual(try count("SELECT COUNT(DISTINCT length || '/' || depth || '/' || trial) FROM trials"), 12)
        XCTAssertEqual(try count("SELECT COUNT(*) FROM runs"), 1)
    }

    func testBadFlagsExitTwoBeforeAnyWork() throws {
        let cases: [([String], String)] = [
            (["--length", "0"], "--length"), (["--depths", "120"], "--depths"), (["--trials", "-1"], "--trials"),
            (["--model", dir.path], "config.json"), (["--task", "README.md"], "README.md"),
            // The in-process model reads bytes: lengths in another tokenizer's tokens are refused.
            (["--tokenizer", repositoryRoot.appendingPathComponent("Tests/NeedleEvalTests/Fixtures/cl100k_style/ranks.tiktoken").path],
             "reads bytes"),
        ]
        for (args, fragment) in cases {
            let r = try runCLI(["run", "--db", db, "--model", model] + args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(fragment), "\(args): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: db), "\(args) must not create the database")
        }
    }

    func testALengthThatCannotFitIsRefused() throws {
        let r = try runCLI(["run", "--db", db, "--model", model, "--lengths", "1M", "--depths", "50", "--max-memory", "64M"])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("--max-memory"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: db))
    }
}

/// The shipped model through the real CLI: it must retrieve single needles at small lengths.
final class EmbeddedModelTests: XCTestCase {
    func testEmbeddedModelRetrievesSingleNeedlesAt2KTo8K() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("embedded-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("r.sqlite").path
        let r = try runCLI(["run", "--db", db, "--lengths", "2K,4K,8K", "--depths", "0,50,100", "--trials", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let q = try runCLI(["query", "--db", db, "--csv", "SELECT COUNT(*), SUM(correct) FROM trials"])
        let fields = q.stdout.split(separator: "\n").last!.split(separator: ",").map { Int($0)! }
        XCTAssertEqual(fields[0], 18)
        XCTAssertGreaterThanOrEqual(Double(fields[1]) / 18, 0.9, r.stdout)
    }
}
