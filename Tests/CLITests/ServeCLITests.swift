import Foundation
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `needle-eval serve` as a child process: the official `openai` Python client against it, a short
/// load test with malformed requests mixed in, and a SIGTERM that lets the running request finish,
/// refuses new ones, and exits 0.
final class ServeCLITests: XCTestCase {
    /// A started `serve --port 0` and the port from its "listening on" line.
    struct Served {
        let process: Process
        let port: Int
        let output: Pipe
    }

    func startServe(_ extra: [String] = [], environment: [String: String] = [:]) throws -> Served {
        let process = Process()
        process.executableURL = needleEvalExecutable()
        process.arguments = ["serve", "--port", "0", "--ctx-size", "16K"] + extra
        process.currentDirectoryURL = repositoryRoot
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var seen = Data()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
            let text = String(decoding: seen, as: UTF8.self)
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                let port = Int(text[range].split(separator: ":").last!)!
                return Served(process: process, port: port, output: output)
            }
        }
        process.terminate()
        process.waitUntilExit()
        throw NSError(domain: "serve", code: 1, userInfo: [NSLocalizedDescriptionKey: "no 'listening on' line: \(String(decoding: seen, as: UTF8.self))"])
    }

    func testOfficialOpenAIClientAgainstServe() throws {
        let probe = try runPython(["-c", "import openai"])
        if probe.status != 0 {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                XCTFail("python3 lacks the openai package (CI installs it in .ci/run): \(probe.stderr)")
                return
            }
            throw XCTSkip("python3 lacks the openai package (pip install openai)")
        }
        let served = try startServe(["--api-key-env", "NEEDLE_TEST_KEY"], environment: ["NEEDLE_TEST_KEY": "k-1234"])
        defer { served.process.terminate(); served.process.waitUntilExit() }
        let script = repositoryRoot.appendingPathComponent("scripts/serve/openai_client_check.py").path
        let r = try runPython([script, "--base-url", "http://127.0.0.1:\(served.port)/v1", "--api-key", "k-1234"])
        XCTAssertEqual(r.status, 0, "openai_client_check.py:\n\(r.stdout)\n\(r.stderr)")
        XCTAssertTrue(r.stdout.contains("all checks passed"), r.stdout)
    }

    func testSIGTERMFinishesTheRunningRequestRefusesNewOnesAndExitsZero() throws {
        let served = try startServe()
        let url = URL(string: "http://127.0.0.1:\(served.port)/v1/completions")!
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"prompt": "Once upon a time", "max_tokens": 400, "temperature": 0}"#.utf8)
        request.timeoutInterval = 120
        let done = expectation(description: "the running request is answered")
        let answer = LockedReply()
        URLSession.shared.dataTask(with: request) { data, response, _ in
            answer.set(status: (response as? HTTPURLResponse)?.statusCode ?? -1, body: data ?? Data())
            done.fulfill()
        }.resume()
        // Wait until that request runs (the queue gauge empties and the running gauge is 1).
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !(metrics(port: served.port)?.contains("yoco_requests_running 1") ?? false) { usleep(20_000) }
        kill(served.process.processIdentifier, SIGTERM)
        usleep(300_000)
        // New requests are refused: 503 on a kept connection, or no connection at all.
        if let later = metrics(port: served.port) { XCTAssertTrue(later.contains("shutting_down"), later) }
        wait(for: [done], timeout: 120)
        served.process.waitUntilExit()
        XCTAssertEqual(served.process.terminationReason, .exit)
        XCTAssertEqual(served.process.terminationStatus, 0)
        let (status, body) = answer.get()
        XCTAssertEqual(status, 200, String(decoding: body, as: UTF8.self))
        let json = try JSONSerialization.jsonObject(with: body) as? [String: Any]
        XCTAssertEqual((json?["usage"] as? [String: Any])?["completion_tokens"] as? Int ?? 0 > 0, true)
    }

    /// GET /metrics, or nil when no connection could be made.
    /// A short run of the load test (scripts/serve/load_test.py; the 60 s run is in docs/SERVING.md):
    /// 8 clients, malformed requests mixed in, a queue of 2 so that some 503s are deliberate. The
    /// script fails on any other failed request, a wrong status, an unshaped error, RSS growth
    /// (overall, and sampled each second: rising in the second half) or file descriptors left open.
    func testShortLoadTestFailsNothingButDeliberateRefusals() throws {
        let served = try startServe(["--queue", "2", "--max-body", "1M"])
        defer { served.process.terminate(); served.process.waitUntilExit() }
        let script = repositoryRoot.appendingPathComponent("scripts/serve/load_test.py").path
        let r = try runPython([script, "--base-url", "http://127.0.0.1:\(served.port)", "--clients", "8",
                               "--seconds", "6", "--max-rss-growth", "64", "--rss-every", "1",
                               "--server-pid", "\(served.process.processIdentifier)"])
        XCTAssertEqual(r.status, 0, "load_test.py:\n\(r.stdout)\n\(r.stderr)")
        XCTAssertTrue(r.stdout.contains("server still answering: True"), r.stdout)
        XCTAssertTrue(r.stdout.contains("second half's peak above the first half's"), r.stdout)
        XCTAssertFalse(r.stdout.contains("FAILED"), r.stdout)
    }

    func metrics(port: Int) -> String? {
        let semaphore = DispatchSemaphore(value: 0)
        let result = LockedReply()
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        request.timeoutInterval = 5
        URLSession.shared.dataTask(with: request) { data, response, _ in
            if let response = response as? HTTPURLResponse { result.set(status: response.statusCode, body: data ?? Data()) }
            semaphore.signal()
        }.resume()
        semaphore.wait()
        let (status, body) = result.get()
        return status < 0 ? nil : String(decoding: body, as: UTF8.self)
    }
}

/// A status and body written by a URLSession callback and read by the test.
final class LockedReply: @unchecked Sendable {
    private let lock = NSLock()
    private var status = -1
    private var body = Data()
    func set(status: Int, body: Data) { lock.withLock { self.status = status; self.body = body } }
    func get() -> (Int, Data) { lock.withLock { (status, body) } }
}
