import ArgumentParser
import Foundation
import NeedleEval
import Tokenizers

/// `needle-eval tokenize`: token ids of texts with any supported tokenizer, for checking against
/// other implementations (scripts/tokenizers/compare.py) and for looking at prompts.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Encode texts with a tokenizer (tokenizer.json, .tiktoken, or a model directory).",
        discussion: """
            With --in/--out: reads JSON lines {"text": ...} and writes {"ids": [...]} per line, in order \
            (--decode adds "decoded": the text of the ids). Without: encodes standard input and prints the ids.
            """)

    @Option(help: ArgumentHelp("tokenizer.json, a .tiktoken file, or a model directory.", valueName: "path"))
    var tokenizer: String

    @Option(name: .customLong("in"), help: ArgumentHelp("JSON lines with a \"text\" field.", valueName: "file"))
    var input: String?

    @Option(help: ArgumentHelp("Where to write the ids (JSON lines).", valueName: "file"))
    var out: String?

    @Flag(help: "Also decode the ids and write the text (round-trip checks).")
    var decode = false

    @Flag(name: .customLong("with-special"), help: "Add the tokenizer's BOS/EOS (post-processor) tokens.")
    var withSpecial = false

    func validate() throws {
        if (input == nil) != (out == nil) { throw ValidationError("--in and --out go together; give both, or neither to read standard input") }
    }

    func run() throws {
        let tok = try TokenizerFile.load(path: tokenizer)
        func ids(_ text: String) -> [Int32] { (withSpecial ? tok.prefixTokens : []) + tok.encode(text) }
        guard let input, let out else {
            let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            print(ids(text).map(String.init).joined(separator: " "))
            return
        }
        guard let data = FileManager.default.contents(atPath: input) else {
            throw ValidationError("--in \(input): cannot read the file")
        }
        var lines: [String] = []
        for (n, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], let text = object["text"] as? String else {
                throw ValidationError("--in \(input): line \(n + 1) is not a JSON object with a \"text\" string")
            }
            var record: [String: Any] = ["ids": ids(text).map { Int($0) }]
            if decode { record["decoded"] = tok.decode(tok.encode(text), skipSpecialTokens: false) }
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self))
        }
        try AtomicFileWriter.write(lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n"), to: out)
    }
}
