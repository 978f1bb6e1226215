import Foundation

/// One run as the report shows it: its row of `runs`, its heatmap cells and per-length figures.
struct ReportRun {
    var record: RunRecord
    var id: Int64
    /// Answered (`ok`) trials per (length, depth); `error` trials are only counted, in `errors`.
    var cells: [HeatmapCell]
    var errors: Int
    var lengths: [LengthStats]
    /// The task spec's needle count as run (`--needles` is written into the stored spec); 1 when the
    /// spec does not say, as `TaskSpec` defaults it.
    var needles: Int

    init(store: ResultsStore, id: Int64) throws {
        guard let record = try store.run(id: id) else { throw StoreError.runNotFound(id: id, path: store.path) }
        self.record = record
        self.id = id
        cells = try store.heatmapCells(runID: id)
        errors = try store.errorTrials(runID: id)
        lengths = try store.lengthStats(runID: id)
        let spec = try? JSONSerialization.jsonObject(with: Data(record.taskJSON.utf8)) as? [String: Any]
        needles = (spec?["needles"] as? Int) ?? 1
    }

    var trials: Int { cells.reduce(0) { $0 + $1.trials } }
    var correct: Int { cells.reduce(0) { $0 + $1.correct } }

    /// The model's short name: the served model for a server, else the model folder's name.
    var modelName: String {
        if !record.server.servedModel.isEmpty { return record.server.servedModel }
        let name = URL(fileURLWithPath: record.modelPath).lastPathComponent
        return name.isEmpty ? record.modelPath : name
    }

    /// `run ID · MODEL`: how figures and tables name the run.
    var label: String { "run \(id) · \(modelName)" }

    /// Seconds from the run's creation to its last status change; nil while it is running. A run
    /// stopped and resumed later counts the pause too.
    var wallSeconds: Double? {
        record.finishedAt.map { $0.timeIntervalSince(record.startedAt) }
    }

    /// The largest peak resident memory of any answered trial, 0 when none recorded one.
    var peakRSSBytes: Int { lengths.map(\.peakRSSBytes).max() ?? 0 }
}
