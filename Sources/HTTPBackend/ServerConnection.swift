import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// One OpenAI-compatible server as needle-eval talks to it: its base URL, the bearer token (read
/// from the environment, never stored, logged or printed), one shared connection pool, and
/// blocking requests with a deadline (the evaluator's workers are threads). Retrying is the
/// caller's decision (`RetryPolicy`); this type reports what happened, credentials removed.
public final class ServerConnection: Sendable {
    /// The base URL with any user and password removed: what runs record and messages show.
    public let baseURL: String
    private let root: URL
    private let bearer: String?
    private let client: HTTPClient
    /// Per-request deadline.
    public let timeout: TimeInterval

    /// `baseURL` is e.g. `http://127.0.0.1:8080` or `http://host:8000/v1`; requests go to
    /// `<base>/v1/...` unless the base already ends with `/v1`. `apiKey`, when given, is sent as
    /// `Authorization: Bearer`.
    public init(baseURL: String, apiKey: String?, timeout: TimeInterval, connections: Int = 8) throws {
        guard var parts = URLComponents(string: baseURL), let scheme = parts.scheme?.lowercased(),
              scheme == "http" || scheme == "https", parts.host?.isEmpty == false else {
            throw HTTPBackendError.badFlag(flag: "--base-url", message: "'\(Credentials.stripped(baseURL))' is not an http(s) URL; give e.g. http://127.0.0.1:8080")
        }
        parts.user = nil
        parts.password = nil
        while parts.path.hasSuffix("/") { parts.path.removeLast() }
        if parts.path.hasSuffix("/v1") { parts.path.removeLast(3) }
        guard let root = parts.url else {
            throw HTTPBackendError.badFlag(flag: "--base-url", message: "'\(Credentials.stripped(baseURL))' is not a URL")
        }
        self.root = root
        self.baseURL = root.absoluteString
        self.bearer = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.timeout = timeout
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .milliseconds(Int64(timeout * 1000)))
        configuration.redirectConfiguration = .disallow
        // A refused connection is one failed attempt for `RetryPolicy` to handle (with backoff
        // and a record of it), not something to retry silently until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(connections, 1)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    deinit { try? client.syncShutdown() }

    /// What came back from one request.
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: Data
        public var seconds: Double

        public func header(_ name: String) -> String? {
            headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
        }
        public var isSuccess: Bool { (200..<300).contains(status) }
        /// The server's error message: OpenAI's `error.message`, llama.cpp's and vLLM's variants,
        /// or the start of the body.
        public var errorMessage: String {
            if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
                if let error = object["error"] as? [String: Any], let message = error["message"] as? String { return message }
                if let message = object["error"] as? String ?? object["message"] as? String ?? object["detail"] as? String {
                    return message
                }
            }
            let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? "HTTP \(status) with an empty body" : text
        }
    }

    /// A request that got no HTTP reply (refused, reset, timed out).
    public struct TransportFailure: Error, CustomStringConvertible, Sendable {
        public var endpoint: String
        public var detail: String
        public var description: String { "\(endpoint): \(detail)" }
    }

    /// The largest body read from a server (a 1M-token reply with per-token pieces fits easily).
    static let maxReplyBytes = 256 << 20

    /// Sends one request and waits for the whole reply. `onBodyPart` sees the body as it arrives
    /// (server-sent events), with the seconds since the request started.
    public func send(_ method: HTTPMethod, _ path: String, body: Data? = nil,
                     onBodyPart: (@Sendable (ByteBuffer, Double) -> Void)? = nil) throws -> Reply {
        let endpoint = "\(method.rawValue) \(path)"
        var request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(url: root.absoluteString + path, method: method)
        } catch {
            throw TransportFailure(endpoint: endpoint, detail: "cannot make a request for \(baseURL)\(path)")
        }
        request.headers.add(name: "Accept", value: "application/json, text/event-stream")
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .data(body)
        }
        let collector = ReplyCollector(onBodyPart: onBodyPart, limit: Self.maxReplyBytes)
        let task = client.execute(request: request, delegate: collector, deadline: .now() + .milliseconds(Int64(timeout * 1000)))
        do {
            return try task.wait()
        } catch {
            throw TransportFailure(endpoint: endpoint, detail: redact(Self.describe(error)))
        }
    }

    /// The message with the bearer token (should a server echo it) removed.
    public func redact(_ message: String) -> String { Credentials.redacted(message, secret: bearer) }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: return "no complete reply within the request timeout"
            case .connectTimeout: return "could not connect (timed out)"
            case .remoteConnectionClosed: return "the server closed the connection before replying"
            default: return "\(error)"
            }
        }
        if let error = error as? ReplyCollector.TooLarge { return "reply larger than \(error.limit) bytes" }
        return "\(error)"
    }
}

/// Collects a reply's status, headers and body, passing body parts on as they arrive.
private final class ReplyCollector: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = ServerConnection.Reply
    struct TooLarge: Error { let limit: Int }

    private let onBodyPart: (@Sendable (ByteBuffer, Double) -> Void)?
    private let limit: Int
    private let started = DispatchTime.now()
    // Delegate calls come one at a time on the request's event loop.
    private var status = 0
    private var headers: [(String, String)] = []
    private var body = Data()

    init(onBodyPart: (@Sendable (ByteBuffer, Double) -> Void)?, limit: Int) {
        self.onBodyPart = onBodyPart
        self.limit = limit
    }

    private var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 }

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        status = Int(head.status.code)
        headers = head.headers.map { ($0.name, $0.value) }
        return task.eventLoop.makeSucceededFuture(())
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        guard body.count + buffer.readableBytes <= limit else {
            return task.eventLoop.makeFailedFuture(TooLarge(limit: limit))
        }
        body.append(contentsOf: buffer.readableBytesView)
        onBodyPart?(buffer, seconds)
        return task.eventLoop.makeSucceededFuture(())
    }

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> Response {
        Response(status: status, headers: headers, body: body, seconds: seconds)
    }
}

/// Keeping credentials out of what is stored and shown.
public enum Credentials {
    /// `url` without a user or password (`http://user:key@host` → `http://host`).
    public static func stripped(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.user != nil || parts.password != nil else { return url }
        parts.user = nil
        parts.password = nil
        return parts.string ?? url
    }

    /// `text` with every occurrence of `secret` replaced.
    public static func redacted(_ text: String, secret: String?) -> String {
        guard let secret, secret.count >= 4 else { return text }
        return text.replacingOccurrences(of: secret, with: "[redacted]")
    }
}
