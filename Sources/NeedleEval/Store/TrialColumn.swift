/// The columns of `trials`, in the table's order (see `TableColumn`): each column's name, what a
/// `TrialRecord` stores in it and how a row becomes a `TrialRecord`.
enum TrialColumn: Int, TableColumn {
    case runID, length, depth, trial, keysJSON, expectedJSON, output, correct, score
    case promptTokens, needleTokenOffset, prefillMilliseconds, decodeMilliseconds
    case peakRSSBytes, kvBytes, startedAt, finishedAt

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
        }
    }

    static func decode(_ row: TableRow<TrialColumn>) throws -> TrialRecord {
        TrialRecord(
            runID: try row.int64(.runID), length: try row.int(.length), depth: try row.int(.depth),
            trial: try row.int(.trial), keysJSON: try row.text(.keysJSON),
            expectedJSON: try row.text(.expectedJSON), output: try row.text(.output),
            correct: try row.bool(.correct), score: try row.double(.score),
            promptTokens: try row.int(.promptTokens), needleTokenOffset: try row.int(.needleTokenOffset),
            prefillMilliseconds: try row.double(.prefillMilliseconds),
            decodeMilliseconds: try row.double(.decodeMilliseconds),
            peakRSSBytes: try row.int(.peakRSSBytes), kvBytes: try row.int(.kvBytes),
            startedAt: try row.timestamp(.startedAt), finishedAt: try row.timestamp(.finishedAt))
    }
}
