import Foundation
import NeedleEval
import YOCORuntime

/// The prompt tokenizer of a model directory (its config.json and tokenizer.json, read by the
/// runtime's own loader), or the byte-level default when no directory is given.
func loadPromptTokenizer(modelDirectory: String?) throws -> any PromptTokenizer {
    guard let dir = modelDirectory else { return BytePromptTokenizer() }
    let folder = URL(fileURLWithPath: dir)
    let config = try ModelConfig.load(from: folder.appendingPathComponent("config.json"))
    let tokenizer = try ByteTokenizer.load(from: folder.appendingPathComponent("tokenizer.json"), vocabSize: config.vocabSize)
    return ModelPromptTokenizer(tokenizer: tokenizer)
}
