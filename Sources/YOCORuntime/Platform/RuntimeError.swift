/// Errors a user can cause: each names the file and the field or tensor, and says how to fix it.
public enum RuntimeError: Error, CustomStringConvertible, Equatable {
    /// A file the model directory must contain is missing or unreadable.
    case missingFile(path: String, fix: String)
    /// config.json: a field is missing, has the wrong type, an invalid value, or is unknown.
    case config(path: String, field: String, problem: String, fix: String)
    /// model.safetensors (or another safetensors file) is corrupt or does not match config.json.
    case safetensors(path: String, tensor: String?, problem: String, fix: String)
    /// A token id outside the model's vocabulary was fed to a session.
    case invalidToken(id: Int32, vocabSize: Int)
    /// An operation needs input that was not given.
    case emptyInput(String)
    /// `generate` was called before any `prefill`.
    case noContext

    public var description: String {
        switch self {
        case let .missingFile(path, fix):
            return "\(path): file not found or unreadable. Fix: \(fix)"
        case let .config(path, field, problem, fix):
            return "\(path): field '\(field)' \(problem). Fix: \(fix)"
        case let .safetensors(path, tensor, problem, fix):
            let subject = tensor.map { ": tensor '\($0)'" } ?? ""
            return "\(path)\(subject): \(problem). Fix: \(fix)"
        case let .invalidToken(id, vocab):
            return "token id \(id) is outside the vocabulary [0, \(vocab)). Fix: tokenize with the model's tokenizer.json"
        case let .emptyInput(what):
            return "\(what) is empty. Fix: pass at least one token"
        case .noContext:
            return "generate() called with an empty context. Fix: call prefill() with a prompt first"
        }
    }
}
