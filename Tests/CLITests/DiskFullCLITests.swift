import Foundation
import XCTest

/// `run` and `export` on a filesystem that fills up or is mounted read-only (small tmpfs mounts):
/// one clear message naming the file and the cause, committed trials kept, `--resume` finishing
/// once there is room, and no half-written or temporary output file. Needs root to mount: skipped
/// without it, failed when CI is set (CI runs as root).
final class DiskFullCLITests: XCTestCase {
    let model = fixtureModel
    var dir: URL!

    override func setUpWithError() throws { dir = try makeTestFolder(self, prefix: "diskfull") }

    /// 180 trials: far more than 512 KiB of database and write-ahead log holds.
    private var bigGrid: [String] { ["--model", model, "--lengths", "1K", "--depths", "0,50,100", "--trials", "60"] }

    func testRunOnAFullDiskStopsWithOneMessageKeepsItsTrialsAndResumesOnceThereIsRoom() throws {
        let mount = try mountTmpfs("size=512k")
        let db = mount.appendingPathComponent("results.sqlite").path
        let full = try runCLI(["run", "--db", db] + bigGrid)
        XCTAssertEqual(full.status, 1, full.stderr)
        XCTAssertEqual(full.stderr.components(separatedBy: "Error:").count, 2, "one message: \(full.stderr)")
        for fragment in ["\(db):", "the disk is full", "needle-eval run --resume"] {
            XCTAssertTrue(full.stderr.contains(fragment), "\(fragment): \(full.stderr)")
        }
        XCTAssertEqual(try query(db, "PRAGMA integrity_check"), "ok")
        let kept = try query(db, "SELECT group_concat(length || '/' || depth || '/' || trial || '/' || finished_at, ' ') FROM trials")
        let keptCount = kept.split(separator: " ").count
        XCTAssertTrue((1..<180).contains(keptCount), "the disk must fill mid-run: \(keptCount) trials")

        try remount(mount, "remount,size=8m")
        let resumed = try runCLI(["run", "--db", db, "--resume"] + bigGrid)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("resuming run 1"), resumed.stderr)
        XCTAssertEqual(try query(db, "SELECT COUNT(*) || ' ' || COUNT(DISTINCT length || '/' || depth || '/' || trial) FROM trials"), "180 180")
        // The trials finished before the disk filled are the same rows, not redone.
        let after = Set(try query(db, "SELECT group_concat(length || '/' || depth || '/' || trial || '/' || finished_at, ' ') FROM trials").split(separator: " "))
        XCTAssertTrue(Set(kept.split(separator: " ")).isSubset(of: after))
        XCTAssertEqual(try query(db, "PRAGMA integrity_check"), "ok")
    }

    func testExportOnAFullDiskLeavesNoFileAndSaysTheDiskIsFull() throws {
        let db = try smallRun()
        let mount = try mountTmpfs("size=64k")
        try fill(mount.appendingPathComponent("filler"))
        for format in ["csv", "svg"] {
            let out = mount.appendingPathComponent("heatmap.\(format)").path
            let r = try runCLI(["export", "heatmap", "--db", db, "--format", format, "--out", out])
            XCTAssertEqual(r.status, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("\(out): the disk is full"), r.stderr)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mount.path), ["filler"],
                           "no half-written or temporary file")
        }
    }

    func testAReadOnlyMountIsNamedForTheDatabaseAndTheOutput() throws {
        let db = try smallRun()
        let mount = try mountTmpfs("size=1m")
        let existing = mount.appendingPathComponent("existing.sqlite").path
        let grid = ["--model", model, "--lengths", "1K", "--depths", "50"]
        XCTAssertEqual(try runCLI(["run", "--db", existing] + grid).status, 0)
        let before = try FileManager.default.contentsOfDirectory(atPath: mount.path).sorted()
        try remount(mount, "remount,ro")

        let cases: [(args: [String], file: String)] = [
            (["run", "--db", mount.appendingPathComponent("new.sqlite").path] + grid, "new.sqlite"),
            (["run", "--db", existing, "--trials", "3"] + grid, "existing.sqlite"),
            (["export", "heatmap", "--db", db, "--format", "csv", "--out", mount.appendingPathComponent("h.csv").path], "h.csv"),
        ]
        for (args, file) in cases {
            let r = try runCLI(args)
            XCTAssertEqual(r.status, 1, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("\(file):") && r.stderr.contains("is read-only"), "\(args): \(r.stderr)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mount.path).sorted(), before,
                       "nothing new on the read-only mount")
    }

    // MARK: Helpers

    /// A finished 3-trial run in the test folder (on the ordinary disk), to export from.
    private func smallRun() throws -> String {
        let db = dir.appendingPathComponent("small.sqlite").path
        let r = try runCLI(["run", "--db", db, "--model", model, "--lengths", "1K", "--depths", "0,50,100"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return db
    }

    /// The last line of `needle-eval query --csv SQL` (a single value).
    private func query(_ db: String, _ sql: String) throws -> String {
        let r = try runCLI(["query", "--db", db, "--csv", sql])
        XCTAssertEqual(r.status, 0, r.stderr)
        return String(r.stdout.split(separator: "\n").last ?? "")
    }

    /// Writes zeros to `file` until the filesystem is full.
    private func fill(_ file: URL) throws {
        FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        let block = Data(count: 4096)
        while (try? handle.write(contentsOf: block)) != nil {}
    }

    /// A fresh tmpfs with mount `options` inside the test folder, unmounted when the test ends.
    private func mountTmpfs(_ options: String) throws -> URL {
        let mount = dir.appendingPathComponent("mnt")
        try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: true)
        let r = try command("/bin/mount", ["-t", "tmpfs", "-o", options, "tmpfs", mount.path])
        guard r.status == 0 else {
            let why = "cannot mount a tmpfs (\(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines))); needs root"
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("CI runs as root: \(why)") }
            throw XCTSkip(why)
        }
        // Teardown blocks run last-added first: unmounted before the folder is removed.
        addTeardownBlock { _ = try? self.command("/bin/umount", [mount.path]) }
        return mount
    }

    private func remount(_ mount: URL, _ options: String) throws {
        let r = try command("/bin/mount", ["-o", options, mount.path])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    private func command(_ executable: String, _ arguments: [String]) throws -> CLIResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return CLIResult(status: process.terminationStatus, stdout: "", stderr: stderr)
    }
}
