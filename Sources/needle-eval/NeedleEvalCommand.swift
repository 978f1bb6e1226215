import ArgumentParser
import Foundation
import NeedleEval
import NeedleSupport
import YOCORuntime

@main
struct NeedleEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "needle-eval",
        abstract: "Needle-in-a-haystack evaluation of long-context models, up to 1M tokens.",
        subcommands: [
            RunCommand.self,
            GenerateCommand.self,
            ScoreCommand.self,
            CorpusCommand.self,
            QueryCommand.self,
            RunsCommand.self,
            ShardsCommand.self,
            MergeCommand.self,
            ExportCommand.self,
            ReportCommand.self,
            BenchCommand.self,
            TokenizeCommand.self,
            ServeCommand.self,
        ])

    /// Usage errors (a bad flag value, a task file that does not parse) exit with 2, like most
    /// Unix tools, instead of ArgumentParser's 64; other failures exit with 1.
    static func main() {
        // OpenBLAS picks its kernels when it loads, before main: re-run once with the fast ones
        // when it fell back to the generic core (docs/ARCHITECTURE.md); a user's setting wins.
        BLASLauncher.reexecWithFastKernelsIfNeeded()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure || error is any UsageProblem {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
