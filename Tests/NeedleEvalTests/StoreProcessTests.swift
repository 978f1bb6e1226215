import Foundation
import XCTest
import NeedleEval

/// Real processes against one file: a writer killed with SIGKILL at random moments, and two
/// writers at once. The child is this same test binary running `testChildWriter`, which is the
/// resume loop of the `run` command reduced to the store calls: skip completed cells, record the
/// rest, report each commit on stdout.
final class StoreProcessTests: XCTestCase {
    static let childDB = "NEEDLE_EVAL_STORE_CHILD_DB"
    static let childRun = "NEEDLE_EVAL_STORE_CHILD_RUN"
    static let childTotal = "NEEDLE_EVAL_STORE_CHILD_TOTAL"

    /// The key of the i-th trial a child writes.
    static func key(_ i: Int) -> TrialKey { TrialKey(length: 1024, depth: i % 101, trial: i / 101) }

    func testChildWriter() throws {
        let env = ProcessInfo.processInfo.environment
        guard let path = env[Self.childDB], let total = env[Self.childTotal].flatMap(Int.init) else {
            throw XCTSkip("runs only as the child process of the other StoreProcessTests")
        }
        let store = try ResultsStore(path: path)
        let runID = try env[Self.childRun].flatMap(Int64.init) ?? store.createRun(sampleRun())
        let done = try store.completedCells(runID: runID)
        for i in 0..<total where !done.contains(Self.key(i)) {
            try store.record(sampleTrial(runID: runID, Self.key(i), correct: i % 3 != 0))
            print("committed \(i)")
            fflush(nil)
        }
    }

    func testAWriterKilledAtAnyMomentLeavesEveryCommittedTrialExactlyOnce() throws {
        let folder = try makeTemporaryFolder(self)
        let path = folder.appendingPathComponent("killed.sqlite").path
        let runID = try ResultsStore(path: path).createRun(sampleRun())
        // Enough trials that no child finishes before its kill: a child records one in well
        // under a millisecond, so the kill lands mid-loop, often mid-transaction.
        let total = 20_000
        var known = Set<TrialKey>()  // in the file after the previous round
        for round in 0..<5 {
            let child = try ChildWriter(db: path, run: runID, total: total, log: folder.appendingPathComponent("child\(round).err"))
            if round == 0 {
                // Anywhere from process start-up through opening the file to the first trials.
                usleep(UInt32.random(in: 0...120_000))
            } else {
                XCTAssertTrue(child.read(untilCommitted: Int.random(in: 1...400)), child.diagnostics)
            }
            kill(child.process.processIdentifier, SIGKILL)
            child.finish()
            XCTAssertEqual(child.process.terminationReason, .uncaughtSignal, child.diagnostics)
            XCTAssertEqual(child.process.terminationStatus, SIGKILL)

            // The file opens and is intact; it holds every trial the child reported, once, plus
            // at most the one trial committed between its commit and its report line.
            let store = try ResultsStore(path: path)
            let check = try store.database.prepare("PRAGMA integrity_check")
            XCTAssertTrue(try check.step())
            XCTAssertEqual(check.string(at: 0), "ok")
            let cells = try store.completedCells(runID: runID)
            let expected = known.union(child.committed.map(Self.key))
            XCTAssertTrue(expected.isSubset(of: cells), "round \(round): a reported trial is missing")
            XCTAssertLessThanOrEqual(cells.count, expected.count + 1, "round \(round)")
            XCTAssertEqual(try store.trials(runID: runID).count, cells.count)  // no key twice
            XCTAssertLessThan(cells.count, total, "round \(round): the child finished before its kill")
            known = cells
        }
        // Resuming finishes the grid with no trial lost or repeated.
        let last = try ChildWriter(db: path, run: runID, total: total, log: folder.appendingPathComponent("last.err"))
        last.finish()
        XCTAssertEqual(last.process.terminationStatus, 0, last.diagnostics)
        XCTAssertEqual(last.committed.count, total - known.count)
        let store = try ResultsStore(path: path)
        XCTAssertEqual(try store.completedCells(runID: runID), Set((0..<total).map(Self.key)))
        XCTAssertEqual(try store.trials(runID: runID).count, total)
    }

    func testTwoWritersOnOneNewFileBothSucceed() throws {
        let folder = try makeTemporaryFolder(self)
        let path = folder.appendingPathComponent("shared.sqlite").path
        let total = 1000
        // Both start on a file that does not exist yet: creating the schema races too.
        let writers = try (0..<2).map {
            try ChildWriter(db: path, run: nil, total: total, log: folder.appendingPathComponent("w\($0).err"))
        }
        for writer in writers {
            writer.finish()
            XCTAssertEqual(writer.process.terminationStatus, 0, writer.diagnostics)
            XCTAssertEqual(writer.committed.count, total, writer.diagnostics)
        }
        let summaries = try ResultsStore(path: path).runs()
        XCTAssertEqual(summaries.map(\.cellsDone), [total, total])
        XCTAssertEqual(try ResultsStore(path: path).database.userVersion(), ResultsStore.schemaVersion)
    }
}

/// This test binary started again as `testChildWriter`, its stdout read line by line.
private final class ChildWriter {
    let process = Process()
    private let output = Pipe()
    private let log: URL
    private var pending = Data()
    private(set) var committed: [Int] = []
    /// The child's other stdout lines (XCTest's own), for failure messages.
    private var transcript: [String] = []

    init(db: String, run: Int64?, total: Int, log: URL) throws {
        #if !os(Linux)
        throw XCTSkip("starts the test binary as a child, which needs Linux's xctest runner")
        #else
        self.log = log
        process.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        process.arguments = ["NeedleEvalTests.StoreProcessTests/testChildWriter"]
        var env = ProcessInfo.processInfo.environment
        env[StoreProcessTests.childDB] = db
        env[StoreProcessTests.childTotal] = String(total)
        env[StoreProcessTests.childRun] = run.map(String.init)
        process.environment = env
        process.standardOutput = output
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        #endif
    }

    /// Reads until `count` more commits are reported; false if the child ended first.
    func read(untilCommitted count: Int) -> Bool {
        let goal = committed.count + count
        while committed.count < goal {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { return false }
            consume(data)
        }
        return true
    }

    /// Reads the rest of the output and waits for the child to end.
    func finish() {
        consume(output.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
    }

    var diagnostics: String {
        "child stdout: \(transcript.suffix(20).joined(separator: "\n"))\nchild stderr: "
            + ((try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    private func consume(_ data: Data) {
        pending.append(data)
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
            pending.removeSubrange(pending.startIndex...newline)
            if line.hasPrefix("committed "), let i = Int(line.dropFirst("committed ".count)) {
                committed.append(i)
            } else {
                transcript.append(line)
            }
        }
    }
}
