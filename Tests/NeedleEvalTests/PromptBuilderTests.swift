import NeedleSupport
import Tokenizers
import XCTest
@testable import NeedleEval

final class PromptBuilderTests: XCTestCase {
    let tokenizer = ByteTokenizer()

    func testSameSeedGivesByteIdenticalPromptsAndAnotherSeedDiffers() throws {
        let spec = try loadTask("multi_needle.json")
        let a = try PromptBuilder(spec: spec, tokenizer: tokenizer, seed: 7).build(length: 8192, depth: 40, trial: 1)
        let b = try PromptBuilder(spec: spec, tokenizer: tokenizer, seed: 7).build(length: 8192, depth: 40, trial: 1)
        let c = try PromptBuilder(spec: spec, tokenizer: tokenizer, seed: 8).build(length: 8192, depth: 40, trial: 1)
        XCTAssertEqual(a.jsonLine(spec: spec), b.jsonLine(spec: spec))
        XCTAssertNotEqual(a.tokens, c.tokens)
    }

    func testACellRebuiltAloneEqualsTheSameCellBuiltInAGrid() throws {
        let spec = try loadTask("niah_single.json")
        let grid = try PromptBuilder(spec: spec, tokenizer: tokenizer)
        _ = try grid.build(length: 16384, depth: 10, trial: 0)
        let inGrid = try grid.build(length: 4096, depth: 70, trial: 2)
        let alone = try PromptBuilder(spec: spec, tokenizer: tokenizer).build(length: 4096, depth: 70, trial: 2)
        XCTAssertEqual(inGrid.tokens, alone.tokens)
    }

    func testExactLengthAt1K64KAnd1M() throws {
        let spec = try loadTask("niah_single.json")
        let builder = try PromptBuilder(spec: spec, tokenizer: tokenizer)
        for length in [1024, 65536, 1_048_576] {
            let p = try builder.build(length: length, depth: 50, trial: 0)
            XCTAssertEqual(p.tokens.count, length)
            XCTAssertEqual(p.tokens.first, 256, "BOS first")
        }
    }

    func testNeedleSitsWithinOneSentenceOfTheDepth() throws {
        let spec = try loadTask("niah_single.json")
        let builder = try PromptBuilder(spec: spec, tokenizer: tokenizer)
        let longestSentence = 200  // built-in prose sentences are far shorter
        for depth in stride(from: 0, through: 100, by: 10) {
            let p = try builder.build(length: 32768, depth: depth, trial: 0)
            let needleLength = tokenizer.encode("The special magic \(p.needles[0].key) number is: \(p.needles[0].value). ").count
            let filler = p.regionLength - needleLength
            let target = p.regionStart + depth * filler / 100
            XCTAssertLessThanOrEqual(p.needleTokenOffset, target, "depth \(depth): moved back, never forward")
            XCTAssertLessThan(target - p.needleTokenOffset, longestSentence, "depth \(depth)")
            if depth == 0 { XCTAssertEqual(p.needleTokenOffset, p.regionStart) }
            if depth == 100 { XCTAssertEqual(p.needleTokenOffset + needleLength, p.regionStart + p.regionLength) }
            // A sentence boundary: the needle follows a sentence's trailing space (or starts the region).
            if p.needleTokenOffset > p.regionStart && depth < 100 { XCTAssertEqual(p.tokens[p.needleTokenOffset - 1], 32) }
        }
    }

    func testEveryNeedleOnceAndExpectedValuesRight() throws {
        for (file, needles) in [("niah_single.json", 1), ("multi_needle.json", 4), ("niah_multikey.json", 4),
                                ("niah_multiquery.json", 4), ("niah_multivalue.json", 4)] {
            let spec = try loadTask(file)
            let builder = try PromptBuilder(spec: spec, tokenizer: tokenizer)
            for trial in 0..<3 {
                let p = try builder.build(length: 4096, depth: 30, trial: trial)
                XCTAssertEqual(p.needles.count, needles, file)
                XCTAssertEqual(Set(p.needles.map(\.value)).count, needles, "\(file): values distinct")
                for n in p.needles {
                    let text = spec.needle.replacingOccurrences(of: "{key}", with: n.key).replacingOccurrences(of: "{value}", with: n.value)
                    XCTAssertEqual(occurrences(of: tokenizer.encode(text), in: p.tokens), 1, "\(file): \(text)")
                    XCTAssertEqual(occurrences(of: tokenizer.encode(n.value), in: p.tokens), 1, "\(file): value \(n.value) only in its needle")
                    XCTAssertEqual(Array(p.tokens[n.tokenOffset..<n.tokenOffset + text.utf8.count]), tokenizer.encode(text))
                }
                XCTAssertEqual(p.queries.count, spec.queries, file)
                for q in p.queries {
                    XCTAssertEqual(q.expected, p.needles.filter { $0.key == q.key }.map(\.value), file)
                    XCTAssertEqual(q.expected.count, spec.valuesPerKey, file)
                }
                XCTAssertEqual(Set(p.queries.map(\.key)).count, spec.queries, "\(file): distinct queried keys")
                XCTAssertEqual(Array(p.tokens.suffix(p.queries[0].questionTokens.count)), p.queries[0].questionTokens)
            }
        }
    }

    /// Grid-level KV reuse relies on this: a prompt with its needles and question removed is a
    /// prefix of the needle-free context of any longer length.
    func testPromptIsTheNeedleFreeContextWithInsertions() throws {
        for file in ["niah_single.json", "multi_needle.json", "niah_multikey.json"] {
            let spec = try loadTask(file)
            let builder = try PromptBuilder(spec: spec, tokenizer: tokenizer)
            let context = try builder.needleFreeContext(length: 16384)
            XCTAssertEqual(context.count, 16384)
            for (length, depth) in [(2048, 0), (4096, 50), (16384, 100)] {
                let p = try builder.build(length: length, depth: depth, trial: 1)
                var rest: [Int32] = []
                var cursor = 0
                for n in p.needles {
                    let count = spec.needle.replacingOccurrences(of: "{key}", with: n.key)
                        .replacingOccurrences(of: "{value}", with: n.value).utf8.count
                    rest += p.tokens[cursor..<n.tokenOffset]
                    cursor = n.tokenOffset + count
                }
                rest += p.tokens[cursor..<(p.tokens.count - p.queries[0].questionTokens.count)]
                XCTAssertEqual(rest, Array(context.prefix(rest.count)), "\(file) \(length) \(depth)")
            }
        }
    }

    func testQueriedNeedleIsAtTheDepthInMultiNeedle() throws {
        let spec = try loadTask("multi_needle.json")
        let p = try PromptBuilder(spec: spec, tokenizer: tokenizer).build(length: 8192, depth: 0, trial: 0)
        let asked = p.needles.first { $0.key == p.queries[0].key }!
        XCTAssertEqual(asked.tokenOffset, p.needleTokenOffset)
        XCTAssertEqual(p.needleTokenOffset, p.regionStart)
    }

    func testTooShortLengthIsAClearError() throws {
        let spec = try loadTask("niah_multikey.json")
        XCTAssertThrowsError(try PromptBuilder(spec: spec, tokenizer: tokenizer).build(length: 200, depth: 50, trial: 0)) {
            XCTAssertTrue("\($0)".contains("too short"), "\($0)")
        }
    }

    func testFilesHaystackReadsSortedFilesAndRepeats() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "Beta sentence one. Beta two!".write(to: dir.appendingPathComponent("b.txt"), atomically: true, encoding: .utf8)
        try "Alpha first.   Alpha\nsecond?".write(to: dir.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        try "ignored".write(to: dir.appendingPathComponent("c.md"), atomically: true, encoding: .utf8)
        var source = try FileSentences(folder: dir, glob: "*.txt", specFile: "spec.json")
        let sentences = (0..<5).map { _ in source.nextSentence() }
        // Files are kept as written; a file without a final line break gets one.
        XCTAssertEqual(sentences, ["Alpha first.   ", "Alpha\n", "second?\n", "Beta sentence one. ", "Beta two!\n"])
        XCTAssertEqual(source.nextSentence(), "Alpha first.   ", "the stream starts over")
        XCTAssertEqual(FileSentences.split("  "), [])
    }

    func testFileTextKeepsItsWhitespaceByteForByte() {
        let text = "# Title\n\nText here. More text\n\tindented();\n  - item one\n  - item two\r\n\n\n2026-01-02 v1.2.3 done.\n  "
        let units = FileSentences.split(text)
        XCTAssertEqual(units.joined(), text)
        XCTAssertEqual(units, ["# Title\n\n", "Text here. ", "More text\n", "\tindented();\n", "  - item one\n",
                               "  - item two\r\n\n\n", "2026-01-02 v1.2.3 done.\n  "])
        XCTAssertEqual(FileSentences.split("\n\n  lead"), ["\n\n  lead"], "leading whitespace opens the first unit")
        // Any text: the units give it back exactly, and each holds something besides whitespace.
        var rng = SeededRandom(seed: 3)
        let alphabet: [Character] = ["a", "b", ".", "!", "?", " ", "\t", "\n", "\r\n", "7", "é", "-"]
        for _ in 0..<500 {
            let random = String((0..<rng.below(40)).map { _ in alphabet[rng.below(alphabet.count)] })
            let parts = FileSentences.split(random)
            XCTAssertEqual(parts.joined(), random.contains(where: { !$0.isWhitespace }) ? random : "")
            XCTAssertTrue(parts.allSatisfy { $0.contains(where: { !$0.isWhitespace }) }, "\(parts)")
        }
    }

    func testAFilesPromptIsTheFilesAsWrittenWithTheNeedleAtALineOrSentenceStart() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = "## Changes in 1.2.3 (2026-01-02)\n\n  * Fixed the parser.  Faster start.\n\t\tcode(x);\n\nLast line\n"
        try file.write(to: dir.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: taskPath("niah_single.json")))) as? [String: Any])
        json["haystack"] = ["kind": "files", "path": dir.path]
        let spec = try TaskSpec.parse(data: JSONSerialization.data(withJSONObject: json), file: "spec.json")
        let builder = try PromptBuilder(spec: spec, tokenizer: tokenizer)
        var lineStarts = 0
        for depth in stride(from: 0, through: 100, by: 5) {
            let p = try builder.build(length: 1024, depth: depth, trial: 0)
            let needle = "The special magic \(p.needles[0].key) number is: \(p.needles[0].value). "
            let haystack = String(p.text.dropLast(p.queries[0].text.count))
            let range = try XCTUnwrap(haystack.range(of: needle))
            let before = haystack[..<range.lowerBound]
            // Without the needle, the haystack is the file repeated, every byte kept.
            let repeated = String(repeating: file, count: 1024 / file.utf8.count + 2)
            XCTAssertTrue(repeated.hasPrefix(before + haystack[range.upperBound...]), "depth \(depth)")
            // The needle goes at a unit boundary: a line start, or after a sentence's spaces.
            let last = before.last
            let sentenceEnd = before.reversed().first { $0 != " " }.map { ".!?".contains($0) } ?? false
            XCTAssertTrue(last == nil || last!.isNewline || (last == " " && sentenceEnd),
                          "depth \(depth): \(before.suffix(20).debugDescription)")
            if last?.isNewline == true { lineStarts += 1 }
        }
        XCTAssertGreaterThan(lineStarts, 5, "in line-structured text most needles start a line")
    }

    func testGridOrderAndCount() {
        let plan = TrialPlan(lengths: [4096, 1024], depths: [50, 0], trials: 2)
        XCTAssertEqual(plan.count, 8)
        XCTAssertEqual(plan.cells.first, TrialKey(length: 1024, depth: 50, trial: 0))
        XCTAssertEqual(plan.cells.last, TrialKey(length: 4096, depth: 0, trial: 1))
        XCTAssertEqual(Set(plan.cells).count, 8)
    }

    func testLengthSuffixes() {
        XCTAssertEqual(Lengths.parse("1K"), 1024)
        XCTAssertEqual(Lengths.parse("1M"), 1_048_576)
        XCTAssertEqual(Lengths.parse("4096"), 4096)
        XCTAssertNil(Lengths.parse("0"))
        XCTAssertNil(Lengths.parse("-1K"))
        XCTAssertNil(Lengths.parse("abc"))
        XCTAssertEqual(Lengths.doublingGrid(upTo: 8192), [1024, 2048, 4096, 8192])
        XCTAssertEqual(Lengths.label(1_048_576), "1M")
        XCTAssertEqual(Lengths.label(65536), "64K")
    }
}
