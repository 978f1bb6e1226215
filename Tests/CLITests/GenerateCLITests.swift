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
