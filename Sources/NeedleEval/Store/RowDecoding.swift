import Foundation

/// The column lists of `runs` and `trials` and how a row becomes a record, kept in one place so
/// SELECT and INSERT agree on the order.
enum RunRow {
    static let names = ["id", "model_path", "model_sha256", "task_name", "task_json", "task_hash",
                        "grid_json", "seed", "tool_version", "host", "status", "started_at",
                        "finished_at", "options_json"]
    static var count: Int { names.count }
    static var columns: String { columns(prefix: "") }
    static func columns(prefix: String) -> String { names.map { prefix + $0 }.joined(separator: ", ") }

    static func decode(_ s: Statement) -> RunRecord {
        RunRecord(
            id: s.int64(at: 0), modelPath: s.string(at: 1), modelSHA256: s.string(at: 2),
            taskName: s.string(at: 3), taskJSON: s.string(at: 4), taskHash: s.string(at: 5),
            gridJSON: s.string(at: 6), seed: UInt64(bitPattern: s.int64(at: 7)),
            toolVersion: s.string(at: 8), host: s.string(at: 9),
            // The CHECK constraint keeps status to these four; a hand edit reads as failed.
            status: RunStatus(rawValue: s.string(at: 10)) ?? .failed,
            startedAt: StoreTimestamp.parse(s.string(at: 11)) ?? Date(timeIntervalSince1970: 0),
            finishedAt: s.optionalString(at: 12).flatMap(StoreTimestamp.parse),
            optionsJSON: s.string(at: 13))
    }
}

enum TrialRow {
    static let names = ["run_id", "length", "depth", "trial", "keys_json", "expected_json", "output",
                        "correct", "score", "prompt_tokens", "needle_token_offset", "prefill_ms",
                        "decode_ms", "peak_rss_bytes", "kv_bytes", "started_at", "finished_at"]
    static var columns: String { names.joined(separator: ", ") }
    static var placeholders: String { Array(repeating: "?", count: names.count).joined(separator: ", ") }

    static func decode(_ s: Statement) -> TrialRecord {
        TrialRecord(
            runID: s.int64(at: 0), length: s.int(at: 1), depth: s.int(at: 2), trial: s.int(at: 3),
            keysJSON: s.string(at: 4), expectedJSON: s.string(at: 5), output: s.string(at: 6),
            correct: s.int(at: 7) != 0, score: s.double(at: 8), promptTokens: s.int(at: 9),
            needleTokenOffset: s.int(at: 10), prefillMilliseconds: s.double(at: 11),
            decodeMilliseconds: s.double(at: 12), peakRSSBytes: s.int(at: 13), kvBytes: s.int(at: 14),
            startedAt: StoreTimestamp.parse(s.string(at: 15)) ?? Date(timeIntervalSince1970: 0),
            finishedAt: StoreTimestamp.parse(s.string(at: 16)) ?? Date(timeIntervalSince1970: 0))
    }
}
