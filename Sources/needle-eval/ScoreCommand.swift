import ArgumentParser
import Foundation
import NeedleEval

/// `needle-eval score`: records answers produced elsewhere for a `generate` file as a run
/// (`AnswerImport` does the work; this parses flags and prints).
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score answers produced elsewhere for a generate file and record them as a run.",
        discussion: """
            Answers are JSON lines {"id": …, "output": "…"} ("outputs": […] for several questions), \
            optionally with prompt_tokens, prefill_ms and decode_ms. Importing again adds only new ids.
            """)

    @Option(help: ArgumentHelp("The prompts file needle-eval generate wrote.", valueName: "file"))
    var prompts: String

    @Option(help: ArgumentHelp("The answers, one JSON object per line.", valueName: "file"))
    var answers: String

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("The model that answered, recorded as the run's model (its SHA-256 is the model hash).",
                               valueName: "name"))
    var modelName: String = "offline"

    func validate() throws {
        guard !modelName.isEmpty else { throw ValidationError("--model-name must not be empty") }
    }

    func run() throws {
        // Both files are checked before the database is opened: a bad file changes nothing.
        let job = try AnswerImport(promptsPath: prompts, answersPath: answers, modelName: modelName)
        let store = try ResultsStore(path: database.db, busyTimeoutMs: database.busyTimeoutMs)
        let outcome = try job.record(into: store)
        let verb = outcome.createdRun ? "created" : "added to"
        print("\(verb) run \(outcome.runID): \(outcome.recorded) trials recorded, \(outcome.alreadyRecorded) already there; "
              + "\(outcome.done)/\(outcome.total) cells, status \(outcome.status.rawValue); database \(store.path)")
        if outcome.done == outcome.total && outcome.recorded > 0 {
            let report = try RunReport(store: store, runID: outcome.runID)
            print(String(format: "accuracy %.3f (%d/%d trials)", report.accuracy, report.correct, report.trials))
        }
    }
}
