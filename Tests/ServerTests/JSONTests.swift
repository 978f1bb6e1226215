import Foundation
import XCTest
import YOCOServer

/// The server's JSON reader and writer: what it accepts agrees with Foundation's, what it writes
/// Foundation reads back, and the integer-array fast path.
final class JSONTests: XCTestCase {
    func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    func testValuesEscapesAndTheIntegerArrayFastPath() throws {
        XCTAssertEqual(try parse(#"[1, -2, 0, 9223372036854775807]"#), .integers([1, -2, 0, Int.max]))
        XCTAssertEqual(try parse(#"[1, 2.5, "x", null, true]"#), .array([.int(1), .double(2.5), .string("x"), .null, .bool(true)]))
        XCTAssertEqual(try parse(#"[1, 99999999999999999999]"#), .array([.int(1), .double(1e20)]))
        XCTAssertEqual(try parse(#""a\"b\\c\/\n\t\u00e9\ud83d\ude00""#), .string("a\"b\\c/\n\té😀"))
        XCTAssertEqual(try parse(#" {"a": {"b": []}, "a": 1e3} "#)["a"], .double(1000))
        XCTAssertEqual(try parse("-0"), .int(0))
    }

    func testRefusesWhatIsNotJSON() {
        for bad in ["", "01", "1.", "-", "[1,]", "{\"a\" 1}", "\"\\ud800\"", "\"\\x\"", "tru", "[1] 2", "\"a\u{1}\"",
                    String(repeating: "[", count: 100) + String(repeating: "]", count: 100)] {
            XCTAssertThrowsError(try parse(bad), bad)
        }
        XCTAssertThrowsError(try JSONParser.parse([0x22, 0xFF, 0x22]), "invalid UTF-8")
    }

    func testWrittenJSONReadsBackThroughFoundation() throws {
        let value: JSONValue = .object([("s", .string("q\"\\\n\u{1}é")), ("i", .integers([0, -5, 123456789])),
                                        ("d", .double(0.25)), ("n", .null), ("b", .bool(false)), ("a", .array([.int(1), .string("x")]))])
        let bytes = JSONWriter.bytes(value)
        let back = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        XCTAssertEqual(back["s"] as? String, "q\"\\\n\u{1}é")
        XCTAssertEqual(back["i"] as? [Int], [0, -5, 123456789])
        XCTAssertEqual(back["d"] as? Double, 0.25)
        XCTAssertEqual(try JSONParser.parse(bytes), value)
    }
}
