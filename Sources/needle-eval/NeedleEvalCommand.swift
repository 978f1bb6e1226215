import ArgumentParser

@main
struct NeedleEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "needle-eval",
        abstract: "Needle-in-a-haystack evaluation of long-context models, up to 1M tokens.",
        subcommands: [
            BenchCommand.self,
        ])
}
