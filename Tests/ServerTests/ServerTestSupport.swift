import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import XCTest
import YOCOServer

let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let shippedModel = repositoryRoot.appendingPathComponent("models/yoco-niah-tiny").path

/// A server running in this process on a free loopback port, stopped by `stop()`.
final class RunningServer: Sendable {
    let server: YOCOServer
    let port: Int
    private let task: Task<Void, any Error>

    private init(server: YOCOServer, port: Int, task: Task<Void, any Error>) {
        self.server = server; self.port = port; self.task = task
    }

    static func start(_ configure: (inout ServerOptions) -> Void = { _ in }) async throws -> RunningServer {
        var options = ServerOptions(modelDirectory: shippedModel)
        options.port = 0
        options.contextSize = 4096
        options.handleSignals = false
        configure(&options)
        var logger = Logger(label: "server-tests")
        logger.logLevel = .error
        let server = try YOCOServer(options: options, logger: logger)
        let bound = Mutex<Int?>(nil)
        let task = Task { try await server.run { _, port in bound.withLock { $0 = port } } }
        let deadline = Date().addingTimeInterval(20)
        while bound.withLock({ $0 }) == nil {
            guard Date() < deadline else { throw XCTSkip("the server did not start listening within 20 s") }
            try await Task.sleep(for: .milliseconds(10))
        }
        return RunningServer(server: server, port: bound.withLock { $0 }!, task: task)
    }

    var base: String { "http://127.0.0.1:\(port)" }

    func stop() async throws {
        await server.shutdown()
        try await task.value
    }
}

/// A response as the tests read it.
struct Reply {
    let status: Int
    let headers: [String: String]
    let body: String
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }
}

func call(_ method: HTTPMethod = .POST, _ url: String, body: String? = nil, headers: [String: String] = [:],
          timeout: Int64 = 60) async throws -> Reply {
    var request = HTTPClientRequest(url: url)
    request.method = method
    if let body {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
    }
    for (k, v) in headers { request.headers.add(name: k, value: v) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout))
    let bytes = try await response.body.collect(upTo: 64 << 20)
    var fields: [String: String] = [:]
    for header in response.headers { fields[header.name.lowercased()] = header.value }
    return Reply(status: Int(response.status.code), headers: fields, body: String(buffer: bytes))
}

/// A JSON body from a dictionary (keys sorted, so bodies are stable).
func json(_ object: [String: Any]) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
}

extension Reply {
    /// The first choice's text (completions) or message content (chat).
    var text: String? {
        guard let choice = (json["choices"] as? [[String: Any]])?.first else { return nil }
        if let t = choice["text"] as? String { return t }
        return (choice["message"] as? [String: Any])?["content"] as? String
    }
    var usage: [String: Any] { json["usage"] as? [String: Any] ?? [:] }
    var cachedTokens: Int? { (usage["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int }
    var errorObject: [String: Any]? { json["error"] as? [String: Any] }

    /// The data lines of a server-sent event stream, [DONE] included.
    var events: [String] {
        body.components(separatedBy: "\n").filter { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) }
    }
}

/// Checks a refusal: the status, the OpenAI error shape, and the code.
func assertRefused(_ reply: Reply, status: Int, code: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(reply.status, status, reply.body, file: file, line: line)
    guard let error = reply.errorObject else { return XCTFail("no error object: \(reply.body)", file: file, line: line) }
    XCTAssertNotNil(error["message"] as? String, file: file, line: line)
    XCTAssertNotNil(error["type"] as? String, file: file, line: line)
    XCTAssertEqual(error["code"] as? String, code, reply.body, file: file, line: line)
}
