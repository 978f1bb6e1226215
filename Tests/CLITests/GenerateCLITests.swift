import Foundation
import XCTest

final class GenerateCLITests: XCTestCase {
    func testGenerateWritesOnePromptPerCellOfExactLength() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("gen-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try runCLI(["generate", "--task", "tasks/niah_single.json", "--lengths", "1K,64K,1M",
                            "--depths", "0,50,100", "--trials", "2", "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 18)
        for line in lines {
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let length = o["length"] as! Int
            XCTAssertEqual(o["prompt_tokens"] as? Int, length)
            // Byte tokenizer: BOS + one token per UTF-8 byte of the prompt text.
            XCTAssertEqual((o["prompt"] as! String).utf8.count + 1, length)
            let expected = o["expected"] as! [String]
            XCTAssertEqual(expected.count, 1)
            XCTAssertTrue((o["prompt"] as! String).contains("number is: \(expected[0]). "))
            // The ids that were measured: BOS, then the prompt's bytes.
            XCTAssertEqual(o["prompt_ids"] as? [Int], [256] + (o["prompt"] as! String).utf8.map(Int.init))
            XCTAssertEqual(o["stop"] as? String, ".")
            XCTAssertEqual(o["max_new_tokens"] as? Int, 12)
        }
    }

    private let fixtures = repositoryRoot.appendingPathComponent("Tests/NeedleEvalTests/Fixtures")

    private func generate(_ arguments: [String]) throws -> [[String: Any]] {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("gen-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try runCLI(["generate", "--out", out.path] + arguments)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try String(contentsOf: out, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    /// `--tokenizer` takes a tokenizer.json or a .tiktoken file: every prompt is exactly its
    /// length in those tokens, and `prompt_ids` are what `tokenize` makes of `prompt` (plus BOS).
    func testGenerateMeasuresInTheGivenTokenizersTokens() throws {
        for (file, bos) in [("gpt2_bos/tokenizer.json", [0]), ("cl100k_style/ranks.tiktoken", [])] {
            let tokenizer = fixtures.appendingPathComponent(file).path
            let lines = try generate(["--task", "tasks/multi_needle.json", "--tokenizer", tokenizer,
                                      "--lengths", "1K,5000", "--depths", "0,50,100", "--trials", "1"])
            XCTAssertEqual(lines.count, 6, file)
            let texts = FileManager.default.temporaryDirectory.appendingPathComponent("texts-\(UUID().uuidString).jsonl")
            let ids = FileManager.default.temporaryDirectory.appendingPathComponent("ids-\(UUID().uuidString).jsonl")
            defer { for f in [texts, ids] { try? FileManager.default.removeItem(at: f) } }
            let textLines = try lines.map { String(decoding: try JSONSerialization.data(withJSONObject: ["text": $0["prompt"]!]), as: UTF8.self) }
            try (textLines.joined(separator: "\n") + "\n").write(to: texts, atomically: true, encoding: .utf8)
            let t = try runCLI(["tokenize", "--tokenizer", tokenizer, "--in", texts.path, "--out", ids.path])
            XCTAssertEqual(t.status, 0, t.stderr)
            let encoded = try String(contentsOf: ids, encoding: .utf8).split(separator: "\n").map {
                (try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["ids"] as! [Int]
            }
            for (o, whole) in zip(lines, encoded) {
                let length = o["length"] as! Int
                XCTAssertEqual(o["prompt_tokens"] as? Int, length, file)
                XCTAssertEqual(o["prompt_ids"] as? [Int], bos + whole, "\(file): the ids are the prompt text's, encoded whole")
                XCTAssertEqual((o["prompt_ids"] as! [Int]).count, length, file)
                let offset = o["needle_token_offset"] as! Int
                XCTAssertTrue(offset >= bos.count && offset < length, "\(file): \(offset)")
            }
        }
    }

    /// A model directory measures as before (its byte tokenizer); a file that is no tokenizer is
    /// a usage error naming the flag.
    func testGenerateTokenizerModelDirectoryAndBadFiles() throws {
        let grid = ["--task", "tasks/niah_single.json", "--lengths", "2K", "--depths", "50"]
        let plain = try generate(grid)
        let model = try generate(grid + ["--tokenizer", "models/yoco-niah-tiny"])
        XCTAssertEqual(plain.map { $0["prompt_ids"] as! [Int] }, model.map { $0["prompt_ids"] as! [Int] })
        for bad in ["README.md", "nope/tokenizer.json"] {
            let r = try runCLI(["generate", "--out", "/tmp/never-written.jsonl", "--tokenizer", bad] + grid)
            XCTAssertEqual(r.status, 2, r.stderr)
            XCTAssertTrue(r.stderr.contains("--tokenizer \(bad)"), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/never-written.jsonl"))
        }
    }

    func testBadFlagsAreRejectedBeforeAnyWork() throws {
        for (args, fragment) in [(["--lengths", "0"], "--lengths"), (["--depths", "120"], "--depths"),
                                 (["--trials", "-1"], "--trials"), (["--task", "nope.json"], "nope.json")] {
            let r = try runCLI(["generate", "--out", "/tmp/never-written.jsonl"] + args)
            XCTAssertNotEqual(r.status, 0, "\(args)")
            XCTAssertTrue(r.stderr.contains(fragment), "\(args): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/never-written.jsonl"))
        }
    }
}
