import Foundation

/// The run a `generate` file belongs to (docs/TASK_SPEC.md): the task as run, grid, seed and
/// tokenizer. Written as the `run` object of every JSONL line, so each line carries what it takes
/// to match an answer to it and to record it later (`needle-eval score`), and existing readers,
/// which look up fields by name, are unaffected.
public struct PromptRunDefinition: Sendable, Equatable {
    public var taskName: String
    public var taskJSON: String
    public var taskHash: String
    /// Canonical grid JSON (`TrialPlan.json`).
    public var gridJSON: String
    public var seed: UInt64
    public var tokenizerName: String
    /// SHA-256 of the tokenizer file; empty for the built-in byte tokenizer (no file).
    public var tokenizerSHA256: String

    public init(taskName: String, taskJSON: String, taskHash: String, gridJSON: String, seed: UInt64,
                tokenizerName: String, tokenizerSHA256: String) {
        self.taskName = taskName
        self.taskJSON = taskJSON
        self.taskHash = taskHash
        self.gridJSON = gridJSON
        self.seed = seed
        self.tokenizerName = tokenizerName
        self.tokenizerSHA256 = tokenizerSHA256
    }

    /// The definition of `spec` run over its grid, measured with `tokenizer`.
    public init(spec: TaskSpec, tokenizer: TokenizerIdentity) {
        self.init(taskName: spec.name, taskJSON: spec.json, taskHash: SHA256.hex(spec.json), gridJSON: spec.plan.json,
                  seed: spec.seed, tokenizerName: tokenizer.name, tokenizerSHA256: tokenizer.sha256)
    }

    /// The stable id of a cell's prompt: the first 16 hex digits of a SHA-256 over what decides
    /// the prompt (task hash, tokenizer, seed, cell). The grid is left out on purpose: a cell's
    /// prompt does not depend on the other cells, so the same cell keeps its id in any grid.
    public func promptID(_ key: TrialKey) -> String {
        let text = ["needle-eval prompt v1", taskHash, tokenizerName, tokenizerSHA256, String(seed),
                    String(key.length), String(key.depth), String(key.trial)].joined(separator: "\n")
        return String(SHA256.hex(text).prefix(16))
    }

    /// The `run` object, keys sorted, no spaces (the grid as an object).
    public var json: String {
        "{\"grid\":\(gridJSON),\"seed\":\(seed),\"task_hash\":\(JSONText.string(taskHash)),"
            + "\"task_json\":\(JSONText.string(taskJSON)),\"task_name\":\(JSONText.string(taskName)),"
            + "\"tokenizer_name\":\(JSONText.string(tokenizerName)),\"tokenizer_sha256\":\(JSONText.string(tokenizerSHA256))}"
    }
}
