import ArgumentParser
import Foundation
import NeedleEval

/// The prompt tokenizer of a model directory (tokenizer.json), or the byte-level default.
func loadPromptTokenizer(modelDirectory: String?) throws -> any PromptTokenizer {
    guard let dir = modelDirectory else { return BytePromptTokenizer() }
    let path = URL(fileURLWithPath: dir).appendingPathComponent("tokenizer.json").path
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ValidationError("\(path) not found; --tokenizer must be a model directory with tokenizer.json")
    }
    guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
          json["type"] as? String == "bytes", let bos = json["bos_id"] as? Int else {
        throw ValidationError("\(path): only {\"type\": \"bytes\", \"bos_id\": …} tokenizers are supported")
    }
    return BytePromptTokenizer(bosID: Int32(bos))
}
