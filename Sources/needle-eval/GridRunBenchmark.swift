import Foundation
import NeedleEval
import NeedleSupport
import YOCOBackend
import YOCORuntime

/// `bench --run-grid 1M`: what `run --length 1M` costs (the default grid: prompts, the shared
/// haystack's prefill, splices, answers, scoring, SQLite) against one fresh prefill of the longest
/// prompt, side by side in one process, for each decode batch size asked for.
enum GridRunBenchmark {
    struct Row: Codable {
        var decodeBatch: Int
        var seconds: Double
        var timesOnePrefill: Double
        var trials: Int
        var correct: Int
        var peakRSSBytes: Int
        /// Each cell's (length, depth, trial) and output, to compare sizes: equal answers.
        var outputsSHA256: String
    }

    struct Report: Codable {
        var model: String
        var task: String
        var cells: Int
        var oneFreshPrefillSeconds: Double
        var rows: [Row] = []
    }

    static func run(modelDirectory: String, taskPath: String, upTo length: Int, decodeBatches: [Int], options: YOCOBackend.Options,
                    row: (Row) -> Void = { _ in }, started: (Report) -> Void = { _ in }) throws -> Report {
        let grid = TaskOverrides.defaultGrid(upTo: length)
        let spec = try TaskSpec.load(path: taskPath).applying(TaskOverrides(lengths: grid.lengths, depths: grid.depths))
        let plan = spec.plan
        let longest = plan.lengths.max()!

        // One fresh prefill of the longest prompt (its middle depth), in a session of its own.
        let oneFresh: Double = try {
            let model = try Model(directory: URL(fileURLWithPath: modelDirectory))
            let builder = try PromptBuilder(spec: spec, tokenizer: model.tokenizer)
            let prompt = try builder.build(length: longest, depth: 50, trial: 0)
            let session = InferenceSession(model: model, options: SessionOptions(chunkSize: options.chunk, kvDType: options.kv,
                                                                                  threads: options.threads), capacity: prompt.tokens.count)
            let clock = Stopwatch()
            try session.prefill(prompt.tokens)
            return clock.seconds
        }()
        var report = Report(model: modelDirectory, task: taskPath, cells: plan.count, oneFreshPrefillSeconds: oneFresh)
        started(report)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("needle-eval-grid-bench-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for batch in decodeBatches {
            var o = options
            o.decodeBatch = batch
            _ = ProcessMemory.resetPeak()
            let clock = Stopwatch()
            let (trials, seconds) = try { () -> ([TrialRecord], Double) in
                let backend = try YOCOBackend(modelDirectory: modelDirectory, options: o, capacity: spec.contextCapacity(for: plan))
                let store = try ResultsStore(path: folder.appendingPathComponent("batch-\(batch).sqlite").path)
                let outcome = try EvaluationPipeline(spec: spec, plan: plan, store: store, backend: backend).run(resume: false)
                let seconds = clock.seconds
                return (try store.trials(runID: outcome.runID), seconds)
            }()
            let outputs = trials.map { "\($0.length) \($0.depth) \($0.trial) \($0.output)" }.joined(separator: "\n")
            let r = Row(decodeBatch: batch, seconds: seconds, timesOnePrefill: seconds / oneFresh, trials: trials.count,
                        correct: trials.filter(\.correct).count, peakRSSBytes: ProcessMemory.peakRSSBytes,
                        outputsSHA256: SHA256.hex(outputs))
            report.rows.append(r)
            row(r)
        }
        return report
    }
}
