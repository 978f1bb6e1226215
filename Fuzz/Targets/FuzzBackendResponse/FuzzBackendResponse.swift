import FuzzSupport
import Foundation
@testable import HTTPBackend

/// A server's reply as `run --backend http` reads it: completions and chat replies whole and as
/// server-sent events (fed in pieces split where the input's first byte says, as a network splits
/// them), /v1/models with /props (split at the first zero byte), /tokenize and /detokenize
/// replies, error bodies and Retry-After headers. Whatever a server sends must be read or
/// refused, never trap.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzBackendResponse(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    guard let first = bytes.first else { return 0 }
    let body = Data(bytes.dropFirst())
    for api in APIKind.allCases {
        _ = Completion.parse(reply: body, api: api)
        // Streamed: pieces of 1 to 16 bytes, so that lines, CRLFs and UTF-8 characters split.
        let piece = Int(first % 16) + 1
        var parser = EventStreamParser()
        var events: [Data] = []
        var start = body.startIndex
        while start < body.endIndex {
            let end = min(start + piece, body.endIndex)
            events += parser.feed(body[start..<end])
            start = end
        }
        events += parser.finish()
        _ = Completion.parse(events: events, api: api)
        FirstTokenClock(api: api).feed(body, at: 0)
    }
    let (models, props) = FuzzInput.split(Array(body))
    _ = try? ServerInfo(models: Data(models), props: props.map { Data($0) }, servedModel: "m", baseURL: "http://127.0.0.1:1")
    _ = try? ServerTokenizer.tokens(fromReply: body)
    _ = try? ServerTokenizer.text(fromReply: body)
    _ = ServerConnection.Reply(status: Int(first) + 300, headers: [], body: body, seconds: 0).errorMessage
    _ = RetryPolicy.retryAfter(String(decoding: body.prefix(64), as: UTF8.self))
    return 0
}

@main
enum Main {
    static func main() { FuzzDriver.run(fuzzBackendResponse) }
}
