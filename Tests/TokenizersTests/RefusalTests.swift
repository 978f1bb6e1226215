import Foundation
import XCTest
@testable import Tokenizers

/// A tokenizer.json that needs something this library does not implement is refused at load,
/// and the message names the JSON path of that part — never tokenized approximately.
final class RefusalTests: XCTestCase {
    /// A minimal valid byte-level BPE file, as a JSON object to modify.
    func baseFile() -> [String: Any] {
        var vocab: [String: Int] = [:]
        for (b, c) in ByteLevelAlphabet.characters.enumerated() { vocab[String(Character(c))] = b }
        vocab["ab"] = 256
        return [
            "version": "1.0", "truncation": NSNull(), "padding": NSNull(), "added_tokens": [Any](),
            "normalizer": NSNull(),
            "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true],
            "post_processor": NSNull(), "decoder": ["type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true],
            "model": ["type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "continuing_subword_prefix": NSNull(),
                      "end_of_word_suffix": NSNull(), "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
                      "vocab": vocab, "merges": ["a b"]] as [String: Any],
        ]
    }

    func load(_ object: [String: Any]) throws -> HuggingFaceTokenizer {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("refusal-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("tokenizer.json")
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        return try HuggingFaceTokenizer.load(file: url)
    }

    func assertRefused(_ object: [String: Any], field: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try load(object), file: file, line: line) { error in
            let e = error as? TokenizerError
            XCTAssertEqual(e?.field, field, "\(error)", file: file, line: line)
            XCTAssertTrue("\(error)".contains("Fix:"), file: file, line: line)
        }
    }

    func testTheBaseFileLoadsAndMerges() throws {
        let t = try load(baseFile())
        XCTAssertEqual(t.encode("ab"), [256])
        XCTAssertEqual(t.decode(t.encode("a b ab")), "a b ab")
    }

    /// A scalar outside a SentencePiece-style vocabulary with neither byte fallback nor an
    /// unk_token is dropped, as Python `tokenizers` does (`BPE(vocab={a,b,ab}, merges=[(a,b)])`
    /// encodes "abxab" to [2, 2]); with an unk_token it becomes that token.
    func testUnknownScalarsWithoutUnkAreDroppedLikeTheReference() throws {
        var f = baseFile()
        f["pre_tokenizer"] = NSNull()
        f["decoder"] = NSNull()
        f["model"] = ["type": "BPE", "vocab": ["a": 0, "b": 1, "ab": 2, "<unk>": 3], "merges": ["a b"]]
        XCTAssertEqual(try load(f).encode("abxab"), [2, 2])
        f["model"] = ["type": "BPE", "vocab": ["a": 0, "b": 1, "ab": 2, "<unk>": 3], "merges": ["a b"], "unk_token": "<unk>"]
        XCTAssertEqual(try load(f).encode("abxab"), [2, 3, 2])
    }

    /// A byte whose byte-level character is not in the vocabulary (SmolLM2's lacks 0x04) is
    /// dropped before merging, as Python `tokenizers` does: "!\u{4}!" encodes as "!!".
    func testBytesOutsideAByteLevelVocabularyAreDroppedBeforeMerging() throws {
        var f = baseFile()
        var model = f["model"] as! [String: Any]
        var vocab = model["vocab"] as! [String: Int]
        vocab[String(Character(ByteLevelAlphabet.characters[4]))] = nil
        vocab["!!"] = 257
        model["vocab"] = vocab
        model["merges"] = ["a b", "! !"]
        f["model"] = model
        let t = try load(f)
        XCTAssertEqual(t.encode("!\u{4}!"), [257])
        XCTAssertEqual(t.encode("\u{4}"), [])
    }

    func testUnimplementedPartsAreRefusedByPath() {
        var f = baseFile()
        f["normalizer"] = ["type": "BertNormalizer"]
        assertRefused(f, field: "normalizer.type")

        f = baseFile()
        f["normalizer"] = ["type": "Sequence", "normalizers": [["type": "NFC"], ["type": "Replace", "pattern": ["Regex": "\\s+"], "content": " "]]]
        assertRefused(f, field: "normalizer.normalizers[1].pattern.Regex")

        f = baseFile()
        f["pre_tokenizer"] = ["type": "Sequence", "pretokenizers": [
            ["type": "Split", "pattern": ["Regex": "\\w+|[^\\w\\s]+"], "behavior": "Isolated", "invert": false],
            ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false]]]
        assertRefused(f, field: "pre_tokenizer.pretokenizers[0].pattern.Regex")

        f = baseFile()
        f["pre_tokenizer"] = ["type": "Whitespace"]
        assertRefused(f, field: "pre_tokenizer.type")

        f = baseFile()        // the reference requires the flag too
        f["pre_tokenizer"] = ["type": "Digits"]
        assertRefused(f, field: "pre_tokenizer.individual_digits")

        f = baseFile()
        var model = f["model"] as! [String: Any]
        model["dropout"] = 0.1
        f["model"] = model
        assertRefused(f, field: "model.dropout")

        f = baseFile()
        model = f["model"] as! [String: Any]
        model["continuing_subword_prefix"] = "##"
        f["model"] = model
        assertRefused(f, field: "model.continuing_subword_prefix")

        f = baseFile()
        model = f["model"] as! [String: Any]
        model["type"] = "WordPiece"
        f["model"] = model
        assertRefused(f, field: "model.type")

        f = baseFile()
        model = f["model"] as! [String: Any]
        model["merges"] = ["a b", "x yz"]
        f["model"] = model
        assertRefused(f, field: "model.merges[1]")

        f = baseFile()
        f["truncation"] = ["max_length": 512]
        assertRefused(f, field: "truncation")

        f = baseFile()
        f["decoder"] = ["type": "WordPiece"]
        assertRefused(f, field: "decoder.type")

        f = baseFile()
        f["post_processor"] = ["type": "TemplateProcessing", "single": [["SpecialToken": ["id": "<s>", "type_id": 0]]], "pair": [Any](),
                               "special_tokens": [String: Any]()]
        assertRefused(f, field: "post_processor.single[0].SpecialToken.id")

        f = baseFile()
        f["added_tokens"] = [["id": 257, "content": "<x>", "special": true, "weird": 1]]
        assertRefused(f, field: "added_tokens[0].weird")

        f = baseFile()        // with an unk_token a byte-level vocabulary must cover all 256 bytes
        f["model"] = ["type": "BPE", "vocab": ["a": 0, "<unk>": 1], "merges": [Any](), "unk_token": "<unk>"]
        assertRefused(f, field: "model.vocab")
    }

    func testATiktokenFileWithAnUnknownPatternIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tiktoken-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let ranks = (0..<256).map { "\(Data([UInt8($0)]).base64EncodedString()) \($0)" }.joined(separator: "\n")
        try Data(ranks.utf8).write(to: folder.appendingPathComponent("mine.tiktoken"))
        try Data(#"{"pat_str": "\\w+", "special_tokens": {}}"#.utf8).write(to: folder.appendingPathComponent("tiktoken.json"))
        XCTAssertThrowsError(try TiktokenTokenizer.load(file: folder.appendingPathComponent("mine.tiktoken"))) {
            XCTAssertEqual(($0 as? TokenizerError)?.field, "pat_str")
        }
        try Data(#"{"pattern": "cl100k_base", "special_tokens": {"<|endoftext|>": 300}}"#.utf8).write(to: folder.appendingPathComponent("tiktoken.json"))
        let t = try TiktokenTokenizer.load(file: folder.appendingPathComponent("mine.tiktoken"))
        XCTAssertEqual(t.encode("hi<|endoftext|>"), [104, 105, 300])
        XCTAssertEqual(t.decode([104, 105, 300], skipSpecialTokens: false), "hi<|endoftext|>")
        XCTAssertEqual(t.decode([104, 105, 300]), "hi")
        try Data("aGk= 0\nnot base64\n".utf8).write(to: folder.appendingPathComponent("bad.tiktoken"))
        XCTAssertThrowsError(try TiktokenTokenizer.load(file: folder.appendingPathComponent("bad.tiktoken"))) {
            XCTAssertEqual(($0 as? TokenizerError)?.field, "line 2")
        }
    }
}
