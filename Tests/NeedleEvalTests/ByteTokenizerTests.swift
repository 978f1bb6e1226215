import XCTest
@testable import NeedleEval

final class ByteTokenizerTests: XCTestCase {
    func testRoundTripsUTF8() {
        let t = BytePromptTokenizer()
        let text = "Zürich — 42"
        XCTAssertEqual(t.encode(text).count, text.utf8.count)
        XCTAssertEqual(t.decode(t.encode(text)), text)
    }
}
