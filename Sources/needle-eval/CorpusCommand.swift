import ArgumentParser
import Foundation
import NeedleEval

/// `needle-eval corpus`: dumps what the trainer needs to see exactly what the toolkit produces:
/// the built-in haystack text and the key lists.
struct CorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Dump built-in haystack text and key lists (training data for the model).")

    @Option(help: "Output folder (created if missing).")
    var out: String

    @Option(help: "Bytes of built-in haystack text to write.")
    var bytes: Int = 32 << 20

    @Option(help: "Seed of the built-in haystack.")
    var seed: Int = 12345

    func validate() throws {
        if bytes < 1 { throw ValidationError("--bytes must be at least 1") }
        if seed < 0 { throw ValidationError("--seed must be 0 or more") }
    }

    func run() throws {
        let folder = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var prose = BuiltinProse(seed: UInt64(seed))
        let writer = try AtomicFileWriter(url: folder.appendingPathComponent("builtin.txt"))
        var written = 0
        while written < bytes {
            let s = prose.nextSentence()
            written += s.utf8.count
            try writer.write(s)
        }
        try writer.commit()
        try AtomicFileWriter.write(Vocabulary.cities.joined(separator: "\n") + "\n", to: folder.appendingPathComponent("cities.txt"))
        try AtomicFileWriter.write(Vocabulary.words.joined(separator: "\n") + "\n", to: folder.appendingPathComponent("words.txt"))
        try AtomicFileWriter.write("ok\n", to: folder.appendingPathComponent("READY"))
    }
}
