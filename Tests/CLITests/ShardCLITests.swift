import Foundation
import XCTest

/// `run --shard` and `merge` through the real CLI on a tiny grid and the small random-weight
/// fixture model: shards merged give the heatmap of one process byte for byte, a killed shard
/// resumes only itself, `--resume` on a merged run fills what is missing, bad values exit 2.
final class ShardCLITests: XCTestCase {
    let model = fixtureModel
    var dir: URL!

    override func setUpWithError() throws { dir = try makeTestFolder(self, prefix: "shard") }

    private func file(_ name: String) -> String { dir.appendingPathComponent(name).path }
    private var grid: [String] { ["--model", model, "--lengths", "1K,2K", "--depths", "0,50,100", "--trials", "1"] }

    private func run(_ args: [String], env: [String: String] = [:]) throws -> CLIResult {
        let r = try runCLI(["run"] + args + grid, environment: env)
        XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
        return r
    }

    private func heatmap(_ db: String) throws -> String {
        let out = file(UUID().uuidString + ".csv")
        let r = try runCLI(["export", "heatmap", "--db", db, "--format", "csv", "--out", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try String(contentsOfFile: out, encoding: .utf8)
    }

    private func scalar(_ db: String, _ sql: String) throws -> String {
        let r = try runCLI(["query", "--db", db, "--csv", sql])
        XCTAssertEqual(r.status, 0, r.stderr)
        return String(r.stdout.split(separator: "\n").last ?? "")
    }

    func testMergedShardsExportTheHeatmapOfOneProcessAndMergeAgainChangesNothing() throws {
        _ = try run(["--db", file("single.sqlite")])
        for i in 1...3 { _ = try run(["--db", file("s\(i).sqlite"), "--shard", "\(i)/3"]) }
        XCTAssertEqual(try scalar(file("s2.sqlite"), "SELECT shard_index || '/' || shard_count FROM runs"), "2/3")
        let shards = (1...3).map { file("s\($0).sqlite") }
        let m = try runCLI(["merge", file("merged.sqlite")] + shards)
        XCTAssertEqual(m.status, 0, m.stderr)
        XCTAssertTrue(m.stdout.contains("added 6 trials") && m.stdout.contains("6/6 cells"), m.stdout)
        XCTAssertEqual(try heatmap(file("merged.sqlite")), try heatmap(file("single.sqlite")))
        let again = try runCLI(["merge", file("merged.sqlite")] + shards)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("added 0 trials, 6 already there"), again.stdout)
        XCTAssertEqual(try scalar(file("merged.sqlite"), "SELECT count(*) || ' ' || min(status) FROM runs"), "1 finished")
    }

    /// A merge missing a shard reports its cells; `run --resume` on the merged run fills them.
    func testResumeOnAMergedRunFillsWhatIsMissing() throws {
        _ = try run(["--db", file("single.sqlite")])
        for i in [1, 3] { _ = try run(["--db", file("s\(i).sqlite"), "--shard", "\(i)/3"]) }
        let m = try runCLI(["merge", file("merged.sqlite"), file("s1.sqlite"), file("s3.sqlite")])
        XCTAssertEqual(m.status, 0, m.stderr)
        XCTAssertTrue(m.stdout.contains("missing: "), m.stdout)
        let r = try run(["--db", file("merged.sqlite"), "--resume"])
        XCTAssertTrue(r.stderr.contains("resuming run 1"), r.stderr)
        XCTAssertEqual(try heatmap(file("merged.sqlite")), try heatmap(file("single.sqlite")))
        XCTAssertEqual(try scalar(file("merged.sqlite"), "SELECT count(*) FROM trials"), "6")
    }

    func testMergeRefusesAnotherRunDefinitionAndWritesNothing() throws {
        _ = try run(["--db", file("s1.sqlite"), "--shard", "1/2"])
        _ = try run(["--db", file("s2.sqlite"), "--shard", "2/2", "--seed", "99"])
        let m = try runCLI(["merge", file("out.sqlite"), file("s1.sqlite"), file("s2.sqlite")])
        XCTAssertEqual(m.status, 2, m.stderr)
        XCTAssertTrue(m.stderr.contains(file("s2.sqlite")) && m.stderr.contains("seed"), m.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file("out.sqlite")))
    }

    /// A shard killed mid-run resumes only itself: its run (1/2) gets exactly its own cells; an
    /// unsharded --resume does not pick the shard's run up.
    func testAKilledShardResumesOnlyItself() throws {
        let db = file("s1.sqlite")
        // Slow enough (every prompt prefilled on its own, up to 64K: ~6 s in a debug build) that the
        // kill lands mid-run even when each poll below is slow (a sanitizer build: ~1 s per query).
        // A run that finished before its kill would be started anew by --resume, not resumed.
        let slow = ["--model", model, "--lengths", "4K,16K,64K", "--depths", "0,50,100", "--trials", "2"]
        let process = try startCLI(["run", "--db", db, "--shard", "1/2", "--no-kv-reuse"] + slow)
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if let r = try? runCLI(["query", "--db", db, "--csv", "SELECT count(*) FROM trials"]), r.status == 0,
               let n = Int(r.stdout.split(separator: "\n").last ?? ""), n >= 1 { break }
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let before = Int(try scalar(db, "SELECT count(*) FROM trials"))!
        XCTAssertEqual(try scalar(db, "SELECT status FROM runs"), "running", "the kill landed after the run finished")
        let r = try runCLI(["run", "--db", db, "--resume", "--shard", "1/2", "--no-kv-reuse"] + slow)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("resuming run 1"), r.stderr)
        let mine = try scalar(db, "SELECT count(*) || ' ' || count(DISTINCT length || '/' || depth || '/' || trial) FROM trials")
        let whole = try runCLI(["shards", "--count", "2"] + slow.dropFirst(2))
        XCTAssertEqual(whole.status, 0, whole.stderr)
        let planned = whole.stdout.split(separator: "\n")[2].split(separator: " ", omittingEmptySubsequences: true)[1]
        XCTAssertEqual(mine, "\(planned) \(planned)", "before the kill: \(before)")
        XCTAssertEqual(try scalar(db, "SELECT shard_index || '/' || shard_count || ' ' || status FROM runs"), "1/2 finished")
        let unsharded = try runCLI(["run", "--db", db, "--resume"] + slow)
        XCTAssertTrue(unsharded.stderr.contains("starting a new one"), unsharded.stderr)
    }

    func testShardAutoReadsSlurmsArrayVariables() throws {
        let env = ["SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_COUNT": "3"]
        _ = try run(["--db", file("auto.sqlite"), "--shard", "auto"], env: env)
        XCTAssertEqual(try scalar(file("auto.sqlite"), "SELECT shard_index || '/' || shard_count FROM runs"), "3/3")
    }

    func testBadShardValuesExitTwoBeforeAnyWork() throws {
        var cases = [("0/3", "numbered from 1"), ("4/3", "numbered from 1"), ("two", "is not I/N")]
        // `auto` outside a scheduler (this test may itself run inside a Slurm job).
        let env = ProcessInfo.processInfo.environment
        if env["SLURM_ARRAY_TASK_ID"] == nil && env["JOB_COMPLETION_INDEX"] == nil { cases.append(("auto", "SLURM_ARRAY_TASK_ID")) }
        for (value, fragment) in cases {
            let r = try runCLI(["run", "--db", file("bad.sqlite"), "--shard", value] + grid)
            XCTAssertEqual(r.status, 2, "\(value): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("--shard") && r.stderr.contains(fragment), "\(value): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: file("bad.sqlite")))
        }
        let m = try runCLI(["merge", file("out.sqlite")])
        XCTAssertEqual(m.status, 2, m.stderr)
    }
}
