import ArgumentParser
import Foundation
import NeedleEval
import YOCORuntime

/// `needle-eval run`: task spec → prompts → YOCO runtime → scores → SQLite → heatmap.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Evaluate a model on a task grid; every trial is recorded in the results database.",
        discussion: "Example: needle-eval run --length 1M   (lengths 1K…1M × depths 0,10,…,100 on the embedded model)")

    @OptionGroup var grid: GridOptions
    @OptionGroup var database: DatabaseOptions

    @Option(help: "Model directory (config.json, model.safetensors, tokenizer.json).")
    var model: String = "models/yoco-niah-tiny"

    @Flag(help: "Continue the latest unfinished run of the same model, task and grid.")
    var resume = false

    @Option(help: "Threads for OpenBLAS and the runtime's parallel loops (default: all cores).")
    var threads: Int?

    @Option(help: "Prefill chunk size in tokens.")
    var chunk: Int = 4096

    @Option(help: "KV cache storage: f32 or f16 (half the memory).")
    var kv: String = "f32"

    @Flag(name: .customLong("no-kv-reuse"),
          help: "Prefill every prompt on its own (reusing only a shared prefix) instead of splicing needles into one prefilled haystack.")
    var noKVReuse = false

    @Option(help: "Refuse to start when the estimated memory exceeds this (e.g. 8G, 512M); default: available memory.")
    var maxMemory: String?

    func validate() throws {
        let config = URL(fileURLWithPath: model).appendingPathComponent("config.json").path
        guard FileManager.default.fileExists(atPath: config) else {
            throw ValidationError("--model \(model): no config.json there; give a model directory (config.json, model.safetensors, tokenizer.json)")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads))") }
        if chunk < 1 { throw ValidationError("--chunk must be at least 1 (got \(chunk))") }
        if kv != "f32" && kv != "f16" { throw ValidationError("--kv must be f32 or f16 (got '\(kv)')") }
        if let maxMemory, ByteSize.parse(maxMemory) == nil {
            throw ValidationError("--max-memory '\(maxMemory)' is not a size; use e.g. 8G, 512M or a byte count")
        }
    }

    func run() throws {
        let spec = try grid.loadTask()
        let plan = grid.plan(for: spec)
        if let threads { RuntimeInfo.setThreads(threads) }
        let loaded = try Model(directory: URL(fileURLWithPath: model))
        let tokenizer = ModelPromptTokenizer(tokenizer: loaded.tokenizer)
        let options = SessionOptions(chunkSize: chunk, kvDType: kv == "f16" ? .f16 : .f32, threads: threads)
        let capacity = plan.lengths.max()! + spec.queries * (spec.question.utf8.count * 2 + 128 + spec.maxNewTokens)
        try MemoryCheck.ensureFits(model: loaded, options: options, capacity: capacity,
                                   maxMemory: maxMemory.flatMap(ByteSize.parse))

        let store = try ResultsStore(path: database.db, busyTimeoutMs: database.busyTimeoutMs)
        let run = try RunSetup.openRun(store: store, spec: spec, plan: plan, modelPath: model,
                                       resume: resume, options: "{\"threads\":\(threads ?? 0),\"chunk\":\(chunk),\"kv\":\"\(kv)\",\"kv_reuse\":\(!noKVReuse)}")
        let runID = run.id!
        let done = try store.completedCells(runID: runID)
        let pending = plan.cells.filter { !done.contains($0) }
        let reporter = ProgressReporter(total: plan.count, runID: runID)
        reporter.start(pending: pending, resumed: done.count)

        let interrupt = InterruptWatcher(databasePath: database.db, runID: runID)
        let responder = YOCOResponder(model: loaded, options: options, capacity: capacity)
        let builder = try PromptBuilder(spec: spec, tokenizer: tokenizer)
        let started = Date()     // the shared haystack's prefill counts in the run's time
        responder.spliceBase = try makeSpliceBase(model: loaded, options: options, builder: builder,
                                                  pending: pending, capacity: capacity)
        reporter.weighByLength = responder.spliceBase == nil
        let evaluator = Evaluator(spec: spec, builder: builder, responder: responder)
        do {
            try evaluator.run(pending: pending, runID: runID, alreadyDone: done.count, total: plan.count,
                              shouldStop: { interrupt.requested }, record: { try store.record($0) },
                              progress: reporter.update)
        } catch {
            try? store.setStatus(runID: runID, .failed)
            throw error
        }
        if interrupt.requested {
            try store.setStatus(runID: runID, .interrupted)
            reporter.finish()
            FileHandle.standardError.write(Data("interrupted: run \(runID) kept its finished trials; continue with --resume\n".utf8))
            Foundation.exit(130)
        }
        try store.setStatus(runID: runID, .finished)
        reporter.finish()
        try RunSummaryPrinter.print(store: store, runID: runID, databasePath: database.db,
                                    seconds: Date().timeIntervalSince(started))
    }

    /// Grid-level KV reuse: every prompt of the run is one haystack with needles spliced in, so
    /// the haystack (as long as the longest pending prompt) is prefilled once here and each trial
    /// computes only what its needles and question reach. Skipped for Transformers, with
    /// --no-kv-reuse, and when a second KV cache would not fit in memory.
    private func makeSpliceBase(model: Model, options: SessionOptions, builder: PromptBuilder,
                                pending: [TrialKey], capacity: Int) throws -> SpliceBase? {
        // One cell gains nothing: the base would cost what its own prefill costs.
        guard !noKVReuse, model.config.architecture == .yoco, pending.count > 1, let longest = pending.map(\.length).max() else { return nil }
        guard MemoryCheck.fits(model: model, options: options, capacity: capacity, baseTokens: longest,
                               maxMemory: maxMemory.flatMap(ByteSize.parse)) else {
            FileHandle.standardError.write(Data("note: no memory for a second KV cache; prefilling each prompt on its own\n".utf8))
            return nil
        }
        let started = Date()
        let base = try SpliceBase(model: model, tokens: builder.needleFreeContext(length: longest), options: options)
        FileHandle.standardError.write(Data(String(format: "prefilled the shared haystack (%@ tokens) once in %.1f s for KV reuse\n",
                                                   Lengths.label(longest), Date().timeIntervalSince(started)).utf8))
        return base
    }
}
