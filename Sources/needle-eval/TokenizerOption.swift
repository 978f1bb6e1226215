import Foundation
import NeedleSupport
import Tokenizers
import YOCOBackend

/// `--tokenizer PATH` of `generate`: a model directory, a tokenizer.json or a .tiktoken file.
enum TokenizerOption {
    /// The tokenizer at `path`. A needle-eval model directory's byte tokenizer is read as the
    /// runtime reads it (its ids checked against config.json's vocabulary), as before.
    static func load(_ path: String) throws -> any Tokenizer {
        do {
            let tokenizer = try TokenizerFile.load(path: path)
            let config = URL(fileURLWithPath: path).appendingPathComponent("config.json").path
            if tokenizer is ByteTokenizer, FileManager.default.fileExists(atPath: config) {
                return try YOCOBackend.tokenizer(modelDirectory: path)
            }
            return tokenizer
        } catch {
            throw UsageError("--tokenizer \(path): \(error)")
        }
    }
}
