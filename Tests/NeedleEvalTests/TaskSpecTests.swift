import NeedleSupport
import Tokenizers
import XCTest
@testable import NeedleEval

final class TaskSpecTests: XCTestCase {
    func testEveryShippedTaskLoads() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("tasks").path)
            .filter { $0.hasSuffix(".json") }
        XCTAssertGreaterThanOrEqual(files.count, 5)
        for file in files {
            XCTAssertNoThrow(try loadTask(file), file)
        }
        let single = try loadTask("niah_single.json")
        XCTAssertEqual(single.keys, .cities)
        XCTAssertEqual(single.values, .number(digits: 7))
        XCTAssertEqual(single.lengths.last, 1_048_576)
    }

    private let valid: [String: Any] = [
        "name": "t", "needle": "The {key} is {value}. ", "question": "What is {key}? ",
        "keys": ["kind": "cities"], "values": ["kind": "number", "digits": 7],
    ]

    private func reject(_ change: (inout [String: Any]) -> Void, field: String, _ fragment: String,
                        line: UInt = #line) {
        var json = valid
        change(&json)
        let data = try! JSONSerialization.data(withJSONObject: json)
        XCTAssertThrowsError(try TaskSpec.parse(data: data, file: "bad.json"), line: line) { error in
            guard let e = error as? TaskSpecError else { return XCTFail("\(error)", line: line) }
            XCTAssertEqual(e.file, "bad.json", line: line)
            XCTAssertEqual(e.field, field, "\(e)", line: line)
            XCTAssertTrue(e.description.contains(fragment), "\(e)", line: line)
        }
    }

    func testTheMinimalSpecIsValid() throws {
        XCTAssertNoThrow(try TaskSpec.parse(data: JSONSerialization.data(withJSONObject: valid), file: "ok.json"))
    }

    func testEachKindOfBadSpecIsRejectedWithItsField() {
        reject({ $0["colour"] = "red" }, field: "colour", "unknown field")
        reject({ $0["needle"] = "The {key} is here. " }, field: "needle", "{value}")
        reject({ $0["question"] = "What? " }, field: "question", "{key}")
        reject({ $0["needles"] = -2 }, field: "needles", "at least 1")
        reject({ $0["needles"] = 2; $0["queries"] = 3 }, field: "needles", "at least queries")
        reject({ $0["trials"] = 0 }, field: "trials", "at least 1")
        reject({ $0["values_per_key"] = 0 }, field: "values_per_key", "at least 1")
        reject({ $0["needles"] = 1.5 }, field: "needles", "whole number")
        reject({ $0.removeValue(forKey: "keys") }, field: "keys", "required")
        reject({ $0["keys"] = ["kind": "planets"] }, field: "keys.kind", "unknown key kind")
        reject({ $0["keys"] = ["kind": "cities", "count": 3] }, field: "keys.count", "unknown field")
        reject({ $0["values"] = ["kind": "number", "digits": 40] }, field: "values.digits", "between 1 and 18")
        reject({ $0["keys"] = ["kind": "list", "items": ["a", "b"]]; $0["needles"] = 3 }, field: "keys", "2 distinct keys")
        reject({ $0["keys"] = ["kind": "list", "items": []] }, field: "keys.items", "non-empty")
        reject({ $0["depths"] = [0, 120] }, field: "depths", "0 to 100")
        reject({ $0["lengths"] = ["1X"] }, field: "lengths", "positive token counts")
        reject({ $0["haystack"] = ["kind": "files", "path": "/nonexistent/haystack"] }, field: "haystack.path", "does not exist")
        reject({ $0["haystack"] = ["kind": "web"] }, field: "haystack.kind", "unknown haystack kind")
        reject({ $0["stop"] = "" }, field: "stop", "must not be empty")
        reject({ $0["name"] = 3 }, field: "name", "must be a string")
    }

    func testAnEmptyHaystackFolderIsRejected() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var json = valid
        json["haystack"] = ["kind": "files", "path": dir.path]
        let spec = try TaskSpec.parse(data: JSONSerialization.data(withJSONObject: json), file: "bad.json")
        XCTAssertThrowsError(try PromptBuilder(spec: spec, tokenizer: ByteTokenizer())) { error in
            XCTAssertEqual((error as? TaskSpecError)?.field, "haystack.path", "\(error)")
        }
    }

    func testMalformedJSONNamesTheFile() {
        XCTAssertThrowsError(try TaskSpec.parse(data: Data("{".utf8), file: "broken.json")) {
            XCTAssertTrue("\($0)".hasPrefix("broken.json"), "\($0)")
        }
    }
}
