import Foundation
import XCTest
import NeedleEval

final class ExportCLITests: XCTestCase {
    func testWideAndLongCSVOfTheLatestRun() throws {
        let (folder, path) = try makeResultsFile(self)
        let wide = folder.appendingPathComponent("wide.csv").path
        let r = try runCLI(["export", "heatmap", "--db", path, "--format", "csv", "--out", wide])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try String(contentsOfFile: wide, encoding: .utf8), """
            depth_percent,1024,2048
            0,1.000,1.000
            100,1.000,0.500

            """)
        let long = folder.appendingPathComponent("long.csv").path
        let l = try runCLI(["export", "heatmap", "--db", path, "--run", "1", "--format", "csv", "--long", "--out", long])
        XCTAssertEqual(l.status, 0, l.stderr)
        XCTAssertEqual(try String(contentsOfFile: long, encoding: .utf8), """
            length,depth_percent,trials,correct,accuracy,ci_low,ci_high
            1024,0,2,2,1.000,0.342,1.000
            1024,100,2,2,1.000,0.342,1.000
            2048,0,2,2,1.000,0.342,1.000
            2048,100,2,1,0.500,0.095,0.905

            """)
    }

    func testSVG() throws {
        let (folder, _) = try makeResultsFile(self)
        let r = try runCLI(["export", "heatmap", "--format", "svg", "--out", "map.svg"], cwd: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        let svg = try String(contentsOf: folder.appendingPathComponent("map.svg"), encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<?xml"))
        XCTAssertTrue(svg.contains("models/yoco-niah-tiny · niah_single · run 1 · 2 trials per cell"))
        XCTAssertTrue(svg.hasSuffix("</svg>\n"))
    }

    func testAMissingRunWritesNothing() throws {
        let (folder, path) = try makeResultsFile(self)
        let out = folder.appendingPathComponent("x.csv").path
        let r = try runCLI(["export", "heatmap", "--db", path, "--run", "9", "--format", "csv", "--out", out])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("no run with id 9"), r.stderr)
        XCTAssertTrue(r.stderr.contains("needle-eval runs"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testBadFlagsAndPaths() throws {
        let (folder, path) = try makeResultsFile(self)
        let missingDB = folder.appendingPathComponent("none.sqlite").path
        let a = try runCLI(["export", "heatmap", "--db", missingDB, "--format", "csv", "--out", "x.csv"], cwd: folder)
        XCTAssertNotEqual(a.status, 0)
        XCTAssertTrue(a.stderr.contains("no such database file"), a.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: missingDB))

        let b = try runCLI(["export", "heatmap", "--db", path, "--format", "svg", "--long", "--out", "x.svg"], cwd: folder)
        XCTAssertNotEqual(b.status, 0)
        XCTAssertTrue(b.stderr.contains("--long applies to --format csv"), b.stderr)

        let c = try runCLI(["export", "heatmap", "--db", path, "--format", "png", "--out", "x.png"], cwd: folder)
        XCTAssertNotEqual(c.status, 0)
        XCTAssertTrue(c.stderr.contains("--format"), c.stderr)

        let d = try runCLI(["export", "heatmap", "--db", path, "--format", "csv", "--out", "no/such/dir/x.csv"], cwd: folder)
        XCTAssertNotEqual(d.status, 0)
        XCTAssertTrue(d.stderr.contains("no/such/dir/x.csv") && d.stderr.contains("--out"), d.stderr)
    }

    func testAnEmptyDatabaseHasNoRunToExport() throws {
        let (folder, _) = try makeResultsFile(self)
        let empty = folder.appendingPathComponent("empty.sqlite").path
        _ = try ResultsStore(path: empty)
        let r = try runCLI(["export", "heatmap", "--db", empty, "--format", "csv", "--out", "x.csv"], cwd: folder)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("no runs in this database"), r.stderr)
    }

    func testRunsListsProgressAndAccuracy() throws {
        let (folder, path) = try makeResultsFile(self)
        let store = try ResultsStore(path: path)
        _ = try store.createRun(RunRecord(
            modelPath: "models/other", modelSHA256: "s2", taskName: "niah_multikey", taskJSON: "{}", taskHash: "h2",
            gridJSON: TrialPlan(lengths: [1_048_576], depths: [50], trials: 5).json, seed: 2, toolVersion: "0.1.0",
            host: "test", startedAt: Date(timeIntervalSince1970: 1_800_000_060)))
        let r = try runCLI(["runs"], cwd: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, """
            id  model                  task           done  accuracy  status    started
            --  ---------------------  -------------  ----  --------  --------  ------------------------
             1  models/yoco-niah-tiny  niah_single    8/8      0.875  finished  2027-01-15T08:00:00.000Z
             2  models/other           niah_multikey  0/5             running   2027-01-15T08:01:00.000Z

            """)
    }
}
