import Hummingbird
import NIOCore

/// Responses and request bodies the way every endpoint needs them.
enum HTTPSupport {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        let bytes = JSONWriter.bytes(value)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func error(_ error: APIError) -> Response {
        var response = json(error.json, status: error.status)
        if let seconds = error.retryAfterSeconds { response.headers[.retryAfter] = String(seconds) }
        if error.status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        return response
    }

    /// The body, refused with 413 past `limit` bytes (at once when Content-Length says so) and
    /// with 408 when it has not all arrived `timeout` seconds after the request started.
    static func body(of request: Request, limit: Int, timeout: Double) async throws(APIError) -> ByteBuffer {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw APIError.bodyTooLarge(limit: limit)
        }
        let body = request.body
        do {
            return try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
                group.addTask { try await body.collect(upTo: limit) }
                group.addTask {
                    try await Task.sleep(for: .seconds(timeout))
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let buffer = first else { throw APIError.timedOut(seconds: timeout) }
                return buffer
            }
        } catch let error as APIError {
            throw error
        } catch is NIOTooManyBytesError {
            throw APIError.bodyTooLarge(limit: limit)
        } catch {
            throw APIError.invalid("body", "the request body could not be read: \(error)")
        }
    }

    /// The body parsed as JSON (400 with the byte offset where it stops being JSON).
    static func jsonBody(of request: Request, limit: Int, timeout: Double) async throws(APIError) -> JSONValue {
        let buffer = try await body(of: request, limit: limit, timeout: timeout)
        guard buffer.readableBytes > 0 else { throw APIError.badJSON("the body is empty") }
        let parsed: Result<JSONValue, JSONSyntaxError> = buffer.withUnsafeReadableBytes { raw in
            Result { () throws(JSONSyntaxError) -> JSONValue in try JSONParser.parse(raw) }
        }
        switch parsed {
        case let .success(value): return value
        case let .failure(error): throw APIError.badJSON(error.description)
        }
    }

    /// Whether `header` is "Bearer <key>", compared in time that depends on the key's length
    /// only (not on where a wrong token first differs).
    static func bearerMatches(_ header: String?, key: [UInt8]) -> Bool {
        guard let header else { return false }
        let token = Array(header.utf8.drop(while: { $0 == UInt8(ascii: " ") }))
        let scheme = Array("Bearer ".utf8)
        guard token.count >= scheme.count,
              token[..<scheme.count].map({ $0 | 0x20 }) == scheme.map({ $0 | 0x20 }) else { return false }
        let given = token[scheme.count...]
        var difference: UInt8 = given.count == key.count ? 0 : 1
        for i in 0..<key.count {
            let j = given.startIndex + i
            difference |= key[i] ^ (j < given.endIndex ? given[j] : 0)
        }
        return difference == 0
    }
}
