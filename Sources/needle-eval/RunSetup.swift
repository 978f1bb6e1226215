import Foundation
import NeedleEval

/// The version recorded with every run.
let toolVersion = "needle-eval 0.1.0"

/// Finds the run to continue (`--resume`) or records a new one.
enum RunSetup {
    static func openRun(store: ResultsStore, spec: TaskSpec, plan: TrialPlan, modelPath: String,
                        resume: Bool, options: String) throws -> RunRecord {
        let weights = URL(fileURLWithPath: modelPath).appendingPathComponent("model.safetensors").path
        let modelSHA = try SHA256.hex(fileAt: weights)
        // The spec as run (command-line --needles included); seed and grid are columns of their own.
        let taskHash = SHA256.hex(spec.json)
        if resume {
            if let run = try store.findResumableRun(modelSHA256: modelSHA, taskHash: taskHash,
                                                    gridJSON: plan.json, seed: spec.seed) {
                try store.setStatus(runID: run.id!, .running)
                return run
            }
            FileHandle.standardError.write(Data("no unfinished run of this model, task and grid to resume; starting a new one\n".utf8))
        }
        var run = RunRecord(
            modelPath: modelPath, modelSHA256: modelSHA, taskName: spec.name, taskJSON: spec.json,
            taskHash: taskHash, gridJSON: plan.json, seed: spec.seed, toolVersion: toolVersion,
            host: ProcessInfo.processInfo.hostName, optionsJSON: options)
        run.id = try store.createRun(run)
        return run
    }
}

/// What `run` prints at the end: the heatmap, accuracy overall and per length, time, run id,
/// and the CSV/SVG written next to the database.
enum RunSummaryPrinter {
    static func print(store: ResultsStore, runID: Int64, databasePath: String, seconds: Double) throws {
        let cells = try store.heatmapCells(runID: runID)
        let color = isatty(STDOUT_FILENO) == 1
        Swift.print(TerminalHeatmap.render(cells: cells, color: color))
        let trials = cells.reduce(0) { $0 + $1.trials }, correct = cells.reduce(0) { $0 + $1.correct }
        Swift.print(String(format: "accuracy %.3f (%d/%d trials)", Double(correct) / Double(max(trials, 1)), correct, trials))
        let lengths = Set(cells.map(\.length)).sorted()
        let perLength = lengths.map { l -> String in
            let c = cells.filter { $0.length == l }
            let t = c.reduce(0) { $0 + $1.trials }, k = c.reduce(0) { $0 + $1.correct }
            return "\(Lengths.label(l)) \(String(format: "%.2f", Double(k) / Double(max(t, 1))))"
        }
        Swift.print("per length: " + perLength.joined(separator: "  "))
        let base = URL(fileURLWithPath: databasePath).deletingPathExtension().path + "-run\(runID)-heatmap"
        try AtomicFileWriter.write(try HeatmapExport.render(store: store, runID: runID, format: .csv, long: false), to: base + ".csv")
        try AtomicFileWriter.write(try HeatmapExport.render(store: store, runID: runID, format: .svg, long: false), to: base + ".svg")
        Swift.print(String(format: "run %lld finished in %.1f s; database %@", runID, seconds, databasePath))
        Swift.print("heatmap: \(base).csv  \(base).svg")
    }
}
