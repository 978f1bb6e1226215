import Foundation
import Tokenizers
import XCTest
@testable import NeedleEval

/// Prompts measured in BPE tokens (Fixtures/, made by make_tokenizers.py): a prompt built for L
/// tokens is L tokens when its text is encoded whole, and each needle's offset is the token that
/// whole encoding puts its first byte in. The tasks put text side by side where the merges of
/// these vocabularies join it: no space between haystack and needle, a needle that starts with a
/// space or with digits, a question that starts with a newline, a letter or a digit.
final class WholeTextPromptTests: XCTestCase {
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/NeedleEvalTests/Fixtures")

    /// The fixture tokenizers, by name.
    static func tokenizer(_ name: String) throws -> any Tokenizer {
        let file = name == "cl100k_style" ? "cl100k_style/ranks.tiktoken" : "\(name)/tokenizer.json"
        return try TokenizerFile.load(path: fixtures.appendingPathComponent(file).path)
    }

    static let names = ["gpt2_bos", "llama3_split", "cl100k_style", "whole_text_sp"]

    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("whole-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Sentences of digits: a cut lands next to digits, and so does a needle that starts with them.
        try "Code 4821 then 7730. 9 and 12 and 345 and 6789 9012. In 1999 there were 2048 of 3072 left. 55 66 77 88.\n"
            .write(to: folder.appendingPathComponent("digits.txt"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// A task spec written to a file, with the fields that matter here.
    private func task(_ name: String, needle: String, question: String, preamble: String = "", haystack: String,
                      needles: Int = 1, values: String = #"{"kind": "number", "digits": 7}"#) throws -> TaskSpec {
        let json = """
            {"name": "\(name)", "needle": \(jsonString(needle)), "question": \(jsonString(question)),
             "preamble": \(jsonString(preamble)), "keys": {"kind": "words"}, "values": \(values),
             "needles": \(needles), "haystack": \(haystack), "seed": 11}
            """
        let url = folder.appendingPathComponent("\(name).json")
        try json.write(to: url, atomically: true, encoding: .utf8)
        return try TaskSpec.load(path: url.path)
    }

    private func jsonString(_ s: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: [s]), as: UTF8.self).dropFirst().dropLast().description
    }

    private func tasks() throws -> [TaskSpec] {
        [
            // Digits first, no space after: "…7. 1234567 is…" and "…number of lamp.Nobody…".
            try task("digits_first", needle: "{value} is the magic number of {key}.",
                     question: "What is the magic number of {key}? It is", haystack: #"{"kind": "builtin"}"#),
            // A leading space after the sentence's own, a newline before the question.
            try task("space_first", needle: " The special magic {key} number is: {value}. ",
                     question: "\nWhat is the special magic {key} number? The special magic {key} number is: ",
                     preamble: "Read this.", haystack: #"{"kind": "noise"}"#),
            // Digits against digits at the needles and at the question, several needles.
            try task("digit_runs", needle: "{value}{value} was the code of {key}. ",
                     question: "2. Which code had {key}? ", haystack: #"{"kind": "files", "path": "\#(folder.path)"}"#,
                     needles: 3),
            try loadTask("multi_needle.json"),
        ]
    }

    /// The byte offset of `needle` in `text` (needles hold a value that occurs once).
    private func byteOffset(of needle: String, in text: String) throws -> Int {
        let range = try XCTUnwrap(text.range(of: needle), "needle \(needle) not in the prompt")
        return text.utf8.distance(from: text.utf8.startIndex, to: range.lowerBound)
    }

    private func check(_ p: BuiltPrompt, spec: TaskSpec, tokenizer: any Tokenizer, _ label: String) throws {
        let prefix = tokenizer.prefixTokens
        XCTAssertEqual(p.tokens.count, p.length, label)
        XCTAssertEqual(p.tokens, prefix + tokenizer.encode(p.text), "\(label): tokens are the whole text's encoding")
        XCTAssertTrue(p.text.hasSuffix(p.queries[0].text), label)
        let body = Array(p.tokens[prefix.count...])
        // Where the needle's first byte is, found by decoding (independent of the builder's spans).
        for n in p.needles {
            let needle = spec.needle.replacingOccurrences(of: "{key}", with: n.key).replacingOccurrences(of: "{value}", with: n.value)
            let byte = try byteOffset(of: needle, in: p.text)
            let k = n.tokenOffset - prefix.count
            XCTAssertLessThanOrEqual(tokenizer.decode(Array(body[..<k])).utf8.count, byte, "\(label): \(n) starts after its token")
            XCTAssertGreaterThan(tokenizer.decode(Array(body[...k])).utf8.count, byte, "\(label): \(n) starts in its token")
        }
        XCTAssertEqual(p.needleTokenOffset, p.needles.first { $0.key == p.queries[0].key && $0.value == p.queries[0].expected[0] }?.tokenOffset,
                       label)
        XCTAssertEqual(Array(p.tokens.suffix(p.queries[0].questionTokens.count)), p.queries[0].questionTokens, label)
    }

    func testExactLengthTokensAndNeedleOffsetsAcrossTokenizersTasksLengthsAndDepths() throws {
        for name in Self.names {
            let tokenizer = try Self.tokenizer(name)
            for spec in try tasks() {
                let builder = try PromptBuilder(spec: spec, tokenizer: tokenizer)
                for length in [300, 777, 2048, 5000] {
                    for depth in [0, 33, 50, 100] {
                        let label = "\(name) \(spec.name) L=\(length) d=\(depth)"
                        let p: BuiltPrompt
                        do { p = try builder.build(length: length, depth: depth, trial: length % 3) } catch { XCTFail("\(label): \(error)"); continue }
                        try check(p, spec: spec, tokenizer: tokenizer, label)
                        if depth == 0 { XCTAssertEqual(p.needleTokenOffset, p.regionStart, label) }
                    }
                }
            }
        }
    }

    /// The same spec, seed and tokenizer give the same prompt, built alone or after other cells.
    func testDeterministicWhateverTheGridBuiltBefore() throws {
        for name in Self.names {
            let tokenizer = try Self.tokenizer(name)
            let spec = try loadTask("niah_single.json")
            let grid = try PromptBuilder(spec: spec, tokenizer: tokenizer)
            _ = try grid.build(length: 40_000, depth: 10, trial: 0)   // grows the haystack by several blocks
            let inGrid = try grid.build(length: 3000, depth: 70, trial: 2)
            let alone = try PromptBuilder(spec: spec, tokenizer: tokenizer).build(length: 3000, depth: 70, trial: 2)
            XCTAssertEqual(inGrid.tokens, alone.tokens, name)
            XCTAssertEqual(inGrid.text, alone.text, name)
            XCTAssertEqual(inGrid.needles, alone.needles, name)
            let other = try PromptBuilder(spec: spec, tokenizer: tokenizer, seed: 12).build(length: 3000, depth: 70, trial: 2)
            XCTAssertNotEqual(other.tokens, alone.tokens, name)
        }
    }

    /// Byte-level tokenizers take the fast path: windows around the junctions, one whole encode.
    func testPretokenizedVocabulariesNeedOneWholeEncode() throws {
        for name in ["gpt2_bos", "llama3_split", "cl100k_style"] {
            let tokenizer = try Self.tokenizer(name)
            let spec = try loadTask("multi_needle.json")
            let builder = try PromptBuilder(spec: spec, tokenizer: tokenizer)
            for (length, depth) in [(4096, 0), (65_536, 50), (65_536, 100), (100_000, 37)] {
                let p = try builder.build(length: length, depth: depth, trial: 1)
                XCTAssertEqual(p.tokens.count, length, name)
                XCTAssertEqual(builder.lastWholeEncodes, 1, "\(name) L=\(length) d=\(depth)")
            }
        }
    }

    /// The fallback (the cut fitted on whole encodes) and the windows fit the same count, so they
    /// give the same prompt; the fallback just takes more whole encodes.
    func testWholeTextFallbackGivesTheSamePrompts() throws {
        var builds = 0, wholeEncodes = 0
        for name in Self.names {
            let tokenizer = try Self.tokenizer(name)
            for spec in try tasks() {
                let fast = try PromptBuilder(spec: spec, tokenizer: tokenizer)
                let slow = try PromptBuilder(spec: spec, tokenizer: tokenizer)
                slow.fitOnWholeTextOnly = true
                for (length, depth) in [(777, 100), (3000, 50)] {
                    let a = try fast.build(length: length, depth: depth, trial: 0)
                    let b = try slow.build(length: length, depth: depth, trial: 0)
                    XCTAssertEqual(b.tokens.count, length)
                    XCTAssertEqual(a.tokens, b.tokens, "\(name) \(spec.name) L=\(length) d=\(depth)")
                    XCTAssertEqual(a.needles, b.needles, "\(name) \(spec.name) L=\(length) d=\(depth)")
                    builds += 1
                    wholeEncodes += slow.lastWholeEncodes
                }
            }
        }
        XCTAssertGreaterThan(wholeEncodes, builds, "the fallback re-encodes the whole text while it steps the cut")
    }

    /// Depth semantics stay: the queried needle starts a sentence at or before depth% of the
    /// filler (a sentence, at most, before it), depth 0 right after the preamble, 100 right
    /// before the question.
    func testNeedleSitsAtASentenceStartNearTheDepth() throws {
        let tokenizer = try Self.tokenizer("llama3_split")
        let spec = try loadTask("niah_single.json")
        let builder = try PromptBuilder(spec: spec, tokenizer: tokenizer)
        for depth in stride(from: 0, through: 100, by: 10) {
            let p = try builder.build(length: 32768, depth: depth, trial: 0)
            let needle = spec.needle.replacingOccurrences(of: "{key}", with: p.queries[0].key)
                .replacingOccurrences(of: "{value}", with: p.queries[0].expected[0])
            let needleLength = tokenizer.encode(needle).count
            let target = p.regionStart + depth * (p.regionLength - needleLength) / 100
            XCTAssertLessThanOrEqual(p.needleTokenOffset, target + 2, "depth \(depth): moved back, never forward")
            XCTAssertLessThan(target - p.needleTokenOffset, 80, "depth \(depth): within a sentence")
            let byte = try byteOffset(of: needle, in: p.text)
            let before = p.text.utf8.prefix(byte)
            if depth == 0 { XCTAssertEqual(byte, 0) }
            if depth == 100 { XCTAssertTrue(p.text.hasSuffix(needle + p.queries[0].text)) }
            if depth > 0 && depth < 100 { XCTAssertEqual(before.last, UInt8(ascii: " "), "depth \(depth): after a sentence") }
        }
    }

    /// Values never occur in the haystack part of a prompt.
    func testValuesOccurOnlyInTheirNeedles() throws {
        let tokenizer = try Self.tokenizer("gpt2_bos")
        let spec = try loadTask("niah_multivalue.json")
        let builder = try PromptBuilder(spec: spec, tokenizer: tokenizer)
        for trial in 0..<3 {
            let p = try builder.build(length: 4096, depth: 30, trial: trial)
            for n in p.needles { XCTAssertEqual(p.text.components(separatedBy: n.value).count - 1, 1, n.value) }
        }
    }

    /// Token lengths (Tokenizers' `TokenTextLengths`) put every token where decoding puts it.
    func testTokenStartsAreWhereDecodingPutsThem() throws {
        let texts = ["The special magic Oslo number is: 1234567. \nWhat is it? ", "  two spaces first", "ünïcödé ✓ 漢字 and 1999", "x"]
        for name in Self.names {
            let tokenizer = try Self.tokenizer(name)
            let spans = try TokenSpans(tokenizer: tokenizer)
            for text in texts {
                let ids = tokenizer.encode(text)
                let starts = try spans.starts(of: ids, byteCount: text.utf8.count)
                var checked = 0
                for k in 1..<ids.count {
                    let decoded = tokenizer.decode(Array(ids[..<k]))
                    if decoded.contains("\u{FFFD}") { continue }       // ends inside a character
                    XCTAssertEqual(starts[k], decoded.utf8.count, "\(name) \(text.debugDescription) token \(k)")
                    checked += 1
                }
                XCTAssertGreaterThanOrEqual(checked, (ids.count - 1) / 2, "\(name) \(text.debugDescription)")
            }
        }
    }

    /// A vocabulary that cannot spell the haystack (no byte fallback) is refused with the reason.
    func testTokensThatStandForNoFixedTextAreRefused() throws {
        let file = folder.appendingPathComponent("tiny.json")
        try #"{"model": {"type": "BPE", "vocab": {"<unk>": 0, "▁": 1, "T": 2, "h": 3, "e": 4}, "merges": [], "unk_token": "<unk>"},"#
            .appending(#" "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always"}}"#)
            .write(to: file, atomically: true, encoding: .utf8)
        let tokenizer = try TokenizerFile.load(path: file.path)
        XCTAssertThrowsError(try PromptBuilder(spec: loadTask("niah_multikey.json"), tokenizer: tokenizer).build(length: 4096, depth: 50, trial: 0)) {
            XCTAssertTrue("\($0)".contains("cannot line up the tokens of '\(tokenizer.name)'") && "\($0)".contains("stands for no fixed text"), "\($0)")
        }
    }

    /// The needle-free context (KV reuse's shared haystack) is `length` tokens of the whole text.
    func testNeedleFreeContextIsTheWholeTextsTokens() throws {
        let tokenizer = try Self.tokenizer("gpt2_bos")
        let spec = try loadTask("niah_single.json")
        let context = try PromptBuilder(spec: spec, tokenizer: tokenizer).needleFreeContext(length: 3000)
        XCTAssertEqual(context.count, 3000)
        let text = tokenizer.decode(Array(context.dropFirst()))
        // (The last few tokens may encode differently once the text ends there.)
        XCTAssertEqual(Array((tokenizer.prefixTokens + tokenizer.encode(text)).prefix(2990)), Array(context.prefix(2990)))
    }

    func testTooShortIsAClearError() throws {
        let spec = try loadTask("niah_multikey.json")
        XCTAssertThrowsError(try PromptBuilder(spec: spec, tokenizer: Self.tokenizer("gpt2_bos")).build(length: 40, depth: 50, trial: 0)) {
            XCTAssertTrue("\($0)".contains("too short"), "\($0)")
        }
    }
}
