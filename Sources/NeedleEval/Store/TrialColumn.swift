/// The columns of `trials`, in the table's order (see `TableColumn`): each column's name, what a
/// `TrialRecord` stores in it and how a row becomes a `TrialRecord`.
enum TrialColumn: Int, TableColumn {
    case runID, length, depth, trial, keysJSON, expectedJSON, output, correct, score
    case promptTokens, needleTokenOffset, prefillMilliseconds, decodeMilliseconds
    case peakRSSBytes, kvBytes, startedAt, finishedAt
    /// Added by schema version 5.
    case status, error, attempts, latencyMilliseconds, timeToFirstTokenMilliseconds, completionTokens, cachedTokens

    static let table = "trials"

    var name: String {
        switch self {
        case .runID: return "run_id"
        case .length: return "length"
        case .depth: return "depth"
        case .trial: return "trial"
        case .keysJSON: return "keys_json"
        case .expectedJSON: return "expected_json"
        case .output: return "output"
        case .correct: return "correct"
        case .score: return "score"
        case .promptTokens: return "prompt_tokens"
        case .needleTokenOffset: return "needle_token_offset"
        case .prefillMilliseconds: return "prefill_ms"
        case .decodeMilliseconds: return "decode_ms"
        case .peakRSSBytes: return "peak_rss_bytes"
        case .kvBytes: return "kv_bytes"
        case .startedAt: return "started_at"
        case .finishedAt: return "finished_at"
        case .status: return "status"
        case .error: return "error"
        case .attempts: return "attempts"
        case .latencyMilliseconds: return "latency_ms"
        case .timeToFirstTokenMilliseconds: return "ttft_ms"
        case .completionTokens: return "completion_tokens"
        case .cachedTokens: return "cached_tokens"
        }
    }

    func value(in trial: TrialRecord) -> DatabaseValue {
        switch self {
        case .runID: return .integer(trial.runID)
        case .length: return .integer(Int64(trial.length))
        case .depth: return .integer(Int64(trial.depth))
        case .trial: return .integer(Int64(trial.trial))
        case .keysJSON: return .text(trial.keysJSON)
        case .expectedJSON: return .text(trial.expectedJSON)
        case .output: return .text(trial.output)
        case .correct: return .integer(trial.correct ? 1 : 0)
        case .score: return .real(trial.score)
        case .promptTokens: return .integer(Int64(trial.promptTokens))
        case .needleTokenOffset: return .integer(Int64(trial.needleTokenOffset))
        case .prefillMilliseconds: return .real(trial.prefillMilliseconds)
        case .decodeMilliseconds: return .real(trial.decodeMilliseconds)
        case .peakRSSBytes: return .integer(Int64(trial.peakRSSBytes))
        case .kvBytes: return .integer(Int64(trial.kvBytes))
        case .startedAt: return .text(StoreTimestamp.format(trial.startedAt))
        case .finishedAt: return .text(StoreTimestamp.format(trial.finishedAt))
        case .status: return .text(trial.status.rawValue)
        case .error: return .text(trial.error)
        case .attempts: return .integer(Int64(trial.attempts))
        case .latencyMilliseconds: return .real(trial.latencyMilliseconds)
        case .timeToFirstTokenMilliseconds: return trial.timeToFirstTokenMilliseconds.map { .real($0) } ?? .null
        case .completionTokens: return .integer(Int64(trial.completionTokens))
        case .cachedTokens: return .integer(Int64(trial.cachedTokens))
        }
    }

    static func decode(_ row: TableRow<TrialColumn>) throws -> TrialRecord {
        var trial = TrialRecord(
            runID: try row.int64(.runID), length: try row.int(.length), depth: try row.int(.depth),
            trial: try row.int(.trial), keysJSON: try row.text(.keysJSON),
            expectedJSON: try row.text(.expectedJSON), output: try row.text(.output),
            correct: try row.bool(.correct), score: try row.double(.score),
            promptTokens: try row.int(.promptTokens), needleTokenOffset: try row.int(.needleTokenOffset),
            prefillMilliseconds: try row.double(.prefillMilliseconds),
            decodeMilliseconds: try row.double(.decodeMilliseconds),
            peakRSSBytes: try row.int(.peakRSSBytes), kvBytes: try row.int(.kvBytes),
            startedAt: try row.timestamp(.startedAt), finishedAt: try row.timestamp(.finishedAt))
        trial.status = try row.parsed(.status, expected: "expected ok or error", TrialStatus.init(rawValue:))
        trial.error = try row.text(.error)
        trial.attempts = try row.int(.attempts)
        trial.latencyMilliseconds = try row.double(.latencyMilliseconds)
        trial.timeToFirstTokenMilliseconds = row.isNull(.timeToFirstTokenMilliseconds)
            ? nil : try row.double(.timeToFirstTokenMilliseconds)
        trial.completionTokens = try row.int(.completionTokens)
        trial.cachedTokens = try row.int(.cachedTokens)
        return trial
    }
}
