import Foundation
import NeedleEval
import Tokenizers
import XCTest
import YOCOBackend

/// The evaluation pipeline end to end, in process, with real components: the shipped model on
/// the YOCO runtime, a real SQLite file, the shipped task spec.
final class PipelineTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let modelPath = root.appendingPathComponent("models/yoco-niah-tiny").path

    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func spec() throws -> TaskSpec {
        try TaskSpec.load(path: Self.root.appendingPathComponent("tasks/niah_single.json").path)
            .applying(TaskOverrides(trials: 1, seed: 7, lengths: [1024, 2048], depths: [0, 50, 100]))
    }

    func backend(_ spec: TaskSpec, kvReuse: Bool = true, maxMemory: Int? = nil, decodeBatch: Int = 4) throws -> YOCOBackend {
        var options = YOCOBackend.Options()
        options.kvReuse = kvReuse
        options.decodeBatch = decodeBatch
        options.threads = 2
        options.maxMemory = maxMemory
        return try YOCOBackend(modelDirectory: Self.modelPath, options: options, capacity: spec.contextCapacity(for: spec.plan))
    }

    func outputs(_ store: ResultsStore, _ runID: Int64) throws -> [String] {
        try store.trials(runID: runID).map { "\($0.key) \($0.output) \($0.correct)" }
    }

    func testRunRecordsEveryCellAndReportsEvents() throws {
        let spec = try spec()
        let store = try ResultsStore(path: folder.appendingPathComponent("r.sqlite").path)
        var events: [String] = []
        let outcome = try EvaluationPipeline(spec: spec, plan: spec.plan, store: store, backend: try backend(spec))
            .run(resume: false, events: { event in
                switch event {
                case .nothingToResume: events.append("nothing")
                case let .opened(_, total, done, pending): events.append("opened \(total) \(done) \(pending.count)")
                case let .prepared(p): events.append("prepared \(p.sharedPrefill)")
                case let .trialFinished(t): events.append("trial \(t.done)")
                }
            })
        XCTAssertEqual(outcome.status, .finished)
        XCTAssertEqual(outcome.recorded, 6)
        XCTAssertEqual(events, ["opened 6 0 6", "prepared true"] + (1...6).map { "trial \($0)" })
        let trials = try store.trials(runID: outcome.runID)
        XCTAssertEqual(trials.map(\.key), spec.plan.cells.sorted())
        XCTAssertEqual(trials.filter(\.correct).count, 6, "the shipped model reads a single needle at 1K-2K")
        let run = try XCTUnwrap(try store.run(id: outcome.runID))
        XCTAssertEqual(run.status, .finished)
        XCTAssertEqual(run.grid, spec.plan)
        XCTAssertEqual(run.modelPath, Self.modelPath)
        let options = try JSONSerialization.jsonObject(with: Data(run.optionsJSON.utf8)) as? [String: Any]
        XCTAssertEqual(options?["kv_reuse"] as? Bool, true)
        XCTAssertEqual(options?["chunk"] as? Int, 4096)
        XCTAssertEqual(run.tokenizerName, "bytes")
        XCTAssertEqual(run.tokenizerSHA256, try SHA256.hex(fileAt: Self.modelPath + "/tokenizer.json"))
    }

    /// `run --tokenizer`: the in-process model takes only its own byte tokenizer (any file that
    /// holds it), and records that file; another tokenizer is refused before the model loads.
    func testTheModelTakesOnlyItsOwnTokenizer() throws {
        let spec = try spec()
        var options = YOCOBackend.Options()
        options.threads = 1
        let copy = folder.appendingPathComponent("bytes.json")
        try Data("{\"type\": \"bytes\", \"bos_id\": 256, \"eos_id\": 257, \"pad_id\": 258}\n".utf8).write(to: copy)
        let same = try YOCOBackend(modelDirectory: Self.modelPath, options: options, capacity: 2048, tokenizerPath: copy.path)
        XCTAssertEqual(same.tokenizerIdentity, TokenizerIdentity(name: "bytes", sha256: try SHA256.hex(fileAt: copy.path)))
        let tiktoken = Self.root.appendingPathComponent("Tests/NeedleEvalTests/Fixtures/cl100k_style/ranks.tiktoken").path
        let otherBytes = folder.appendingPathComponent("other.json")
        try Data("{\"type\": \"bytes\", \"bos_id\": 300}".utf8).write(to: otherBytes)
        for path in [tiktoken, otherBytes.path] {
            XCTAssertThrowsError(try YOCOBackend(modelDirectory: Self.modelPath, options: options,
                                                 capacity: spec.contextCapacity(for: spec.plan), tokenizerPath: path)) { error in
                XCTAssertTrue(error is TokenizerMismatch, "\(error)")
                XCTAssertTrue("\(error)".contains("--tokenizer \(path)") && "\(error)".contains("reads bytes"), "\(error)")
            }
        }
        XCTAssertThrowsError(try YOCOBackend(modelDirectory: Self.modelPath, options: options, capacity: 2048,
                                             tokenizerPath: folder.appendingPathComponent("missing.json").path)) { error in
            XCTAssertTrue("\(error)".contains("--tokenizer") && "\(error)".contains("missing.json"), "\(error)")
        }
    }

    /// `--resume` continues only a run measured with the same tokenizer.
    func testResumeMatchesTheTokenizer() throws {
        let spec = try spec()
        let store = try ResultsStore(path: folder.appendingPathComponent("tokenizers.sqlite").path)
        let bytes = TokenizerIdentity(name: "bytes", sha256: "aa")
        let first = try EvaluationPipeline(spec: spec, plan: spec.plan, store: store, backend: FailingBackend(tokenizer: bytes))
            .run(resume: false, shouldStop: { (try? store.completedCells(runID: 1).count) == 2 })
        XCTAssertEqual(first.status, .interrupted)
        for (tokenizer, sameRun) in [(TokenizerIdentity(name: "bytes", sha256: "bb"), false), (bytes, true)] {
            var nothing = false
            let again = try EvaluationPipeline(spec: spec, plan: spec.plan, store: store, backend: FailingBackend(tokenizer: tokenizer))
                .run(resume: true, shouldStop: { true }, events: { if case .nothingToResume = $0 { nothing = true } })
            XCTAssertEqual(again.runID == first.runID, sameRun, "\(tokenizer)")
            XCTAssertEqual(nothing, !sameRun, "\(tokenizer)")
            XCTAssertEqual(try store.run(id: again.runID).map { TokenizerIdentity(name: $0.tokenizerName, sha256: $0.tokenizerSHA256) },
                           tokenizer)
        }
    }

    /// A run stopped between trials (between groups of batched cells: 2 here) resumes where it
    /// stopped: every trial once, the same answers as a run never stopped.
    func testStoppedRunResumesWithTheSameAnswers() throws {
        let spec = try spec()
        let store = try ResultsStore(path: folder.appendingPathComponent("resume.sqlite").path)
        var finished = 0
        let first = try EvaluationPipeline(spec: spec, plan: spec.plan, store: store, backend: try backend(spec, decodeBatch: 2))
            .run(resume: false, shouldStop: { finished >= 2 }, events: { if case .trialFinished = $0 { finished += 1 } })
        XCTAssertEqual(first.status, .interrupted)
        XCTAssertEqual(first.recorded, 2)
        XCTAssertEqual(try store.run(id: first.runID)?.status, .interrupted)

        var opened: (Int, Int)?
        let second = try EvaluationPipeline(spec: spec, plan: spec.plan, store: store, backend: try backend(spec))
            .run(resume: true, events: { if case let .opened(_, _, done, pending) = $0 { opened = (done, pending.count) } })
        XCTAssertEqual(second.runID, first.runID)
        XCTAssertEqual(opened?.0, 2)
        XCTAssertEqual(opened?.1, 4)
        XCTAssertEqual(second.status, .finished)

        let fresh = try ResultsStore(path: folder.appendingPathComponent("fresh.sqlite").path)
        let whole = try EvaluationPipeline(spec: spec, plan: spec.plan, store: fresh, backend: try backend(spec)).run(resume: false)
        XCTAssertEqual(try outputs(store, first.runID), try outputs(fresh, whole.runID))
    }

    /// Grid-level KV reuse changes the cost, not the answers.
    func testKVReuseGivesTheAnswersOfSeparatePrefills() throws {
        let spec = try spec()
        let store = try ResultsStore(path: folder.appendingPathComponent("reuse.sqlite").path)
        var prepared: [BackendPreparation] = []
        let reuse = try EvaluationPipeline(spec: spec, plan: spec.plan, store: store, backend: try backend(spec, kvReuse: true))
            .run(resume: false, events: { if case let .prepared(p) = $0 { prepared.append(p) } })
        let separate = try EvaluationPipeline(spec: spec, plan: spec.plan, store: store, backend: try backend(spec, kvReuse: false))
            .run(resume: false, events: { if case let .prepared(p) = $0 { prepared.append(p) } })
        XCTAssertEqual(prepared.map(\.sharedPrefill), [true, false])
        XCTAssertEqual(try outputs(store, reuse.runID), try outputs(store, separate.runID))
    }

    /// Batched decode (cells answered together over the shared haystack) with follow-up
    /// questions: four queries per prompt, each answer kept in the context before the next, give
    /// the outputs of prefilling and answering every prompt on its own — and more cells than one
    /// batch, so several groups run.
    func testBatchedMultiQueryAnswersLikeSeparatePrefills() throws {
        let spec = try TaskSpec.load(path: Self.root.appendingPathComponent("tasks/niah_multiquery.json").path)
            .applying(TaskOverrides(trials: 1, seed: 5, lengths: [1024, 2048], depths: [0, 50, 100]))
        let store = try ResultsStore(path: folder.appendingPathComponent("batch.sqlite").path)
        let batched = try backend(spec)
        var notes: [String] = []
        let together = try EvaluationPipeline(spec: spec, plan: spec.plan, store: store, backend: batched)
            .run(resume: false, events: { if case let .prepared(p) = $0 { notes.append(p.note ?? "") } })
        XCTAssertNotNil(batched.batchResponder)
        XCTAssertTrue(notes.first?.contains("decode 4 at a time") ?? false, "\(notes)")
        let separate = try EvaluationPipeline(spec: spec, plan: spec.plan, store: store, backend: try backend(spec, kvReuse: false))
            .run(resume: false)
        XCTAssertEqual(try outputs(store, together.runID), try outputs(store, separate.runID))
        let trials = try store.trials(runID: together.runID)
        XCTAssertEqual(trials.count, spec.plan.count)
        XCTAssertTrue(trials.allSatisfy { $0.completionTokens > 0 && $0.decodeMilliseconds > 0 && $0.prefillMilliseconds > 0 })
    }

    /// A grid that cannot fit is refused before anything is written.
    func testGridThatCannotFitIsRefusedUpFront() throws {
        let spec = try spec()
        XCTAssertThrowsError(try backend(spec, maxMemory: 1 << 20)) { error in
            XCTAssertTrue("\(error)".contains("--max-memory is 1.0 MiB"), "\(error)")
            XCTAssertTrue("\(error)".contains("use shorter --lengths"), "\(error)")
        }
    }

    /// A backend that fails mid-run leaves the run marked failed, with the trials before kept.
    func testFailureMarksTheRunFailed() throws {
        let spec = try spec()
        let store = try ResultsStore(path: folder.appendingPathComponent("fail.sqlite").path)
        let failing = FailingBackend(failAfter: 3)
        XCTAssertThrowsError(try EvaluationPipeline(spec: spec, plan: spec.plan, store: store, backend: failing).run(resume: false))
        let run = try XCTUnwrap(try store.runs().last?.run)
        XCTAssertEqual(run.status, .failed)
        XCTAssertEqual(try store.trials(runID: run.id!).count, 3)
    }
}

/// Answers with a fixed text and throws on the n-th prompt (never, by default).
final class FailingBackend: EvaluationBackend, Responder {
    struct Broken: Error {}
    let failAfter: Int
    var begun = 0
    let tokenizerIdentity: TokenizerIdentity
    init(failAfter: Int = .max, tokenizer: TokenizerIdentity = TokenizerIdentity(name: "bytes", sha256: "1")) {
        self.failAfter = failAfter
        tokenizerIdentity = tokenizer
    }
    var tokenizer: any Tokenizer { ByteTokenizer() }
    var identity: ModelIdentity { ModelIdentity(path: "failing", sha256: "0") }
    var optionsJSON: String { "{}" }
    var responder: any Responder { self }
    func prepare(pending: [TrialKey], builder: PromptBuilder) throws -> BackendPreparation { BackendPreparation() }
    func begin(prompt: [Int32]) throws {
        if begun == failAfter { throw Broken() }
        begun += 1
    }
    func answer(followUp: [Int32], stop: String?, maxNewTokens: Int) throws -> String { "nothing" }
    var metrics: ResponderMetrics { ResponderMetrics() }
}
