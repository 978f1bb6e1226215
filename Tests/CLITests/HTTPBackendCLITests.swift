import Foundation
import XCTest

/// `run --backend http` end to end against real servers on loopback: the instant server (answers
/// at once) and a fault-injecting proxy in front of it (scripts/servers), the results database
/// read back with queries.
final class HTTPBackendCLITests: XCTestCase {
    private var folder: URL!
    private var db: String { folder.appendingPathComponent("http.sqlite").path }

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("http-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private let grid = ["--lengths", "1K,2K", "--depths", "0,50,100", "--trials", "2"]

    private func run(_ url: String, _ extra: [String] = [], environment: [String: String] = [:]) throws -> CLIResult {
        try runCLI(["run", "--backend", "http", "--base-url", url, "--served-model", "instant",
                    "--tokenizer", "models/yoco-niah-tiny", "--db", db] + grid + extra, environment: environment)
    }

    private func query(_ sql: String) throws -> String {
        let result = try runCLI(["query", "--db", db, "--csv", sql])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.split(separator: "\n").dropFirst().joined(separator: "\n")
    }

    func testEveryTrialIsRecordedWithTheServersCountsAndNoSecretLeaks() throws {
        let server = try LoopbackServer.python("instant_server.py", ["--port", "0"])
        let secret = "sk-needle-test-0123456789"
        let url = server.url.replacingOccurrences(of: "http://", with: "http://someone:hunter2@")
        let result = try run(url, ["--concurrency", "4", "--api-key-env", "NEEDLE_TEST_KEY"], environment: ["NEEDLE_TEST_KEY": secret])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try query("SELECT count(*), sum(status = 'ok'), sum(prompt_tokens = length), count(DISTINCT length || '/' || depth || '/' || trial) FROM trials"),
                       "12,12,12,12")
        XCTAssertEqual(try query("SELECT backend, base_url, served_model, api, tokenizer_source, status FROM runs"),
                       "http,\(server.url),instant,completions,models/yoco-niah-tiny,finished")
        XCTAssertTrue(try query("SELECT options_json FROM runs").contains("NEEDLE_TEST_KEY"), "the variable's name is recorded")
        let file = try Data(contentsOf: URL(fileURLWithPath: db)) + ((try? Data(contentsOf: URL(fileURLWithPath: db + "-wal"))) ?? Data())
        for leaked in [secret, "hunter2"] {
            XCTAssertNil(file.range(of: Data(leaked.utf8)), "\(leaked) in the database")
            XCTAssertFalse(result.stdout.contains(leaked) || result.stderr.contains(leaked), "\(leaked) printed")
        }
    }

    func testFailedRequestsAreRetriedRecordedAsErrorsAndResumeAsksAgain() throws {
        let upstream = try LoopbackServer.python("instant_server.py", ["--port", "0"])
        let proxy = try LoopbackServer.python("fault_proxy.py", ["--upstream", upstream.url, "--fault-rate", "0.6",
                                                                "--slow-seconds", "2", "--seed", "3"])
        // Ids without asking: the probe that checks the server takes them would meet the faults too.
        let first = try run(proxy.url, ["--concurrency", "3", "--max-attempts", "2", "--timeout", "1", "--prompt-format", "ids"])
        let errors = Int(try query("SELECT count(*) FROM trials WHERE status = 'error'")) ?? -1
        XCTAssertGreaterThan(errors, 0, "a 60% fault rate with 2 attempts leaves some trials unanswered")
        XCTAssertEqual(first.status, 1, "an incomplete run is not a success")
        XCTAssertTrue(first.stdout.contains("could not be answered"), first.stdout)
        XCTAssertEqual(try query("SELECT count(*) FROM trials WHERE status = 'error' AND (output != '' OR error = '')"), "0")
        XCTAssertEqual(try query("SELECT status FROM runs"), "interrupted")
        // The same model straight from the server (another URL): the run resumes and only asks again what failed.
        let second = try run(upstream.url, ["--resume"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stderr.contains("\(12 - errors) of 12 trials already done"), second.stderr)
        XCTAssertEqual(try query("SELECT count(*), sum(status = 'ok'), count(DISTINCT length || '/' || depth || '/' || trial) FROM trials"), "12,12,12")
        XCTAssertEqual(try query("SELECT count(*), min(status) FROM runs"), "1,finished")
    }

    func testAClientKilledMidRunResumesWithNothingLostOrRepeated() throws {
        let upstream = try LoopbackServer.python("instant_server.py", ["--port", "0"])
        let slow = try LoopbackServer.python("fault_proxy.py", ["--upstream", upstream.url, "--faults", "slow",
                                                               "--fault-rate", "1", "--slow-seconds", "0.25"])
        let client = try startCLI(["run", "--backend", "http", "--base-url", slow.url, "--served-model", "instant",
                                   "--tokenizer", "models/yoco-niah-tiny", "--db", db] + grid)
        Thread.sleep(forTimeInterval: 1.6)
        kill(client.processIdentifier, SIGKILL)
        client.waitUntilExit()
        let before = Int(try query("SELECT count(*) FROM trials")) ?? -1
        XCTAssertTrue((1..<12).contains(before), "killed mid-run: \(before) trials recorded")
        let resumed = try run(upstream.url, ["--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(try query("SELECT count(*), count(DISTINCT length || '/' || depth || '/' || trial), sum(status = 'ok') FROM trials"), "12,12,12")
        XCTAssertEqual(try runCLI(["query", "--db", db, "PRAGMA integrity_check"]).stdout.contains("ok"), true)
    }

    func testAServerStoppedAndRestartedMidRunLosesNothing() throws {
        let first = try LoopbackServer.python("instant_server.py", ["--port", "0"])
        let port = first.port
        let slow = try LoopbackServer.python("fault_proxy.py", ["--upstream", first.url, "--faults", "slow",
                                                               "--fault-rate", "1", "--slow-seconds", "0.2"])
        let client = try startCLI(["run", "--backend", "http", "--base-url", slow.url, "--served-model", "instant",
                                   "--tokenizer", "models/yoco-niah-tiny", "--db", db, "--max-attempts", "8"] + grid)
        Thread.sleep(forTimeInterval: 1.0)
        first.stop()
        Thread.sleep(forTimeInterval: 1.5)
        let second = try LoopbackServer.python("instant_server.py", ["--port", "\(port)"])
        client.waitUntilExit()
        XCTAssertEqual(client.terminationStatus, 0)
        XCTAssertEqual(try query("SELECT count(*), count(DISTINCT length || '/' || depth || '/' || trial), sum(status = 'ok'), max(attempts) > 1 FROM trials"),
                       "12,12,12,1")
        second.stop()
    }

    func testWhatCannotWorkIsRefusedBeforeAnythingIsWritten() throws {
        let server = try LoopbackServer.python("instant_server.py", ["--port", "0"])
        let unknown = try runCLI(["run", "--backend", "http", "--base-url", server.url, "--served-model", "nope", "--db", db] + grid)
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("--served-model") && unknown.stderr.contains("instant"), unknown.stderr)
        let small = try run(server.url, ["--max-context", "1500"])
        XCTAssertEqual(small.status, 2)
        XCTAssertTrue(small.stderr.contains("maximum context is 1500 tokens (--max-context)") && small.stderr.contains("length 2K"), small.stderr)
        let noTokenize = try runCLI(["run", "--backend", "http", "--base-url", server.url, "--served-model", "instant", "--db", db] + grid)
        XCTAssertEqual(noTokenize.status, 2)
        XCTAssertTrue(noTokenize.stderr.contains("no /tokenize endpoint"), noTokenize.stderr)
        let missingURL = try runCLI(["run", "--backend", "http", "--served-model", "x", "--db", db])
        XCTAssertEqual(missingURL.status, 2)
        XCTAssertTrue(missingURL.stderr.contains("--base-url"), missingURL.stderr)
        let stray = try runCLI(["run", "--concurrency", "4", "--db", db])
        XCTAssertEqual(stray.status, 2)
        XCTAssertTrue(stray.stderr.contains("--concurrency needs --backend http"), stray.stderr)
        let down = try runCLI(["run", "--backend", "http", "--base-url", "http://127.0.0.1:9", "--served-model", "x", "--db", db] + grid)
        XCTAssertNotEqual(down.status, 0)
        XCTAssertTrue(down.stderr.contains("GET http://127.0.0.1:9/v1/models did not answer"), down.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: db), "no database for a run that could not start")
    }
}
