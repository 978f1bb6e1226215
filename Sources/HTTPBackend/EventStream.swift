import Foundation

/// Server-sent events as OpenAI-compatible servers stream completions: lines of `data: <json>`
/// separated by blank lines, ending with `data: [DONE]`. Bytes are fed as they arrive (split
/// anywhere, even inside a UTF-8 character); each complete event's data comes out in order.
/// Comment lines (`:`) and other fields (`event:`, `id:`, `retry:`) are skipped.
public struct EventStreamParser: Sendable {
    private var pending: [UInt8] = []
    private var data: [UInt8]? = nil
    /// True once `data: [DONE]` was seen.
    public private(set) var finished = false

    public init() {}

    /// Feeds bytes; returns the data of the events they complete.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [Data] where Bytes.Element == UInt8 {
        pending.append(contentsOf: bytes)
        var events: [Data] = []
        var lineStart = 0
        var i = 0
        while i < pending.count {
            let byte = pending[i]
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                var line = pending[lineStart..<i]
                if byte == UInt8(ascii: "\r") && i + 1 < pending.count && pending[i + 1] == UInt8(ascii: "\n") { i += 1 }
                if byte == UInt8(ascii: "\r") && i + 1 == pending.count { break }   // wait: \r\n may be split
                if let event = take(&line) { events.append(event) }
                lineStart = i + 1
            }
            i += 1
        }
        pending.removeFirst(min(lineStart, pending.count))
        return events
    }

    /// Ends the stream: an event not yet closed by a blank line still counts.
    public mutating func finish() -> [Data] {
        var events: [Data] = []
        if !pending.isEmpty {
            var line = pending[...]
            pending = []
            if let event = take(&line) { events.append(event) }
        }
        if let event = dispatch() { events.append(event) }
        return events
    }

    /// Handles one line; a blank line dispatches the event collected so far.
    private mutating func take(_ line: inout ArraySlice<UInt8>) -> Data? {
        if line.isEmpty { return dispatch() }
        guard line.first != UInt8(ascii: ":") else { return nil }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        guard line[line.startIndex..<colon].elementsEqual("data".utf8) else { return nil }
        var value = colon < line.endIndex ? line[(colon + 1)...] : []
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        if data == nil { data = [] } else { data!.append(UInt8(ascii: "\n")) }
        data!.append(contentsOf: value)
        return nil
    }

    private mutating func dispatch() -> Data? {
        guard let collected = data else { return nil }
        data = nil
        if collected.elementsEqual("[DONE]".utf8) { finished = true; return nil }
        return Data(collected)
    }
}
