/// The columns of `runs`, in the table's order (see `TableColumn`): each column's name, what a
/// `RunRecord` stores in it and how a row becomes a `RunRecord`.
enum RunColumn: Int, TableColumn {
    case id, modelPath, modelSHA256, taskName, taskJSON, taskHash, gridJSON, seed, toolVersion, host
    case status, startedAt, finishedAt
    /// Added by schema version 2.
    case optionsJSON
    /// Added by schema version 3.
    case tokenizerName, tokenizerSHA256
    /// Added by schema version 4.
    case backend, answersPath, answersSHA256
    /// Added by schema version 5.
    case baseURL, servedModel, api, tokenizerSource, serverJSON
    /// Added by schema version 6.
    case shardIndex, shardCount

    static let table = "runs"

    var name: String {
        switch self {
        case .id: return "id"
        case .modelPath: return "model_path"
        case .modelSHA256: return "model_sha256"
        case .taskName: return "task_name"
        case .taskJSON: return "task_json"
        case .taskHash: return "task_hash"
        case .gridJSON: return "grid_json"
        case .seed: return "seed"
        case .toolVersion: return "tool_version"
        case .host: return "host"
        case .status: return "status"
        case .startedAt: return "started_at"
        case .finishedAt: return "finished_at"
        case .optionsJSON: return "options_json"
        case .tokenizerName: return "tokenizer_name"
        case .tokenizerSHA256: return "tokenizer_sha256"
        case .backend: return "backend"
        case .answersPath: return "answers_path"
        case .answersSHA256: return "answers_sha256"
        case .baseURL: return "base_url"
        case .servedModel: return "served_model"
        case .api: return "api"
        case .tokenizerSource: return "tokenizer_source"
        case .serverJSON: return "server_json"
        case .shardIndex: return "shard_index"
        case .shardCount: return "shard_count"
        }
    }

    /// SQLite assigns the id (INTEGER PRIMARY KEY), so `createRun` ignores the record's.
    var isWritten: Bool { self != .id }

    func value(in run: RunRecord) -> DatabaseValue {
        switch self {
        case .id: return run.id.map { .integer($0) } ?? .null
        case .modelPath: return .text(run.modelPath)
        case .modelSHA256: return .text(run.modelSHA256)
        case .taskName: return .text(run.taskName)
        case .taskJSON: return .text(run.taskJSON)
        case .taskHash: return .text(run.taskHash)
        case .gridJSON: return .text(run.gridJSON)
        // SQLite integers are signed: the seed is stored as its bit pattern.
        case .seed: return .integer(Int64(bitPattern: run.seed))
        case .toolVersion: return .text(run.toolVersion)
        case .host: return .text(run.host)
        case .status: return .text(run.status.rawValue)
        case .startedAt: return .text(StoreTimestamp.format(run.startedAt))
        case .finishedAt: return run.finishedAt.map { .text(StoreTimestamp.format($0)) } ?? .null
        case .optionsJSON: return .text(run.optionsJSON)
        case .tokenizerName: return .text(run.tokenizerName)
        case .tokenizerSHA256: return .text(run.tokenizerSHA256)
        case .backend: return .text(run.backend)
        case .answersPath: return .text(run.answersPath)
        case .answersSHA256: return .text(run.answersSHA256)
        case .baseURL: return .text(run.server.baseURL)
        case .servedModel: return .text(run.server.servedModel)
        case .api: return .text(run.server.api)
        case .tokenizerSource: return .text(run.server.tokenizerSource)
        case .serverJSON: return .text(run.server.serverJSON)
        case .shardIndex: return .integer(Int64(run.shard.index))
        case .shardCount: return .integer(Int64(run.shard.count))
        }
    }

    static func decode(_ row: TableRow<RunColumn>) throws -> RunRecord {
        RunRecord(
            id: try row.int64(.id), modelPath: try row.text(.modelPath),
            modelSHA256: try row.text(.modelSHA256), taskName: try row.text(.taskName),
            taskJSON: try row.text(.taskJSON), taskHash: try row.text(.taskHash),
            gridJSON: try row.text(.gridJSON), seed: UInt64(bitPattern: try row.int64(.seed)),
            toolVersion: try row.text(.toolVersion), host: try row.text(.host),
            // The CHECK constraint keeps status to the four, but it can be switched off
            // (PRAGMA ignore_check_constraints): an unknown one is an error, not a guess.
            status: try row.parsed(.status, expected: "expected one of "
                                    + RunStatus.allCases.map(\.rawValue).joined(separator: ", "),
                                   RunStatus.init(rawValue:)),
            startedAt: try row.timestamp(.startedAt), finishedAt: try row.optionalTimestamp(.finishedAt),
            optionsJSON: try row.text(.optionsJSON),
            tokenizerName: try row.text(.tokenizerName), tokenizerSHA256: try row.text(.tokenizerSHA256),
            backend: try row.text(.backend), answersPath: try row.text(.answersPath),
            answersSHA256: try row.text(.answersSHA256),
            server: ServerProvenance(baseURL: try row.text(.baseURL), servedModel: try row.text(.servedModel),
                                     api: try row.text(.api), tokenizerSource: try row.text(.tokenizerSource),
                                     serverJSON: try row.text(.serverJSON)),
            shard: try shard(row))
    }

    /// The CHECK constraints keep 1 ≤ index ≤ count, but they can be switched off.
    private static func shard(_ row: TableRow<RunColumn>) throws -> Shard {
        let index = try row.int(.shardIndex)
        return try row.integer(.shardCount, expected: "expected a shard count of at least shard_index \(index) (and an index of at least 1)") {
            Shard(index: index, count: $0)
        }
    }
}
