import Foundation
import XCTest
@testable import NeedleEval
import Tokenizers

/// `AnswerImport` in process: the committed prompts/answers fixture (Fixtures/offline, answered by
/// the PyTorch reference), real SQLite files.
final class AnswerImportTests: XCTestCase {
    private let fixture = repositoryRoot.appendingPathComponent("Tests/NeedleEvalTests/Fixtures/offline")
    private var promptsPath: String { fixture.appendingPathComponent("prompts.jsonl").path }
    private var answersPath: String { fixture.appendingPathComponent("answers.jsonl").path }

    private func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    private func write(_ lines: [String], in folder: URL, _ name: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func problems(_ body: () throws -> Void) -> [ImportProblem] {
        do { try body() } catch let error as AnswerImportError { return error.problems } catch {
            XCTFail("expected AnswerImportError, got \(error)")
        }
        XCTFail("expected AnswerImportError, nothing was thrown")
        return []
    }

    func testGenerateIDsAreStableAndIndependentOfTheGrid() throws {
        let spec = try loadTask("niah_single.json")
        let small = PromptRunDefinition(spec: try spec.applying(TaskOverrides(seed: 7, lengths: [1024], depths: [50])),
                                        tokenizer: TokenizerIdentity(name: "bytes", sha256: ""))
        let large = PromptRunDefinition(spec: try spec.applying(TaskOverrides(seed: 7, lengths: [1024, 2048], depths: [0, 50, 100])),
                                        tokenizer: TokenizerIdentity(name: "bytes", sha256: ""))
        let cell = TrialKey(length: 1024, depth: 50, trial: 0)
        XCTAssertEqual(small.promptID(cell), large.promptID(cell))
        XCTAssertEqual(small.promptID(cell).count, 16)
        var otherSeed = small
        otherSeed.seed = 8
        XCTAssertNotEqual(small.promptID(cell), otherSeed.promptID(cell))
        var otherTokenizer = small
        otherTokenizer.tokenizerSHA256 = "ab"
        XCTAssertNotEqual(small.promptID(cell), otherTokenizer.promptID(cell))
        XCTAssertNotEqual(small.promptID(cell), small.promptID(TrialKey(length: 1024, depth: 50, trial: 1)))
        // The committed fixture's ids are what generate writes today.
        let prompts = try PromptFile.read(path: promptsPath)
        XCTAssertEqual(prompts.promptsByID["841b3e8e0d5c0f87"]?.key, TrialKey(length: 1024, depth: 50, trial: 0))
        XCTAssertEqual(prompts.run.seed, 7)
    }

    func testImportingTwiceAddsNothingAndHalvesCompleteTheRun() throws {
        let folder = try makeTemporaryFolder(self)
        let all = try lines(answersPath)
        let first = try write(Array(all.prefix(4)), in: folder, "first.jsonl")
        let second = try write(Array(all.suffix(3)), in: folder, "second.jsonl")  // one overlaps, same output
        let store = try ResultsStore(path: folder.appendingPathComponent("r.sqlite").path)

        let a = try AnswerImport(promptsPath: promptsPath, answersPath: first, modelName: "ref").record(into: store)
        XCTAssertEqual([a.recorded, a.done, a.total], [4, 4, 6])
        XCTAssertEqual(a.status, .interrupted)
        XCTAssertTrue(a.createdRun)
        let again = try AnswerImport(promptsPath: promptsPath, answersPath: first, modelName: "ref").record(into: store)
        XCTAssertEqual([again.recorded, again.alreadyRecorded, again.done], [0, 4, 4])
        XCTAssertEqual(try store.trials(runID: a.runID).count, 4)

        let b = try AnswerImport(promptsPath: promptsPath, answersPath: second, modelName: "ref").record(into: store)
        XCTAssertEqual(b.runID, a.runID)
        XCTAssertEqual([b.recorded, b.alreadyRecorded, b.done], [2, 1, 6])
        XCTAssertEqual(b.status, .finished)
        let run = try XCTUnwrap(try store.run(id: a.runID))
        XCTAssertEqual(run.status, .finished)
        XCTAssertEqual(run.backend, "offline")
        XCTAssertEqual(run.modelPath, "ref")
        XCTAssertEqual(run.modelSHA256, SHA256.hex("ref"))
        XCTAssertEqual(run.answersPath, second)
        XCTAssertEqual(run.answersSHA256, try SHA256.hex(fileAt: second))
        XCTAssertEqual(run.seed, 7)
        XCTAssertEqual(run.tokenizerName, "bytes")
        XCTAssertEqual(try store.runs().count, 1)
        XCTAssertEqual(try store.trials(runID: a.runID).map(\.correct), Array(repeating: true, count: 6))
        // Another model name is another run.
        let other = try AnswerImport(promptsPath: promptsPath, answersPath: first, modelName: "other").record(into: store)
        XCTAssertNotEqual(other.runID, a.runID)
    }

    /// Answers are scored by `Scorer` exactly as `run` scores them: the stop string cuts, a wrong
    /// value is wrong, timings and the engine's token count are kept.
    func testAnswersAreScoredLikeLiveTrials() throws {
        let folder = try makeTemporaryFolder(self)
        let answers = try write([
            #"{"id":"c3b1711b2fdf2ec7","output":" 4946842. More text","prefill_ms":12.5,"decode_ms":3,"prompt_tokens":1023}"#,
            #"{"id":"841b3e8e0d5c0f87","output":"7280833."}"#,
            #"{"id":"16764dd9fc1be630","output":"The number is 3879610."}"#,
        ], in: folder, "a.jsonl")
        let store = try ResultsStore(path: folder.appendingPathComponent("r.sqlite").path)
        let outcome = try AnswerImport(promptsPath: promptsPath, answersPath: answers, modelName: "m").record(into: store)
        let trials = Dictionary(uniqueKeysWithValues: try store.trials(runID: outcome.runID).map { ($0.depth, $0) })
        XCTAssertEqual(trials[100]?.correct, true)
        XCTAssertEqual(trials[100]?.output, " 4946842. More text")
        XCTAssertEqual(trials[100]?.prefillMilliseconds, 12.5)
        XCTAssertEqual(trials[100]?.decodeMilliseconds, 3)
        XCTAssertEqual(trials[100]?.promptTokens, 1023)
        XCTAssertEqual(trials[100]?.keysJSON, #"["Hamburg"]"#)
        XCTAssertEqual(trials[100]?.expectedJSON, #"[["4946842"]]"#)
        XCTAssertEqual(trials[50]?.correct, false)
        XCTAssertEqual(trials[50]?.promptTokens, 1024)
        XCTAssertEqual(trials[0]?.correct, false)
        XCTAssertEqual(trials[0]?.score, 1)  // contains the value: partial credit, as Scorer gives it
    }

    func testMalformedAnswersAreNamedByLine() throws {
        let folder = try makeTemporaryFolder(self)
        let cases: [([String], [String])] = [
            (["{\"id\":\"c3b1711b2fdf2ec7\",\"output\":\"1\"}", "{not json"], [":2: is not valid JSON"]),
            (["[1,2]"], [":1: is not a JSON object"]),
            (["{\"output\":\"1\"}"], [":1: id: is missing"]),
            (["{\"id\":\"0000000000000000\",\"output\":\"1\"}"], [":1: id: '0000000000000000' is not the id of any prompt"]),
            (["{\"id\":\"c3b1711b2fdf2ec7\",\"output\":\"1.\"}", "{\"id\":\"c3b1711b2fdf2ec7\",\"output\":\"2.\"}"],
             [":2: id: 'c3b1711b2fdf2ec7' was answered differently on line 1"]),
            (["{\"id\":\"c3b1711b2fdf2ec7\",\"outputs\":[\"1.\",\"2.\"]}"], [":1: outputs: has 2 answers but prompt c3b1711b2fdf2ec7"]),
            (["{\"id\":7,\"output\":\"1\"}", "{\"id\":\"c3b1711b2fdf2ec7\",\"output\":1}",
              "{\"id\":\"c3b1711b2fdf2ec7\",\"outputs\":[1]}", "{\"id\":\"841b3e8e0d5c0f87\",\"output\":\"1\",\"prefill_ms\":\"fast\"}",
              "{\"id\":\"841b3e8e0d5c0f87\",\"output\":\"1\",\"prompt_tokens\":true}"],
             [":1: id: must be a string", ":2: output: must be a string", ":3: outputs: must be an array of strings",
              ":4: prefill_ms: must be a number", ":5: prompt_tokens: must be a whole number"]),
            (["", "  "], [": has no answers"]),
        ]
        for (index, (answerLines, expected)) in cases.enumerated() {
            let path = try write(answerLines, in: folder, "bad\(index).jsonl")
            let found = problems { _ = try AnswerImport(promptsPath: promptsPath, answersPath: path, modelName: "m") }
            XCTAssertEqual(found.count, expected.count, "\(answerLines): \(found)")
            for (problem, text) in zip(found, expected) {
                XCTAssertTrue(problem.description.hasPrefix(path + text), "\(problem) should start with \(path + text)")
            }
        }
        // The same answer twice is fine.
        let twice = try write(["{\"id\":\"c3b1711b2fdf2ec7\",\"output\":\"1.\"}", "{\"id\":\"c3b1711b2fdf2ec7\",\"output\":\"1.\"}"],
                              in: folder, "twice.jsonl")
        XCTAssertEqual(try AnswerImport(promptsPath: promptsPath, answersPath: twice, modelName: "m").answers.count, 1)
    }

    func testEditedPromptFilesAreRefused() throws {
        let folder = try makeTemporaryFolder(self)
        let original = try lines(promptsPath)
        let edits: [(String, (inout [String]) -> Void, String)] = [
            ("seed of one line", { $0[2] = $0[2].replacingOccurrences(of: "\"seed\":7", with: "\"seed\":8") },
             ":3: run: differs from the run of line 1"),
            ("seed of every line", { $0 = $0.map { $0.replacingOccurrences(of: "\"seed\":7", with: "\"seed\":8") } },
             ":1: id: 'c3b1711b2fdf2ec7' is not this cell's id"),
            ("task JSON", { $0 = $0.map { $0.replacingOccurrences(of: "\"max_new_tokens\\\": 12", with: "\"max_new_tokens\\\": 13") } },
             ":1: run.task_hash: is not the SHA-256 of run.task_json"),
            ("a cell", { $0[1] = $0[1].replacingOccurrences(of: "\"depth\":50", with: "\"depth\":60") },
             ":2: length 1024, depth 60%, trial 0 is not a cell of the run's grid"),
            ("a line dropped", { $0.removeLast() }, ": has no prompt for length 2048, depth 0%, trial 0"),
            ("the run removed", { $0[0] = $0[0].components(separatedBy: ",\"run\":")[0] + "}" }, ":1: run: is missing"),
        ]
        for (name, edit, expected) in edits {
            var edited = original
            edit(&edited)
            XCTAssertNotEqual(edited, original, name)
            let path = try write(edited, in: folder, "p.jsonl")
            let found = problems { _ = try AnswerImport(promptsPath: path, answersPath: answersPath, modelName: "m") }
            XCTAssertTrue(found.first?.description.hasPrefix(path + expected) ?? false, "\(name): \(found)")
        }
    }

    /// A cell the run already has, answered differently, is refused; the store is left as it was.
    func testAConflictingAnswerChangesNothing() throws {
        let folder = try makeTemporaryFolder(self)
        let store = try ResultsStore(path: folder.appendingPathComponent("r.sqlite").path)
        let first = try write(Array(try lines(answersPath).prefix(2)), in: folder, "first.jsonl")
        let run = try AnswerImport(promptsPath: promptsPath, answersPath: first, modelName: "m").record(into: store).runID
        let conflicting = try write(Array(try lines(answersPath).suffix(4))
                                    + ["{\"id\":\"c3b1711b2fdf2ec7\",\"output\":\"0000000.\"}"], in: folder, "second.jsonl")
        let found = problems { _ = try AnswerImport(promptsPath: promptsPath, answersPath: conflicting, modelName: "m").record(into: store) }
        XCTAssertEqual(found.map(\.description), ["\(conflicting):5: output: run \(run) already has a different answer for length 1024, depth 100%, trial 0; score into another --db or --model-name"])
        XCTAssertEqual(try store.trials(runID: run).count, 2)
        XCTAssertEqual(try store.run(id: run)?.answersPath, first)
    }

    /// Multi-query prompts take `outputs`, one per question, scored question by question and
    /// stored joined with a newline, as `run` stores them.
    func testMultiQueryAnswersTakeOneOutputPerQuestion() throws {
        let folder = try makeTemporaryFolder(self)
        let spec = try loadTask("niah_multiquery.json").applying(TaskOverrides(trials: 1, seed: 3, lengths: [1024], depths: [50]))
        let run = PromptRunDefinition(spec: spec, tokenizer: TokenizerIdentity(name: "bytes", sha256: ""))
        let prompt = try PromptBuilder(spec: spec, tokenizer: ByteTokenizer()).build(length: 1024, depth: 50, trial: 0)
        let prompts = try write([prompt.jsonLine(spec: spec, run: run)], in: folder, "p.jsonl")
        let id = run.promptID(TrialKey(length: 1024, depth: 50, trial: 0))
        var outputs = prompt.queries.map { $0.expected[0] + "." }
        XCTAssertEqual(outputs.count, 4)
        outputs[2] = "0000000."
        let answers = try write([String(decoding: try JSONSerialization.data(withJSONObject: ["id": id, "outputs": outputs]), as: UTF8.self)],
                                in: folder, "a.jsonl")
        let store = try ResultsStore(path: folder.appendingPathComponent("r.sqlite").path)
        let outcome = try AnswerImport(promptsPath: prompts, answersPath: answers, modelName: "m").record(into: store)
        XCTAssertEqual(outcome.status, .finished)
        let trial = try XCTUnwrap(try store.trials(runID: outcome.runID).first)
        XCTAssertEqual(trial.output, outputs.joined(separator: "\n"))
        XCTAssertFalse(trial.correct)
        XCTAssertEqual(trial.score, 0.75)
        XCTAssertEqual(trial.keysJSON, JSONText.array(prompt.queries.map(\.key)))

        let single = try write(["{\"id\":\"\(id)\",\"output\":\"1.\"}"], in: folder, "single.jsonl")
        let found = problems { _ = try AnswerImport(promptsPath: prompts, answersPath: single, modelName: "m") }
        XCTAssertEqual(found.map(\.description), ["\(single):1: outputs: has 1 answers but prompt \(id) (line 1 of \(prompts)) asks 4 questions; give outputs with one string per question"])
    }
}
