import Foundation
import XCTest
@testable import Tokenizers

/// Every committed tokenizer file encodes every committed text to exactly the ids the reference
/// library wrote (scripts/tokenizers/expected_ids.py: Python `tokenizers` and `tiktoken`), with
/// and without the post-processor's special tokens, and decodes back to the text.
final class ReferenceParityTests: XCTestCase {
    struct Meta: Decodable {
        var kind: String
        var file: String
        var roundtripExceptions: [String]?
        enum CodingKeys: String, CodingKey { case kind, file, roundtripExceptions = "roundtrip_exceptions" }
    }

    static var fixtures: URL { Bundle.module.url(forResource: "Fixtures", withExtension: nil)! }

    func lines(_ url: URL) throws -> [[String: Any]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    func testEveryFixtureMatchesItsReference() throws {
        let root = Self.fixtures
        let texts = Dictionary(uniqueKeysWithValues: try lines(root.appendingPathComponent("texts.jsonl")).map {
            ($0["name"] as! String, $0["text"] as! String)
        })
        XCTAssertGreaterThan(texts.count, 40, "the shared test texts")
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted().filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent($0).appendingPathComponent("meta.json").path)
        }
        XCTAssertGreaterThanOrEqual(names.count, 6, "tokenizer fixtures: \(names)")
        for name in names {
            let folder = root.appendingPathComponent(name)
            let meta = try JSONDecoder().decode(Meta.self, from: Data(contentsOf: folder.appendingPathComponent("meta.json")))
            let tokenizer = try TokenizerFile.load(path: folder.appendingPathComponent(meta.file).path)
            var mismatches = 0, checked = 0
            for row in try lines(folder.appendingPathComponent("expected.jsonl")) {
                let textName = row["name"] as! String
                let text = try XCTUnwrap(texts[textName], "\(name): no text \(textName)")
                let expected = (row["ids"] as! [Int]).map(Int32.init)
                let withSpecial = (row["with_special"] as! [Int]).map(Int32.init)
                let ids = tokenizer.encode(text)
                checked += 1
                if ids != expected {
                    mismatches += 1
                    if mismatches <= 3 {
                        let at = (0..<min(ids.count, expected.count)).first { ids[$0] != expected[$0] } ?? min(ids.count, expected.count)
                        XCTFail("\(name) / \(textName): first difference at token \(at): got \(Array(ids[at...].prefix(8))), reference \(Array(expected[at...].prefix(8)))")
                    }
                }
                // Special tokens of the post-processor: BOS before (and, for some files, EOS after).
                let suffix = (tokenizer as? HuggingFaceTokenizer)?.post.suffix ?? []
                XCTAssertEqual(tokenizer.prefixTokens + expected + suffix, withSpecial, "\(name) / \(textName): special tokens")
                if !(meta.roundtripExceptions ?? []).contains(textName) {
                    XCTAssertEqual(tokenizer.decode(ids, skipSpecialTokens: false), text, "\(name) / \(textName): decode(encode(x)) != x")
                }
            }
            XCTAssertEqual(mismatches, 0, "\(name): \(mismatches) of \(checked) texts differ from the reference")
            if mismatches == 0 { print("OK tokenizer \(name) (\(meta.kind)): \(checked) texts, 0 mismatches") }
        }
    }
}
