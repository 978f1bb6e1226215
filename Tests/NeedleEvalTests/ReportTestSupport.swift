import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import NeedleEval

/// One (length, depth) cell to record: `correct` of `trials` answered, then `errors` error trials.
struct FixtureCell {
    var length: Int, depth: Int, correct: Int, trials: Int, errors = 0
}

/// A run of `task` (JSON with its needle count) by `model`, with these cells recorded and finished.
@discardableResult
func recordRun(_ store: ResultsStore, model: String, task: String, needles: Int, grid: TrialPlan,
               cells: [FixtureCell], options: String = "{\"kv\":\"f32\"}") throws -> Int64 {
    let json = "{\"name\":\"\(task)\",\"needles\":\(needles)}"
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let id = try store.createRun(RunRecord(
        modelPath: model, modelSHA256: "sha-" + model, taskName: task, taskJSON: json, taskHash: "hash-" + json,
        gridJSON: grid.json, seed: 7, toolVersion: "0.1.0", host: "test", startedAt: start, optionsJSON: options,
        tokenizerName: "bytes", tokenizerSHA256: "70c3e5"))
    for cell in cells {
        for trial in 0..<(cell.trials + cell.errors) {
            let correct = trial < cell.correct
            var record = TrialRecord(
                runID: id, length: cell.length, depth: cell.depth, trial: trial, keysJSON: "[\"Oslo\"]",
                expectedJSON: "[[\"1234567\"]]", output: correct ? "1234567." : "7654321.", correct: correct,
                score: correct ? 1 : 0, promptTokens: cell.length, needleTokenOffset: cell.length * cell.depth / 100,
                prefillMilliseconds: Double(cell.length) / 1024, decodeMilliseconds: 2,
                peakRSSBytes: 100 << 20 + cell.length * 1024, kvBytes: cell.length * 64)
            if trial >= cell.trials {
                record.status = .error
                record.error = "HTTP 503 after 3 attempts"
                record.correct = false
            }
            try store.record(record)
        }
    }
    try store.setStatus(runID: id, .finished, finishedAt: start.addingTimeInterval(12.5))
    return id
}

/// The report tests' database: two models on niah_single (runs 1 and 2, run 2 with a longer grid)
/// and on multi_needle at 2 and 8 needles (runs 3, 4 and 5).
///
/// Run 2 against run 1 (baseline) gives the cells whose Fisher p-values ReportTests checks:
/// 1K 0% 0/5 vs 5/5, 1K 100% 5/5 vs 5/5, 4K 0% 1/5 vs 5/5, 4K 100% 0/5 vs 3/4 (run 1 has one error
/// trial there).
func makeReportStore(_ test: XCTestCase) throws -> ResultsStore {
    let store = try ResultsStore(path: try makeTemporaryFolder(test).appendingPathComponent("report.sqlite").path)
    let short = TrialPlan(lengths: [1024, 4096], depths: [0, 100], trials: 5)
    try recordRun(store, model: "models/yoco-niah-tiny", task: "niah_single", needles: 1, grid: short, cells: [
        FixtureCell(length: 1024, depth: 0, correct: 5, trials: 5),
        FixtureCell(length: 1024, depth: 100, correct: 5, trials: 5),
        FixtureCell(length: 4096, depth: 0, correct: 5, trials: 5),
        FixtureCell(length: 4096, depth: 100, correct: 3, trials: 4, errors: 1),
    ])
    try recordRun(store, model: "checkpoints/yoco-old", task: "niah_single", needles: 1,
                  grid: TrialPlan(lengths: [1024, 4096, 16384], depths: [0, 100], trials: 5), cells: [
        FixtureCell(length: 1024, depth: 0, correct: 0, trials: 5),
        FixtureCell(length: 1024, depth: 100, correct: 5, trials: 5),
        FixtureCell(length: 4096, depth: 0, correct: 1, trials: 5),
        FixtureCell(length: 4096, depth: 100, correct: 0, trials: 5),
        FixtureCell(length: 16384, depth: 0, correct: 2, trials: 5),
        FixtureCell(length: 16384, depth: 100, correct: 2, trials: 5),
    ])
    let multi = TrialPlan(lengths: [4096], depths: [50], trials: 5)
    try recordRun(store, model: "models/yoco-niah-tiny", task: "multi_needle", needles: 2, grid: multi,
                  cells: [FixtureCell(length: 4096, depth: 50, correct: 5, trials: 5)])
    try recordRun(store, model: "models/yoco-niah-tiny", task: "multi_needle", needles: 8, grid: multi,
                  cells: [FixtureCell(length: 4096, depth: 50, correct: 4, trials: 5)])
    try recordRun(store, model: "checkpoints/yoco-old", task: "multi_needle", needles: 8, grid: multi,
                  cells: [FixtureCell(length: 4096, depth: 50, correct: 1, trials: 5)])
    return store
}

/// An element of a parsed XML document: enough of a DOM to find figures, tables and titles.
final class XMLNode {
    let name: String
    let attributes: [String: String]
    var children: [XMLNode] = []
    var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// Every element below this one (itself included), in document order.
    var all: [XMLNode] { [self] + children.flatMap(\.all) }

    func elements(_ name: String) -> [XMLNode] { all.filter { $0.name == name } }

    /// The text of this element and everything inside it.
    var allText: String { text + children.map(\.allText).joined() }

    /// The table as caption and rows of cell texts (header row first).
    var tableCells: (caption: String, rows: [[String]]) {
        (elements("caption").first?.allText ?? "", elements("tr").map { $0.children.map(\.allText) })
    }
}

/// Parses `text` as XML; fails the test when it is not well-formed.
func parseXML(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> XMLNode {
    final class Builder: NSObject, XMLParserDelegate {
        var stack: [XMLNode] = [XMLNode(name: "#document", attributes: [:])]
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            let node = XMLNode(name: name, attributes: attributes)
            stack.last?.children.append(node)
            stack.append(node)
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }
    }
    let parser = XMLParser(data: Data(text.utf8))
    let builder = Builder()
    parser.delegate = builder
    XCTAssertTrue(parser.parse(), "not well-formed: \(String(describing: parser.parserError))", file: file, line: line)
    return try XCTUnwrap(builder.stack.first?.children.first, file: file, line: line)
}
