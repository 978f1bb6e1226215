import XCTest
@testable import NeedleEval

final class SHA256Tests: XCTestCase {
    func testKnownDigests() {
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(String(repeating: "a", count: 1000)),
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    func testPiecewiseEqualsWhole() {
        let text = Array((0..<300).map { UInt8($0 % 251) })
        var h = SHA256()
        h.update(text[0..<7]); h.update(text[7..<130]); h.update(text[130...])
        var whole = SHA256(); whole.update(text)
        XCTAssertEqual(h.finalize(), whole.finalize())
    }
}
