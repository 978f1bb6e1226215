import Foundation
import NIOHTTP1
import XCTest
import YOCOServer

/// Each bad input gets its status and an OpenAI-shaped error, and the server keeps serving.
final class RefusalTests: XCTestCase {
    var running: RunningServer!

    override func setUp() async throws {
        running = try await RunningServer.start {
            $0.maxBodyBytes = 4096
            $0.requestTimeout = 1
            $0.queueLimit = 0
        }
    }

    override func tearDown() async throws {
        try await running.stop()
        running = nil
    }

    var completions: String { running.base + "/v1/completions" }

    /// A small request still answers 200 after a refusal.
    func assertStillServing(file: StaticString = #filePath, line: UInt = #line) async throws {
        let reply = try await call(.POST, completions, body: json(["prompt": "ok", "max_tokens": 2, "temperature": 0]))
        XCTAssertEqual(reply.status, 200, reply.body, file: file, line: line)
    }

    func testMalformedJSON() async throws {
        for body in ["{\"prompt\": \"x\",", "not json", "", "{\"prompt\": \"\u{1}\"}", "[" + String(repeating: "[", count: 200)] {
            assertRefused(try await call(.POST, completions, body: body), status: 400, code: "invalid_json")
        }
        assertRefused(try await call(.POST, completions, body: "[1, 2]"), status: 400, code: "invalid_value")
        try await assertStillServing()
    }

    func testWrongTypes() async throws {
        let cases: [[String: Any]] = [
            ["prompt": 5], ["prompt": "x", "max_tokens": "ten"], ["prompt": "x", "temperature": "hot"],
            ["prompt": "x", "stream": "yes"], ["prompt": "x", "stop": 3], ["prompt": ["a", "b"]], ["prompt": [1.5, 2]],
            ["prompt": "x", "max_tokens": 2.5], ["prompt": "x", "temperature": -1], ["prompt": "x", "n": 2],
        ]
        for body in cases {
            assertRefused(try await call(.POST, completions, body: json(body)), status: 400, code: "invalid_value")
        }
        assertRefused(try await call(.POST, completions, body: json(["max_tokens": 3])), status: 400, code: "missing_required_parameter")
        assertRefused(try await call(.POST, running.base + "/v1/chat/completions", body: json(["messages": [["role": "wizard", "content": "x"]]])),
                      status: 400, code: "invalid_value")
        try await assertStillServing()
    }

    func testUnknownModel() async throws {
        let reply = try await call(.POST, completions, body: json(["prompt": "x", "model": "gpt-4"]))
        assertRefused(reply, status: 404, code: "model_not_found")
        XCTAssertTrue((reply.errorObject?["message"] as? String ?? "").contains("yoco-niah-tiny"))
        assertRefused(try await call(.GET, running.base + "/v2/nothing"), status: 404, code: "not_found")
        assertRefused(try await call(.GET, completions), status: 405, code: "method_not_allowed")
        try await assertStillServing()
    }

    func testNegativeMaxTokens() async throws {
        assertRefused(try await call(.POST, completions, body: json(["prompt": "x", "max_tokens": -5])), status: 400, code: "invalid_value")
        try await assertStillServing()
    }

    func testHugeMaxTokensNamesTheLimit() async throws {
        for huge in ["1000000000000", "9223372036854775807", "1e300"] {
            let reply = try await call(.POST, completions, body: "{\"prompt\": \"x\", \"max_tokens\": \(huge)}")
            XCTAssertEqual(reply.status, 400, reply.body)
            XCTAssertNotNil(reply.errorObject, reply.body)
        }
        let reply = try await call(.POST, completions, body: json(["prompt": "x", "max_tokens": 5000]))
        assertRefused(reply, status: 400, code: "context_length_exceeded")
        XCTAssertTrue((reply.errorObject?["message"] as? String ?? "").contains("maximum context length is 4096 tokens; the prompt has 2"),
                      reply.body)
        try await assertStillServing()
    }

    func testPromptLongerThanTheContext() async throws {
        let ids = [Int](repeating: 65, count: 1500)
        // A server of its own: the ids would not fit under setUp's 4 KB --max-body.
        let small = try await RunningServer.start { $0.contextSize = 1024 }
        let reply = try await call(.POST, small.base + "/v1/completions", body: json(["prompt": ids, "max_tokens": 1]))
        assertRefused(reply, status: 400, code: "context_length_exceeded")
        XCTAssertTrue((reply.errorObject?["message"] as? String ?? "").contains("maximum context length is 1024 tokens; the prompt has 1500"))
        let text = try await call(.POST, small.base + "/v1/completions", body: json(["prompt": String(repeating: "a", count: 1100), "max_tokens": 1]))
        assertRefused(text, status: 400, code: "context_length_exceeded")
        try await small.stop()
        try await assertStillServing()
    }

    func testTokenIDsOutsideTheVocabulary() async throws {
        for bad in [[1, 2, 264], [-1], [1, 99999999999]] {
            let reply = try await call(.POST, completions, body: json(["prompt": bad, "max_tokens": 1]))
            assertRefused(reply, status: 400, code: "invalid_token")
        }
        assertRefused(try await call(.POST, running.base + "/detokenize", body: json(["tokens": [70, 300]])), status: 400, code: "invalid_token")
        assertRefused(try await call(.POST, completions, body: json(["prompt": [Int](), "max_tokens": 1])), status: 400, code: "invalid_value")
        try await assertStillServing()
    }

    func testBodyOverTheLimit() async throws {
        let big = json(["prompt": String(repeating: "a", count: 10_000)])
        assertRefused(try await call(.POST, completions, body: big), status: 413, code: "request_too_large")
        try await assertStillServing()
    }

    func testSlowClientGetsRequestTimeout() async throws {
        // Headers and the start of a 200-byte body, then nothing: 408 after --request-timeout (1 s).
        let answer = try rawExchange(port: running.port, send: "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                     + "Content-Length: 200\r\n\r\n{\"prompt\": ", wait: 10)
        XCTAssertTrue(answer.hasPrefix("HTTP/1.1 408"), answer)
        XCTAssertTrue(answer.contains("\"code\":\"request_timeout\""), answer)
        try await assertStillServing()
    }

    func testFullQueueAnswers503WithRetryAfter() async throws {
        // --queue 0: one request runs and none may wait.
        let long = json(["prompt": String(repeating: "The river runs to the sea. ", count: 60), "max_tokens": 48, "temperature": 0])
        let url = completions
        let first = Task { try await call(.POST, url, body: long) }
        var refused: Reply?
        for _ in 0..<100 where refused == nil {
            try await Task.sleep(for: .milliseconds(20))
            let reply = try await call(.POST, completions, body: json(["prompt": "x", "max_tokens": 1]))
            if reply.status == 503 { refused = reply }
        }
        let busy = try XCTUnwrap(refused, "no 503 while a request ran")
        assertRefused(busy, status: 503, code: "queue_full")
        XCTAssertGreaterThanOrEqual(Int(busy.headers["retry-after"] ?? "") ?? 0, 1, "\(busy.headers)")
        let firstStatus = try await first.value.status
        XCTAssertEqual(firstStatus, 200)
        try await assertStillServing()
    }
}

/// Sends raw bytes on a new loopback connection and returns what comes back within `wait` seconds.
func rawExchange(port: Int, send text: String, wait: Int) throws -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    var timeout = timeval(tv_sec: wait, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    _ = text.withCString { Glibc.send(fd, $0, strlen($0), 0) }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n <= 0 { break }
        received.append(contentsOf: buffer[..<n])
        if let s = String(bytes: received, encoding: .utf8), s.contains("\r\n\r\n"), s.contains("}}") { break }
    }
    return String(decoding: received, as: UTF8.self)
}
