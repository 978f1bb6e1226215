import Foundation

/// Where a run stands. Ctrl-C marks it `interrupted`; a run whose process was killed (or crashed)
/// stays `running` in the file until someone resumes it; an error marks it `failed`.
public enum RunStatus: String, Sendable, CaseIterable {
    case running, finished, interrupted, failed
}

/// One row of `runs`: what was evaluated, with what, where and when.
public struct RunRecord: Sendable, Equatable {
    /// Assigned by `ResultsStore.createRun`; nil before.
    public var id: Int64?
    public var modelPath: String
    public var modelSHA256: String
    public var taskName: String
    /// The task spec as run (JSON), and its hash, so a resumed run is the same task.
    public var taskJSON: String
    public var taskHash: String
    /// The grid as JSON; `TrialPlan.json` writes the canonical form that resuming compares.
    public var gridJSON: String
    public var seed: UInt64
    public var toolVersion: String
    public var host: String
    public var status: RunStatus
    public var startedAt: Date
    public var finishedAt: Date?
    /// Run options that do not change results (threads, chunk size, ...), as a JSON object.
    public var optionsJSON: String
    /// The tokenizer prompts were measured with: its name and its file's SHA-256 (empty for runs
    /// recorded before schema version 3).
    public var tokenizerName: String
    public var tokenizerSHA256: String
    /// Who answered (schema version 4): `in-process` (`needle-eval run`) or `offline` (answers
    /// imported by `needle-eval score`, from `answersPath` with `answersSHA256`; empty otherwise).
    public var backend: String
    public var answersPath: String
    public var answersSHA256: String
    /// The server that answered (schema version 5; empty for other backends).
    public var server: ServerProvenance
    /// The part of the grid this run evaluates (schema version 6; `Shard.whole` for the whole grid).
    public var shard: Shard

    public init(id: Int64? = nil, modelPath: String, modelSHA256: String, taskName: String,
                taskJSON: String, taskHash: String, gridJSON: String, seed: UInt64,
                toolVersion: String, host: String, status: RunStatus = .running,
                startedAt: Date = Date(), finishedAt: Date? = nil, optionsJSON: String = "{}",
                tokenizerName: String = "", tokenizerSHA256: String = "", backend: String = RunRecord.inProcess,
                answersPath: String = "", answersSHA256: String = "", server: ServerProvenance = ServerProvenance(),
                shard: Shard = .whole) {
        self.id = id
        self.modelPath = modelPath
        self.modelSHA256 = modelSHA256
        self.taskName = taskName
        self.taskJSON = taskJSON
        self.taskHash = taskHash
        self.gridJSON = gridJSON
        self.seed = seed
        self.toolVersion = toolVersion
        self.host = host
        self.status = status
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.optionsJSON = optionsJSON
        self.tokenizerName = tokenizerName
        self.tokenizerSHA256 = tokenizerSHA256
        self.backend = backend
        self.answersPath = answersPath
        self.answersSHA256 = answersSHA256
        self.server = server
        self.shard = shard
    }

    /// The `backend` values.
    public static let inProcess = "in-process"
    public static let offline = "offline"
    public static let http = "http"

    /// The grid, when `gridJSON` is in `TrialPlan`'s form.
    public var grid: TrialPlan? { TrialPlan(json: gridJSON) }
}

/// What a run answered by a server records about it: where it was (no credentials), which model
/// it served, how it was asked, whose tokens measured the prompts, and what it said about itself.
public struct ServerProvenance: Sendable, Equatable {
    public var baseURL: String
    public var servedModel: String
    /// `completions` or `chat`.
    public var api: String
    /// `server` (its /tokenize endpoint) or the tokenizer file's path.
    public var tokenizerSource: String
    /// The server's own description (its model entry, context limits, flavour), a JSON object.
    public var serverJSON: String

    public init(baseURL: String = "", servedModel: String = "", api: String = "", tokenizerSource: String = "",
                serverJSON: String = "{}") {
        (self.baseURL, self.servedModel, self.api) = (baseURL, servedModel, api)
        (self.tokenizerSource, self.serverJSON) = (tokenizerSource, serverJSON)
    }
}
