import Foundation

/// Opens a tokenizer by path: a model directory (its tokenizer.json), a `tokenizer.json` (the
/// byte tokenizer's `{"type": "bytes"}` or a Hugging Face file), or a tiktoken `.tiktoken` file.
public enum TokenizerFile {
    public static func load(path: String) throws -> any Tokenizer {
        var url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw TokenizerError(path: path, field: "(file)", problem: "file not found",
                                 fix: "give a tokenizer.json, a .tiktoken file, or a model directory holding tokenizer.json")
        }
        if isDirectory.boolValue { url.appendPathComponent("tokenizer.json") }
        if url.pathExtension == "tiktoken" { return try TiktokenTokenizer.load(file: url) }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TokenizerError(path: url.path, field: "(file)", problem: "file not found or unreadable", fix: "check the path")
        }
        // The byte tokenizer's file is a small object with "type": "bytes"; anything else is read
        // as Hugging Face's format.
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], object["type"] as? String == "bytes" {
            return try ByteTokenizer.load(from: url, vocabSize: Int(Int32.max))
        }
        return try HuggingFaceTokenizer.load(file: url)
    }
}
