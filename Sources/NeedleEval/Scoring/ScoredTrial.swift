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
    }
}
