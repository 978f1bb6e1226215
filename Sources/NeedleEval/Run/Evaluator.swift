import Foundation

/// What the evaluator reports after each finished trial.
public struct TrialProgress: Sendable {
    public var done: Int
    public var total: Int
    public var key: TrialKey
    public var correct: Bool
    /// Prompt tokens processed per second of prefill in this trial.
    public var prefillTokensPerSecond: Double
    public var elapsedSeconds: Double
}

/// Runs the cells of a plan against a responder: build the prompt, ask each question in turn,
/// score, hand the finished trial to `record` (which commits it). Knows no model and no database,
/// so tests drive it with fakes.
public final class Evaluator {
    public let spec: TaskSpec
    public let builder: PromptBuilder
    public let responder: any Responder

    public init(spec: TaskSpec, builder: PromptBuilder, responder: any Responder) {
        self.spec = spec
        self.builder = builder
        self.responder = responder
    }

    /// One trial, start to finish; throws only for faults (a prompt that cannot be built, a
    /// runtime error), never for a wrong answer.
    public func runTrial(_ key: TrialKey, runID: Int64) throws -> TrialRecord {
        let started = Date()
        let prompt = try builder.build(length: key.length, depth: key.depth, trial: key.trial)
        try responder.begin(prompt: prompt.tokens)
        var outputs: [String] = []
        for (i, query) in prompt.queries.enumerated() {
            outputs.append(try responder.answer(followUp: i == 0 ? [] : query.questionTokens,
                                                stop: spec.stop, maxNewTokens: spec.maxNewTokens))
        }
        return TrialRecord(scoring: outputs, key: key, runID: runID, keys: prompt.queries.map(\.key),
                           expected: prompt.queries.map(\.expected), stop: spec.stop,
                           promptTokens: prompt.tokens.count, needleTokenOffset: prompt.needleTokenOffset,
                           metrics: responder.metrics, startedAt: started, finishedAt: Date())
    }

    /// Runs `pending` cells in order until done or `shouldStop` says so (checked between trials,
    /// so no trial is ever half-recorded).
    @discardableResult
    public func run(pending: [TrialKey], runID: Int64, alreadyDone: Int, total: Int,
                    shouldStop: () -> Bool = { false },
                    record: (TrialRecord) throws -> Void,
                    progress: (TrialProgress) -> Void = { _ in }) throws -> Int {
        let start = Date()
        var done = alreadyDone
        for key in pending {
            if shouldStop() { break }
            let trial = try runTrial(key, runID: runID)
            try record(trial)
            done += 1
            let seconds = max(trial.prefillMilliseconds / 1000, 1e-9)
            progress(TrialProgress(done: done, total: total, key: key, correct: trial.correct,
                                   prefillTokensPerSecond: Double(trial.promptTokens) / seconds,
                                   elapsedSeconds: Date().timeIntervalSince(start)))
        }
        return done - alreadyDone
    }
}
