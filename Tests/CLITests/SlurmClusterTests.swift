import Foundation
import XCTest

/// examples/slurm on a real one-node Slurm cluster (scripts/slurm/test_cluster.sh): an array of 3
/// shards and the dependent merge give the heatmap of one process. Skipped where slurm-wlm and
/// munge are not installed (or not root), except under CI, where that is a failure.
final class SlurmClusterTests: XCTestCase {
    func testArrayJobAndMergeGiveTheSingleProcessHeatmap() throws {
        let script = repositoryRoot.appendingPathComponent("scripts/slurm/test_cluster.sh")
        let process = Process()
        process.executableURL = script
        process.currentDirectoryURL = repositoryRoot
        var env = ProcessInfo.processInfo.environment
        env["NEEDLE_EVAL"] = needleEvalExecutable().path
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 77 {
            let reason = text.split(separator: "\n").last.map(String.init) ?? "cannot run here"
            if ProcessInfo.processInfo.environment["CI"] != nil {
                XCTFail("CI must run the Slurm test: \(reason)")
                return
            }
            throw XCTSkip(reason)
        }
        XCTAssertEqual(process.terminationStatus, 0, text)
        XCTAssertTrue(text.contains("heatmap equals the single-process run"), text)
    }
}
