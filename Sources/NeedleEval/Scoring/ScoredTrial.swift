import Foundation

extension TrialRecord {
    /// A finished trial scored the one way every trial is scored: each output against its
    /// question's expected values (`Scorer.score`), combined by `TrialScore`, outputs joined with
    /// `\n`. `needle-eval run` (the `Evaluator`) and imported answers (`AnswerImport`) both build
    /// their rows here, so a trial scores the same whoever produced the outputs.
    public init(scoring outputs: [String], key: TrialKey, runID: Int64, keys: [String], expected: [[String]],
                stop: String?, promptTokens: Int, needleTokenOffset: Int, metrics: ResponderMetrics,
                startedAt: Date, finishedAt: Date) {
        let score = TrialScore(answers: zip(outputs, expected).map { Scorer.score(output: $0, expected: $1, stop: stop) })
        self.init(
            runID: runID, length: key.length, depth: key.depth, trial: key.trial,
            keysJSON: JSONText.array(keys),
            expectedJSON: "[" + expected.map { JSONText.array($0) }.joined(separator: ",") + "]",
            output: outputs.joined(separator: "\n"), correct: score.correct, score: score.score,
            promptTokens: promptTokens, needleTokenOffset: needleTokenOffset,
            prefillMilliseconds: metrics.prefillMilliseconds, decodeMilliseconds: metrics.decodeMilliseconds,
            peakRSSBytes: metrics.peakRSSBytes, kvBytes: metrics.kvBytes, startedAt: startedAt, finishedAt: finishedAt)
        adopt(metrics)
    }

    /// A trial that could not be answered: no output, not correct, status `error` with the reason.
    public init(unanswered failure: UnansweredTrial, key: TrialKey, runID: Int64, keys: [String], expected: [[String]],
                promptTokens: Int, needleTokenOffset: Int, startedAt: Date, finishedAt: Date) {
        self.init(
            runID: runID, length: key.length, depth: key.depth, trial: key.trial,
            keysJSON: JSONText.array(keys),
            expectedJSON: "[" + expected.map { JSONText.array($0) }.joined(separator: ",") + "]",
            output: "", correct: false, score: 0, promptTokens: promptTokens, needleTokenOffset: needleTokenOffset,
            startedAt: startedAt, finishedAt: finishedAt)
        adopt(failure.metrics)
        status = .error
        error = failure.message
        attempts = failure.attempts
    }

    /// The responder's measurements that have columns of their own (schema version 5).
    private mutating func adopt(_ metrics: ResponderMetrics) {
        if let seen = metrics.reportedPromptTokens { promptTokens = seen }
        attempts = metrics.attempts
        latencyMilliseconds = metrics.latencyMilliseconds
        timeToFirstTokenMilliseconds = metrics.timeToFirstTokenMilliseconds
        completionTokens = metrics.generatedTokens
        cachedTokens = metrics.cachedTokens
    }
}
