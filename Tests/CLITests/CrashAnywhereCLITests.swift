import Foundation
import XCTest

/// scripts/hardening/crash_anywhere.py with a few kills on a tiny grid: `run`, `merge` and
/// `run --backend http` (against `serve`, through a proxy dropping 20% of completion requests)
/// killed with SIGKILL at seeded random moments and resumed must record every trial exactly once,
/// keep the file intact and answer like an uninterrupted run. The script's default (50 kills
/// each) is for people; see docs/HARDENING.md.
final class CrashAnywhereCLITests: XCTestCase {
    func testRunMergeAndHTTPRunKilledAnywhereLoseAndRepeatNothing() throws {
        let script = repositoryRoot.appendingPathComponent("scripts/hardening/crash_anywhere.py").path
        let r = try runPython([script, "--binary", needleEvalExecutable().path, "--kills", "8", "--seed", "5",
                               "--lengths", "1K,2K", "--depths", "0,50,100", "--trials", "2", "--shards", "2"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("ok: every trial exactly once (12 planned per file)"), r.stdout)
        // Kills that all missed (every process done before its moment) would prove nothing.
        for name in ["run", "merge", "http"] {
            XCTAssertGreaterThan(try landedKills(name, in: r.stdout), 0, r.stdout)
        }
    }

    /// "N" of the script's "NAME: ... K kills, N landed mid-NAME" line.
    private func landedKills(_ name: String, in output: String) throws -> Int {
        let line = try XCTUnwrap(output.split(separator: "\n").first { $0.hasPrefix("\(name):") })
        let words = line.split(separator: " ")
        let index = try XCTUnwrap(words.firstIndex(of: "landed"))
        return try XCTUnwrap(Int(words[index - 1]))
    }
}
