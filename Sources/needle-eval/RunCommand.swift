import ArgumentParser
import Foundation
import HTTPBackend
import NeedleEval
import NeedleSupport
import YOCOBackend
import YOCORuntime

/// `needle-eval run`: task spec → prompts → a model (the in-process YOCO runtime or a server) →
/// scores → SQLite → heatmap.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Evaluate a model on a task grid; every trial is recorded in the results database.",
        discussion: """
            Examples:
              needle-eval run --length 1M   (lengths 1K…1M × depths 0,10,…,100 on the embedded model)
              needle-eval run --length 1M --shard 2/4 --db shard-2.sqlite   (one of 4 machines; then needle-eval merge)
              needle-eval run --backend http --base-url http://127.0.0.1:8080 --served-model NAME --lengths 1K,4K --depths 0,50,100
            """)

    @OptionGroup var grid: GridOptions
    @OptionGroup var database: DatabaseOptions

    @Option(help: "Who answers: yoco (the in-process runtime, --model) or http (an OpenAI-compatible server, --base-url).")
    var backend: String = "yoco"

    @OptionGroup(title: "Server (--backend http)") var server: ServerBackendOptions

    @Option(help: "Model directory (config.json, model.safetensors, tokenizer.json).")
    var model: String = "models/yoco-niah-tiny"

    @Option(help: ArgumentHelp(
        "The tokenizer prompts are measured in (a model directory, tokenizer.json or .tiktoken file); the in-process model accepts only its own. With --backend http: server (its /tokenize, the default) or a file.",
        valueName: "path"))
    var tokenizer: String?

    @Flag(help: "Continue the latest unfinished run of the same model, tokenizer, task, grid and shard.")
    var resume = false

    @Option(help: ArgumentHelp(
        "Evaluate only shard I of N (1-based, e.g. 2/4) of the grid, balanced by predicted cost; auto: from SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX + NEEDLE_EVAL_SHARD_COUNT. Give each shard its own --db; join them with needle-eval merge (docs/SHARDING.md).",
        valueName: "I/N|auto"))
    var shard: String?

    @OptionGroup var runtime: RuntimeOptions

    @Flag(name: .customLong("no-kv-reuse"),
          help: "Prefill every prompt on its own (reusing only a shared prefix) instead of splicing needles into one prefilled haystack.")
    var noKVReuse = false

    @Option(help: ArgumentHelp(
        "Cells decoded together over the shared haystack's KV rows (with KV reuse; 1 = one at a time). A stop (Ctrl-C) takes effect between groups.",
        valueName: "N"))
    var decodeBatch: Int = YOCOBackend.Options().decodeBatch

    @Option(help: "Refuse to start when the estimated memory exceeds this (e.g. 8G, 512M); default: available memory.")
    var maxMemory: String?

    func validate() throws {
        _ = try selectedShard()
        guard backend == "yoco" || backend == "http" else {
            throw ValidationError("--backend must be yoco or http (got '\(backend)')")
        }
        guard decodeBatch >= 1 else { throw ValidationError("--decode-batch must be at least 1 (got \(decodeBatch))") }
        try server.validate(backend: backend)
        if backend == "http" { return }
        let config = URL(fileURLWithPath: model).appendingPathComponent("config.json").path
        guard FileManager.default.fileExists(atPath: config) else {
            throw ValidationError("--model \(model): no config.json there; give a model directory (config.json, model.safetensors, tokenizer.json)")
        }
        if let maxMemory, ByteSize.parse(maxMemory) == nil {
            throw ValidationError("--max-memory '\(maxMemory)' is not a size; use e.g. 8G, 512M or a byte count")
        }
    }

    func run() throws {
        let spec = try grid.loadTask()
        let plan = spec.plan
        let backend: any EvaluationBackend = self.backend == "http"
            ? try server.backend(tokenizer: tokenizer, spec: spec, plan: plan)
            : try inProcessBackend(spec: spec, plan: plan)
        let store = try ResultsStore(path: database.db, busyTimeoutMs: database.busyTimeoutMs)
        let pipeline = EvaluationPipeline(spec: spec, plan: plan, store: store, backend: backend, shard: try selectedShard())

        var interrupt: InterruptWatcher?
        let reporter = ProgressReporter()
        let outcome = try pipeline.run(resume: resume, shouldStop: { interrupt?.requested ?? false }) { event in
            if case let .opened(runID, _, _, _) = event {
                interrupt = InterruptWatcher(databasePath: database.db, runID: runID)
            }
            reporter.handle(event)
        }
        reporter.finish()
        if outcome.status == .interrupted && outcome.recorded < outcome.pending {
            FileHandle.standardError.write(Data("interrupted: run \(outcome.runID) kept its finished trials; continue with --resume\n".utf8))
            Foundation.exit(130)
        }
        let report = try RunReport(store: store, runID: outcome.runID)
        try RunSummaryPrinter.print(report, store: store, seconds: outcome.seconds)
        // Unanswered trials leave the run incomplete: scripts must not take it for a finished one.
        if report.errors > 0 { Foundation.exit(1) }
    }

    /// `--shard` as a shard (the whole grid without it).
    private func selectedShard() throws -> Shard {
        guard let shard else { return .whole }
        do { return try Shard.parse(shard, environment: ProcessInfo.processInfo.environment) } catch let error as ShardError {
            throw ValidationError(error.description)
        }
    }

    private func inProcessBackend(spec: TaskSpec, plan: TrialPlan) throws -> YOCOBackend {
        var options = YOCOBackend.Options()
        options.chunk = runtime.chunk
        options.kv = runtime.kvDType
        options.threads = runtime.threads
        options.kvReuse = !noKVReuse
        options.decodeBatch = decodeBatch
        options.maxMemory = maxMemory.flatMap(ByteSize.parse)
        return try YOCOBackend(modelDirectory: model, options: options, capacity: spec.contextCapacity(for: plan),
                               tokenizerPath: tokenizer)
    }
}

/// What `run` prints at the end: the heatmap, accuracy overall and per length, time, run id,
/// and the CSV/SVG written next to the database.
enum RunSummaryPrinter {
    static func print(_ report: RunReport, store: ResultsStore, seconds: Double) throws {
        Swift.print(TerminalHeatmap.render(cells: report.cells, color: isatty(STDOUT_FILENO) == 1))
        Swift.print(String(format: "accuracy %.3f (%d/%d trials)", report.accuracy, report.correct, report.trials))
        Swift.print("per length: " + report.accuracyByLength.map { "\(Lengths.label($0.length)) \(String(format: "%.2f", $0.accuracy))" }
            .joined(separator: "  "))
        if report.errors > 0 {
            Swift.print("\(report.errors) trials could not be answered (status 'error', left out of the accuracy); needle-eval run --resume asks again")
        }
        let mismatch = report.promptLengthMismatches
        if mismatch.trials > 0 {
            let range = mismatch.smallest == mismatch.largest ? "\(mismatch.smallest)" : "\(mismatch.smallest) to \(mismatch.largest)"
            Swift.print("warning: in \(mismatch.trials) trials the server counted a prompt length other than the intended one (\(range) tokens; "
                + "a chat template's tokens, or a tokenizer that is not the server's); see trials.prompt_tokens against trials.length")
        }
        let files = try report.writeHeatmapFiles(store: store)
        Swift.print(String(format: "run %lld finished in %.1f s; database %@", report.runID, seconds, store.path))
        Swift.print("heatmap: \(files.csv)  \(files.svg)")
    }
}
