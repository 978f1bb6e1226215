import NeedleSupport
import Tokenizers
import XCTest
@testable import NeedleEval

/// Answers by reading the context like a perfect retriever would: finds "{key} number is: "
/// followed by the value in what it has seen (prompt and follow-ups).
final class OracleResponder: Responder {
    private var context: [Int32] = []
    var metrics = ResponderMetrics()
    var asked: [String] = []
    let tokenizer = ByteTokenizer()

    func begin(prompt: [Int32]) throws { context = prompt }

    func answer(followUp: [Int32], stop: String?, maxNewTokens: Int) throws -> String {
        context += followUp
        let text = tokenizer.decode(context)
        // The question ends "... {key} number is: "; find the same phrase earlier in the text.
        let question = text[text.range(of: "\n", options: .backwards)!.upperBound...]
        let key = question.components(separatedBy: "special magic ")[1].components(separatedBy: " number?")[0]
        asked.append(key)
        let marker = "The special magic \(key) number is: "
        let after = text.components(separatedBy: marker)[1]
        let answer = String(after.prefix { $0.isNumber }) + (stop ?? "")
        context += tokenizer.encode(answer)
        return answer
    }
}

final class EvaluatorTests: XCTestCase {
    func testAPerfectRetrieverScoresOneOnEveryCellAndQuestion() throws {
        let spec = try loadTask("niah_multiquery.json")
        let responder = OracleResponder()
        let evaluator = Evaluator(spec: spec, builder: try PromptBuilder(spec: spec, tokenizer: ByteTokenizer()), responder: responder)
        let plan = TrialPlan(lengths: [2048, 4096], depths: [0, 100], trials: 2)
        var records: [TrialRecord] = []
        let n = try evaluator.run(pending: plan.cells, runID: 1, alreadyDone: 0, total: plan.count, record: { records.append($0) })
        XCTAssertEqual(n, 8)
        XCTAssertEqual(records.map { TrialKey(length: $0.length, depth: $0.depth, trial: $0.trial) }, plan.cells)
        XCTAssertTrue(records.allSatisfy { $0.correct && $0.score == 1 })
        XCTAssertEqual(responder.asked.count, 8 * 4, "four questions asked in turn per trial")
    }

    func testStopIsCheckedBetweenTrials() throws {
        let spec = try loadTask("niah_single.json")
        let evaluator = Evaluator(spec: spec, builder: try PromptBuilder(spec: spec, tokenizer: ByteTokenizer()), responder: OracleResponder())
        var records = 0
        let plan = TrialPlan(lengths: [1024], depths: [0, 50, 100], trials: 1)
        let n = try evaluator.run(pending: plan.cells, runID: 1, alreadyDone: 0, total: 3,
                                  shouldStop: { records == 2 }, record: { _ in records += 1 })
        XCTAssertEqual(n, 2)
    }
}
