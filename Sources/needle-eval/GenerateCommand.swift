import ArgumentParser
import Foundation
import NeedleEval
import Tokenizers

/// `needle-eval generate`: writes the prompts of a grid as JSONL, for any runtime to answer.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write the prompts of a task grid as JSON lines (one prompt per line).")

    @OptionGroup var grid: GridOptions

    @Option(help: ArgumentHelp(
        "What measures the prompts: a model directory (its tokenizer.json), a tokenizer.json or a .tiktoken file (default: bytes, BOS 256).",
        valueName: "path"))
    var tokenizer: String?

    @Option(help: "Output file (.jsonl); written atomically.")
    var out: String

    func run() throws {
        let spec = try grid.loadTask()
        let tok: any Tokenizer = try tokenizer.map(TokenizerOption.load) ?? ByteTokenizer()
        let plan = spec.plan
        let builder = try PromptBuilder(spec: spec, tokenizer: tok)
        // The built-in byte tokenizer has no file to hash: its hash is empty.
        let identity = try tokenizer.map { try TokenizerIdentity(tokenizer: tok, path: $0) }
            ?? TokenizerIdentity(name: tok.name, sha256: "")
        let run = PromptRunDefinition(spec: spec, tokenizer: identity)
        let writer = try AtomicFileWriter(url: URL(fileURLWithPath: out))
        let start = Date()
        for cell in plan.cells {
            let prompt = try builder.build(length: cell.length, depth: cell.depth, trial: cell.trial)
            try writer.write(prompt.jsonLine(spec: spec, run: run) + "\n")
        }
        try writer.commit()
        let seconds = Date().timeIntervalSince(start)
        FileHandle.standardError.write(
            "wrote \(plan.count) prompts to \(out) in \(String(format: "%.2f", seconds)) s\n".data(using: .utf8)!)
    }
}
