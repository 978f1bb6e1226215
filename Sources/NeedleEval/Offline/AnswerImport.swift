import Foundation

/// `needle-eval score` (docs/DATABASE.md, "Imported answers"): answers produced elsewhere for the
/// prompts of a `generate` file, scored exactly as `run` scores them and recorded as trials of one
/// run with the prompt file's definition (task, grid, seed, tokenizer) and `backend = offline`.
///
/// Everything is checked before anything is written: both files, every answer against its prompt,
/// and answers for cells the run already has (the same output again is skipped, so importing a
/// file twice adds nothing; a different one is a problem). Then the run (created if new), the new
/// trials and the run's status go in one transaction, so an import is all or nothing.
public struct AnswerImport {
    public var prompts: PromptFile
    public var answers: [OfflineAnswer]
    public var answersPath: String
    public var answersSHA256: String
    /// `runs.model_path`; `runs.model_sha256` is the SHA-256 of this text (there are no weights to hash).
    public var modelName: String

    /// Reads and checks both files (no database yet, so a bad file leaves no trace).
    public init(promptsPath: String, answersPath: String, modelName: String) throws {
        prompts = try PromptFile.read(path: promptsPath)
        answers = try AnswerFile.read(path: answersPath)
        self.answersPath = answersPath
        answersSHA256 = try SHA256.hex(fileAt: answersPath)
        self.modelName = modelName
        var problems: [ImportProblem] = []
        for answer in answers {
            do { _ = try prompt(for: answer) } catch let p as ImportProblem { problems.append(p) }
        }
        guard problems.isEmpty else { throw AnswerImportError(problems) }
    }

    public struct Outcome: Sendable, Equatable {
        public var runID: Int64
        public var createdRun: Bool
        /// Trials this import added, and answers skipped because the run already had them.
        public var recorded: Int
        public var alreadyRecorded: Int
        /// Trials the run has now, of `total` cells in its grid.
        public var done: Int
        public var total: Int
        public var status: RunStatus
    }

    /// Scores the answers and records the new ones in `store`.
    public func record(into store: ResultsStore, host: String = ProcessInfo.processInfo.hostName,
                       now: Date = Date()) throws -> Outcome {
        let run = prompts.run
        let modelSHA256 = SHA256.hex(modelName)
        let existing = try store.findImportedRun(modelSHA256: modelSHA256, definition: run)
        var recordedOutputs: [TrialKey: String] = [:]
        if let id = existing?.id {
            for trial in try store.trials(runID: id) { recordedOutputs[trial.key] = trial.output }
        }
        var problems: [ImportProblem] = []
        var trials: [TrialRecord] = []
        var skipped = 0
        for answer in answers {
            let prompt = try self.prompt(for: answer)
            let trial = scored(answer, prompt: prompt, now: now)
            if let output = recordedOutputs[prompt.key] {
                if output == trial.output { skipped += 1; continue }
                problems.append(ImportProblem(file: answersPath, line: answer.line, field: "output",
                    "run \(existing!.id!) already has a different answer for \(prompt.key); score into another --db or --model-name"))
            } else {
                trials.append(trial)
            }
        }
        guard problems.isEmpty else { throw AnswerImportError(problems) }
        let done = recordedOutputs.count + trials.count
        let status: RunStatus = done == prompts.plan.count ? .finished : .interrupted
        guard !trials.isEmpty || existing == nil else {
            // Nothing new: leave the file exactly as it is.
            return Outcome(runID: existing!.id!, createdRun: false, recorded: 0, alreadyRecorded: skipped,
                           done: done, total: prompts.plan.count, status: existing!.status)
        }
        let record = existing ?? RunRecord(
            modelPath: modelName, modelSHA256: modelSHA256, taskName: run.taskName, taskJSON: run.taskJSON,
            taskHash: run.taskHash, gridJSON: run.gridJSON, seed: run.seed, toolVersion: NeedleEvalVersion.current,
            host: host, status: status, startedAt: now, finishedAt: now, optionsJSON: "{}",
            tokenizerName: run.tokenizerName, tokenizerSHA256: run.tokenizerSHA256, backend: RunRecord.offline)
        let runID = try store.recordImport(run: record, trials: trials, status: status,
                                           answersPath: answersPath, answersSHA256: answersSHA256, at: now)
        return Outcome(runID: runID, createdRun: existing == nil, recorded: trials.count, alreadyRecorded: skipped,
                       done: done, total: prompts.plan.count, status: status)
    }

    /// The prompt an answer is for, its outputs one per question.
    private func prompt(for answer: OfflineAnswer) throws -> OfflinePrompt {
        guard let prompt = prompts.promptsByID[answer.id] else {
            throw ImportProblem(file: answersPath, line: answer.line, field: "id",
                                "'\(answer.id)' is not the id of any prompt in \(prompts.path); answer the prompts of that file")
        }
        guard answer.outputs.count == prompt.expected.count else {
            let fix = prompt.expected.count == 1 ? "give one output" : "give outputs with one string per question"
            throw ImportProblem(file: answersPath, line: answer.line, field: "outputs",
                                "has \(answer.outputs.count) answers but prompt \(answer.id) (line \(prompt.line) of \(prompts.path)) asks \(prompt.expected.count) questions; \(fix)")
        }
        return prompt
    }

    /// The trial row, scored by the one scorer `run` uses. Answers carry no memory figures (0) and
    /// no times (the import's time).
    private func scored(_ answer: OfflineAnswer, prompt: OfflinePrompt, now: Date) -> TrialRecord {
        var metrics = ResponderMetrics()
        metrics.prefillMilliseconds = answer.prefillMilliseconds ?? 0
        metrics.decodeMilliseconds = answer.decodeMilliseconds ?? 0
        return TrialRecord(scoring: answer.outputs, key: prompt.key, runID: 0, keys: prompt.keys,
                           expected: prompt.expected, stop: prompts.spec.stop,
                           promptTokens: answer.promptTokens ?? prompt.promptTokens,
                           needleTokenOffset: prompt.needleTokenOffset, metrics: metrics,
                           startedAt: now, finishedAt: now)
    }
}
