import Foundation
import Tokenizers
import XCTest

final class ByteTokenizerTests: XCTestCase {
    func testRoundTripsUTF8() {
        let t = ByteTokenizer()
        let text = "Zürich — 42"
        XCTAssertEqual(t.encode(text), text.utf8.map { Int32($0) })
        XCTAssertEqual(t.decode(t.encode(text)), text)
        XCTAssertEqual(t.prefixTokens, [256])
        XCTAssertEqual(t.endOfSequenceID, 257)
    }

    func testDecodeDropsSpecialIDs() {
        XCTAssertEqual(ByteTokenizer().decode([256, 72, 105, 257, 258, 300, -1]), "Hi")
    }

    func testLoadReadsIDsAndRefusesBadFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bytetok-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("tokenizer.json")
        func load(_ text: String, vocab: Int = 264) throws -> ByteTokenizer {
            try Data(text.utf8).write(to: url)
            return try ByteTokenizer.load(from: url, vocabSize: vocab)
        }
        XCTAssertEqual(try load(#"{"type":"bytes","bos_id":260,"eos_id":261,"pad_id":262}"#), ByteTokenizer(bosID: 260, eosID: 261, padID: 262))
        XCTAssertEqual(try load(ByteTokenizer().json), ByteTokenizer())
        func refused(_ text: String, vocab: Int = 264, field: String) {
            XCTAssertThrowsError(try load(text, vocab: vocab)) { error in
                XCTAssertEqual((error as? TokenizerError)?.field, field, "\(text)")
                XCTAssertTrue("\(error)".contains(url.path), "the message names the file")
            }
        }
        refused("[1]", field: "(file)")
        refused(#"{"type":"bpe"}"#, field: "type")
        refused(#"{"bos_id":256}"#, field: "type")
        refused(#"{"type":"bytes","extra":1}"#, field: "extra")
        refused(#"{"type":"bytes","bos_id":65}"#, field: "bos_id")            // a byte, not a special id
        refused(#"{"type":"bytes","eos_id":400}"#, field: "eos_id")           // past the vocabulary
        refused(#"{"type":"bytes"}"#, vocab: 257, field: "eos_id")          // the default 257 does not fit
        XCTAssertThrowsError(try ByteTokenizer.load(from: folder.appendingPathComponent("missing.json"), vocabSize: 264))
    }
}
