import Foundation

/// Identifies a trial within a run: the (length, depth) cell and the trial's index in it.
public struct TrialKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var length: Int
    public var depth: Int
    public var trial: Int

    public init(length: Int, depth: Int, trial: Int) {
        self.length = length
        self.depth = depth
        self.trial = trial
    }

    public static func < (a: TrialKey, b: TrialKey) -> Bool {
        (a.length, a.depth, a.trial) < (b.length, b.depth, b.trial)
    }

    public var description: String { "length \(length), depth \(depth)%, trial \(trial)" }
}

/// One row of `trials`: one prompt, its answer and its measurements.
public struct TrialRecord: Sendable, Equatable {
    public var runID: Int64
    /// Prompt length in tokens.
    public var length: Int
    /// Depth in percent.
    public var depth: Int
    /// Index of the trial in its (length, depth) cell.
    public var trial: Int
    /// Needle keys (JSON array) and the expected answers (JSON array).
    public var keysJSON: String
    public var expectedJSON: String
    /// What the model answered (all answers, for multi-query tasks).
    public var output: String
    public var correct: Bool
    /// Partial credit in [0, 1].
    public var score: Double
    public var promptTokens: Int
    public var needleTokenOffset: Int
    public var prefillMilliseconds: Double
    public var decodeMilliseconds: Double
    public var peakRSSBytes: Int
    public var kvBytes: Int
    public var startedAt: Date
    public var finishedAt: Date
    /// `ok`, or `error` when the trial could not be answered (schema version 5).
    public var status: TrialStatus = .ok
    /// Why it could not be answered (empty when `ok`); never holds a credential.
    public var error: String = ""
    /// Requests the answers took, retries included (1 in process).
    public var attempts: Int = 1
    /// Wall time of the answering requests (0 in process, where prefill and decode say it).
    public var latencyMilliseconds: Double = 0
    /// Time to the first generated token of the first answer, when it was streamed.
    public var timeToFirstTokenMilliseconds: Double?
    /// Tokens the model generated, all answers together.
    public var completionTokens: Int = 0
    /// Prompt tokens the server took from its cache instead of prefilling.
    public var cachedTokens: Int = 0

    public init(runID: Int64, length: Int, depth: Int, trial: Int, keysJSON: String,
                expectedJSON: String, output: String, correct: Bool, score: Double,
                promptTokens: Int, needleTokenOffset: Int, prefillMilliseconds: Double = 0,
                decodeMilliseconds: Double = 0, peakRSSBytes: Int = 0, kvBytes: Int = 0,
                startedAt: Date = Date(), finishedAt: Date = Date()) {
        self.runID = runID
        self.length = length
        self.depth = depth
        self.trial = trial
        self.keysJSON = keysJSON
        self.expectedJSON = expectedJSON
        self.output = output
        self.correct = correct
        self.score = score
        self.promptTokens = promptTokens
        self.needleTokenOffset = needleTokenOffset
        self.prefillMilliseconds = prefillMilliseconds
        self.decodeMilliseconds = decodeMilliseconds
        self.peakRSSBytes = peakRSSBytes
        self.kvBytes = kvBytes
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    public var key: TrialKey { TrialKey(length: length, depth: depth, trial: trial) }
}

/// Whether a trial was answered. An `error` trial holds no answer: it is left out of accuracy and
/// heatmaps (which say how many there were) and `--resume` asks again.
public enum TrialStatus: String, Sendable, CaseIterable {
    case ok, error
}
