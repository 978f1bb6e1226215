import Foundation
import Tokenizers

/// A model the pipeline can evaluate: how it counts tokens, what identifies it in the database,
/// and the responder that answers. The in-process YOCO runtime is one (the YOCOBackend module);
/// tests use small fakes.
public protocol EvaluationBackend: AnyObject {
    /// The model's tokenizer: prompts are built and measured in its tokens.
    var tokenizer: any Tokenizer { get }
    /// What `runs` records as the model; with the task, grid and seed it decides what `--resume`
    /// continues.
    var identity: ModelIdentity { get }
    /// The tokenizer file prompts are measured with, recorded with the run and matched by
    /// `--resume` (the same model and task measured in other tokens is another run).
    var tokenizerIdentity: TokenizerIdentity { get }
    /// Settings recorded with the run that do not change which trials it has (threads, chunk
    /// size, ...), as a JSON object.
    var optionsJSON: String { get }
    /// Answers the prompts.
    var responder: any Responder { get }
    /// Answers several cells at once when the backend can (set by `prepare`); nil: `responder`
    /// answers them one at a time.
    var batchResponder: (any BatchResponder)? { get }
    /// Trials answered at once (a server backend's `--concurrency`); 1 runs them in order on
    /// `responder`.
    var concurrency: Int { get }
    /// Another responder for a concurrent worker (called `concurrency - 1` times).
    func makeResponder() throws -> any Responder
    /// `runs.backend`: who answers (`in-process`, `http`).
    var backendName: String { get }
    /// What a run answered by a server records about it; nil for other backends.
    var serverProvenance: ServerProvenance? { get }
    /// Called once before the first of `pending` cells runs (e.g. to prefill the run's shared
    /// haystack), with the builder that will make their prompts.
    func prepare(pending: [TrialKey], builder: PromptBuilder) throws -> BackendPreparation
}

extension EvaluationBackend {
    public var batchResponder: (any BatchResponder)? { nil }
    public var concurrency: Int { 1 }
    public func makeResponder() throws -> any Responder { responder }
    public var backendName: String { RunRecord.inProcess }
    public var serverProvenance: ServerProvenance? { nil }
}

/// What identifies a model in the results database.
public struct ModelIdentity: Sendable, Equatable {
    /// A path, URL or name, as the user gave it.
    public var path: String
    /// SHA-256 of the weights (or another content hash that changes when the model does).
    public var sha256: String

    public init(path: String, sha256: String) { (self.path, self.sha256) = (path, sha256) }
}

/// What identifies the tokenizer of a run: its name and the SHA-256 of the file it was read from
/// (for a model directory, its tokenizer.json; for a .tiktoken file, the rank file — a
/// tiktoken.json beside it is not hashed).
public struct TokenizerIdentity: Sendable, Equatable {
    public var name: String
    public var sha256: String

    public init(name: String, sha256: String) { (self.name, self.sha256) = (name, sha256) }

    /// The identity of `tokenizer`, read from `path` (a directory, tokenizer.json or .tiktoken file).
    public init(tokenizer: any Tokenizer, path: String) throws {
        self.init(name: tokenizer.name, sha256: try SHA256.hex(fileAt: Self.file(forPath: path)))
    }

    /// The file `TokenizerFile.load(path:)` reads for `path`: tokenizer.json inside a directory.
    public static func file(forPath path: String) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return path }
        return URL(fileURLWithPath: path).appendingPathComponent("tokenizer.json").path
    }
}

/// What a backend did to prepare a run, for progress reports.
public struct BackendPreparation: Sendable, Equatable {
    /// A line for the user (e.g. "prefilled the shared haystack (1M tokens) once in 21.1 s"); nil: nothing to say.
    public var note: String?
    /// True when the haystack was prefilled once for every cell (grid-level KV reuse): a trial
    /// then costs its splice, question and decode, not a prefill of its own (`RemainingTime`).
    public var sharedPrefill: Bool
    /// Cells answered together by the backend's batch responder (1: one at a time).
    public var decodeBatch: Int

    public init(note: String? = nil, sharedPrefill: Bool = false, decodeBatch: Int = 1) {
        self.note = note
        self.sharedPrefill = sharedPrefill
        self.decodeBatch = decodeBatch
    }
}
