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

/// Answers each conversation of a batch with its own oracle, asking the questions in turn, and
/// keeps the size of every batch it was given.
final class OracleBatchResponder: BatchResponder {
    let batchSize: Int
    var batches: [Int] = []
    var asked = 0
    init(batchSize: Int) { self.batchSize = batchSize }

    func answer(_ count: Int, conversation: (Int) throws -> Conversation, stop: String?, maxNewTokens: Int) throws -> [BatchAnswer] {
        batches.append(count)
        return try (0..<count).map { i in
            let c = try conversation(i)
            let oracle = OracleResponder()
            try oracle.begin(prompt: c.prompt)
            let outputs = try ([[]] + c.followUps).map { try oracle.answer(followUp: $0, stop: stop, maxNewTokens: maxNewTokens) }
            asked += outputs.count
            return BatchAnswer(outputs: outputs, metrics: ResponderMetrics())
        }
    }
}

final class EvaluatorBatchTests: XCTestCase {
    /// Cells go to the batch responder in groups of its size, in plan order, follow-up questions
    /// included, and are recorded in plan order.
    func testBatchesAreGroupsOfCellsInOrder() throws {
        let spec = try loadTask("niah_multiquery.json")
        let batch = OracleBatchResponder(batchSize: 3)
        let evaluator = Evaluator(spec: spec, builder: try PromptBuilder(spec: spec, tokenizer: ByteTokenizer()),
                                  responders: [OracleResponder()], batch: batch)
        let plan = TrialPlan(lengths: [1024, 2048], depths: [0, 50, 100], trials: 1)
        var records: [TrialRecord] = []
        XCTAssertEqual(try evaluator.run(pending: plan.cells, runID: 1, alreadyDone: 0, total: plan.count, record: { records.append($0) }), 6)
        XCTAssertEqual(batch.batches, [3, 3])
        XCTAssertEqual(batch.asked, 6 * 4)
        XCTAssertEqual(records.map { TrialKey(length: $0.length, depth: $0.depth, trial: $0.trial) }, plan.cells)
        XCTAssertTrue(records.allSatisfy { $0.correct && $0.score == 1 })
    }

    /// A stop takes effect between groups: the group under way is finished and recorded.
    func testStopIsCheckedBetweenGroups() throws {
        let spec = try loadTask("niah_single.json")
        let batch = OracleBatchResponder(batchSize: 2)
        let evaluator = Evaluator(spec: spec, builder: try PromptBuilder(spec: spec, tokenizer: ByteTokenizer()),
                                  responders: [OracleResponder()], batch: batch)
        let plan = TrialPlan(lengths: [1024], depths: [0, 25, 50, 75, 100], trials: 1)
        var recorded = 0
        let n = try evaluator.run(pending: plan.cells, runID: 1, alreadyDone: 0, total: 5,
                                  shouldStop: { recorded >= 1 }, record: { _ in recorded += 1 })
        XCTAssertEqual(n, 2)
        XCTAssertEqual(batch.batches, [2])
    }
}

/// Fails to answer every `everyNth` prompt it begins (as a server that keeps failing would).
final class FlakyResponder: Responder {
    let everyNth: Int
    let inner = OracleResponder()
    var begun = 0
    var metrics: ResponderMetrics { inner.metrics }
    init(everyNth: Int) { self.everyNth = everyNth }
    func begin(prompt: [Int32]) throws {
        begun += 1
        if begun % everyNth == 0 { throw UnansweredTrial(message: "HTTP 503 (gave up after 3 attempts)", attempts: 3) }
        try inner.begin(prompt: prompt)
    }
    func answer(followUp: [Int32], stop: String?, maxNewTokens: Int) throws -> String {
        try inner.answer(followUp: followUp, stop: stop, maxNewTokens: maxNewTokens)
    }
}

final class ConcurrentEvaluatorTests: XCTestCase {
    func testSeveralRespondersRecordEveryCellOnceWithTheSameAnswers() throws {
        let spec = try loadTask("niah_multiquery.json")
        let plan = TrialPlan(lengths: [1024, 2048], depths: [0, 50, 100], trials: 3)
        let serial = Evaluator(spec: spec, builder: try PromptBuilder(spec: spec, tokenizer: ByteTokenizer()), responder: OracleResponder())
        var expected: [TrialKey: String] = [:]
        try serial.run(pending: plan.cells, runID: 1, alreadyDone: 0, total: plan.count, record: { expected[$0.key] = $0.output })
        let concurrent = Evaluator(spec: spec, builder: try PromptBuilder(spec: spec, tokenizer: ByteTokenizer()),
                                   responders: (0..<4).map { _ in OracleResponder() })
        var records: [TrialRecord] = []
        var progress: [Int] = []
        let n = try concurrent.run(pending: plan.cells, runID: 1, alreadyDone: 0, total: plan.count,
                                   record: { records.append($0) }, progress: { progress.append($0.done) })
        XCTAssertEqual(n, plan.count)
        XCTAssertEqual(Set(records.map(\.key)), Set(plan.cells))
        XCTAssertEqual(records.count, plan.count)
        XCTAssertEqual(progress, Array(1...plan.count), "progress counts up one trial at a time")
        for record in records { XCTAssertEqual(record.output, expected[record.key], "\(record.key)") }
    }

    func testUnansweredTrialsAreRecordedAsErrorsAndAStopEndsTheRunBetweenTrials() throws {
        let spec = try loadTask("niah_single.json")
        let plan = TrialPlan(lengths: [1024], depths: [0, 25, 50, 75, 100], trials: 2)
        let evaluator = Evaluator(spec: spec, builder: try PromptBuilder(spec: spec, tokenizer: ByteTokenizer()),
                                  responders: [FlakyResponder(everyNth: 2), FlakyResponder(everyNth: 2)])
        var records: [TrialRecord] = []
        try evaluator.run(pending: plan.cells, runID: 1, alreadyDone: 0, total: plan.count, record: { records.append($0) })
        XCTAssertEqual(records.count, plan.count)
        let failed = records.filter { $0.status == .error }
        XCTAssertFalse(failed.isEmpty)
        XCTAssertTrue(failed.allSatisfy { !$0.correct && $0.output.isEmpty && $0.attempts == 3 && $0.error.contains("503") })
        XCTAssertTrue(records.filter { $0.status == .ok }.allSatisfy(\.correct))

        var stopped: [TrialRecord] = []
        let stopper = Evaluator(spec: spec, builder: try PromptBuilder(spec: spec, tokenizer: ByteTokenizer()),
                                responders: [OracleResponder(), OracleResponder()])
        try stopper.run(pending: plan.cells, runID: 1, alreadyDone: 0, total: plan.count,
                        shouldStop: { stopped.count >= 3 }, record: { stopped.append($0) })
        // After the stop, each of the two workers finishes at most the trial it is on: nothing new
        // starts, nothing answered is dropped.
        XCTAssertTrue((3...5).contains(stopped.count), "\(stopped.count) recorded")
        XCTAssertEqual(Set(stopped.map(\.key)).count, stopped.count)
    }
}
