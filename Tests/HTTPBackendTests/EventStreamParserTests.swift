import Foundation
import XCTest
@testable import HTTPBackend

final class EventStreamParserTests: XCTestCase {
    private let stream = Array("""
        : a comment\r
        data: {"choices":[{"text":"Hel"}]}\r
        \r
        event: message
        data: {"choices":[{"text":"lo"}]}

        data: {"usage":{"prompt_tokens":5,"completion_tokens":2}}

        data: [DONE]


        """.utf8)

    func testEventsComeOutWhereverTheBytesAreSplit() {
        var whole = EventStreamParser()
        let expected = whole.feed(stream) + whole.finish()
        XCTAssertEqual(expected.count, 3)
        XCTAssertTrue(whole.finished)
        for cut in 1..<stream.count {
            var parser = EventStreamParser()
            let events = parser.feed(stream[..<cut]) + parser.feed(stream[cut...]) + parser.finish()
            XCTAssertEqual(events, expected, "split at byte \(cut)")
        }
        let completion = Completion.parse(events: expected, api: .completions)
        XCTAssertEqual(completion?.text, "Hello")
        XCTAssertEqual(completion?.promptTokens, 5)
        XCTAssertEqual(completion?.completionTokens, 2)
    }

    func testMultiLineDataJoinsWithNewlinesAndAnUnterminatedEventCounts() {
        var parser = EventStreamParser()
        let events = parser.feed(Array("data: a\ndata: b\n\ndata:c".utf8)) + parser.finish()
        XCTAssertEqual(events.map { String(decoding: $0, as: UTF8.self) }, ["a\nb", "c"])
    }

    func testAnErrorEventIsNotACompletion() {
        let events = [Data(#"{"error":{"message":"boom"}}"#.utf8)]
        XCTAssertNil(Completion.parse(events: events, api: .completions))
    }

    func testChatDeltasAndLlamaTimings() throws {
        let events = [
            Data(#"{"choices":[{"delta":{"role":"assistant"}}]}"#.utf8),
            Data(#"{"choices":[{"delta":{"content":"4"}}]}"#.utf8),
            Data(#"{"choices":[{"delta":{"content":"2"},"finish_reason":"stop"}],"timings":{"prompt_n":3,"cache_n":7,"prompt_ms":1.5,"predicted_ms":2.5}}"#.utf8),
        ]
        let completion = try XCTUnwrap(Completion.parse(events: events, api: .chat))
        XCTAssertEqual(completion.text, "42")
        XCTAssertEqual(completion.finishReason, "stop")
        XCTAssertEqual(completion.cachedTokens, 7)
        XCTAssertEqual(completion.promptTokens, 10, "llama.cpp: prompt_n counts what was prefilled, cache_n what was reused")
        XCTAssertEqual(completion.promptMilliseconds, 1.5)
    }
}
