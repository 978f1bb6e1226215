import Foundation
import XCTest
import NeedleEval

/// `needle-eval report` as a user runs it: the files it writes and every refusal, each of which
/// exits non-zero, names the flag or file and the fix, and leaves no file (or the old one) behind.
final class ReportCLITests: XCTestCase {
    /// makeResultsFile's run 1 plus a second model on the same task and grid.
    private func makeTwoRuns() throws -> (folder: URL, path: String) {
        let (folder, path) = try makeResultsFile(self)
        let store = try ResultsStore(path: path)
        let grid = TrialPlan(lengths: [1024, 2048], depths: [0, 100], trials: 2)
        let id = try store.createRun(RunRecord(
            modelPath: "checkpoints/older", modelSHA256: "sha2", taskName: "niah_single", taskJSON: "{}",
            taskHash: "h", gridJSON: grid.json, seed: 1, toolVersion: "0.1.0", host: "test"))
        for key in grid.cells {
            try store.record(TrialRecord(runID: id, length: key.length, depth: key.depth, trial: key.trial,
                                         keysJSON: "[\"k\"]", expectedJSON: "[\"1\"]", output: "2", correct: false,
                                         score: 0, promptTokens: key.length, needleTokenOffset: 0))
        }
        try store.setStatus(runID: id, .finished)
        return (folder, path)
    }

    private func contents(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    func testWritesTheHTMLPageAndTheMarkdown() throws {
        let (folder, _) = try makeTwoRuns()
        let html = try runCLI(["report", "--out", "report.html"], cwd: folder)
        XCTAssertEqual(html.status, 0, html.stderr)
        XCTAssertEqual(html.stdout, "wrote report.html\n")
        let page = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(page.hasPrefix("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">"))
        for id in ["run-1", "run-2", "diff-2-vs-1", "by-length-chart"] {
            XCTAssertTrue(page.contains("<figure id=\"\(id)\">"), id)
        }
        XCTAssertTrue(page.hasSuffix("</html>\n"))

        let md = try runCLI(["report", "--runs", "2,1", "--format", "md", "--out", "report.md"], cwd: folder)
        XCTAssertEqual(md.status, 0, md.stderr)
        let text = try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("# needle-eval report: 2 runs\n\nRuns 2, 1 of needle-eval.sqlite"), text)
        // Run 1 is now compared against run 2, the first given: 4 correct of 4 against none.
        XCTAssertTrue(text.contains("| 1K | 0% | 0/2 | 2/2 | +1.000 | 0.333 | 1 | no |"), text)
        XCTAssertEqual(try contents(folder).filter { !$0.hasPrefix("needle-eval.sqlite") }, ["report.html", "report.md"])
    }

    func testUnknownRunsAndTasksExit2AndKeepTheOldFile() throws {
        let (folder, _) = try makeTwoRuns()
        let out = folder.appendingPathComponent("report.html")
        try "old\n".write(to: out, atomically: true, encoding: .utf8)

        let runs = try runCLI(["report", "--runs", "1,9", "--out", "report.html"], cwd: folder)
        XCTAssertEqual(runs.status, 2, runs.stderr)
        XCTAssertTrue(runs.stderr.contains("needle-eval.sqlite: no run with id 9 (--runs)"), runs.stderr)
        XCTAssertTrue(runs.stderr.contains("fix: pass ids that `needle-eval runs --db needle-eval.sqlite` lists"), runs.stderr)

        let task = try runCLI(["report", "--task", "multi_needle", "--out", "report.html"], cwd: folder)
        XCTAssertEqual(task.status, 2, task.stderr)
        XCTAssertTrue(task.stderr.contains("no runs of task 'multi_needle' (--task)\n  fix: pass one of: niah_single"), task.stderr)

        XCTAssertEqual(try String(contentsOf: out, encoding: .utf8), "old\n")
        XCTAssertFalse(try contents(folder).contains { $0.hasSuffix(".partial") })
    }

    func testBadFlagsExit2() throws {
        let (folder, _) = try makeTwoRuns()
        let cases: [([String], String)] = [
            (["--runs", "1,x"], "--runs entry 'x' is not a run id"),
            (["--runs", "0"], "--runs entry '0' is not a run id"),
            (["--runs", "1", "--task", "niah_single"], "--runs and --task cannot be used together"),
            (["--format", "pdf"], "--format"),
            (["--task", ""], "--task needs a task name"),
        ]
        for (flags, message) in cases {
            let r = try runCLI(["report"] + flags + ["--out", "r.html"], cwd: folder)
            XCTAssertEqual(r.status, 2, "\(flags): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(flags): \(r.stderr)")
        }
        let noOut = try runCLI(["report"], cwd: folder)
        XCTAssertEqual(noOut.status, 2)
        XCTAssertTrue(noOut.stderr.contains("--out"), noOut.stderr)
        XCTAssertFalse(try contents(folder).contains("r.html"))
    }

    func testMissingDatabaseEmptyDatabaseAndUnwritableOut() throws {
        let (folder, path) = try makeTwoRuns()
        let missing = try runCLI(["report", "--db", "none.sqlite", "--out", "r.html"], cwd: folder)
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("none.sqlite: no such database file"), missing.stderr)
        XCTAssertTrue(missing.stderr.contains("--db"), missing.stderr)

        _ = try ResultsStore(path: folder.appendingPathComponent("empty.sqlite").path)
        let empty = try runCLI(["report", "--db", "empty.sqlite", "--out", "r.html"], cwd: folder)
        XCTAssertNotEqual(empty.status, 0)
        XCTAssertTrue(empty.stderr.contains("empty.sqlite: no runs in this database"), empty.stderr)

        let noFolder = try runCLI(["report", "--db", path, "--out", "no/such/dir/r.html"], cwd: folder)
        XCTAssertNotEqual(noFolder.status, 0)
        XCTAssertTrue(noFolder.stderr.contains("no/such/dir/r.html") && noFolder.stderr.contains("--out"), noFolder.stderr)

        // A folder in the way: the rename fails (as root too, where permissions would not stop it).
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("taken.html/inside"),
                                                withIntermediateDirectories: true)
        let taken = try runCLI(["report", "--db", path, "--out", "taken.html"], cwd: folder)
        XCTAssertNotEqual(taken.status, 0)
        XCTAssertTrue(taken.stderr.contains("taken.html: cannot replace the file") && taken.stderr.contains("--out"), taken.stderr)

        let left = try contents(folder)
        XCTAssertFalse(left.contains { $0 == "none.sqlite" || $0 == "r.html" || $0.hasSuffix(".partial") }, "\(left)")
    }
}
