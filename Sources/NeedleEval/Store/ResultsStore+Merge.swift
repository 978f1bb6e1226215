import Foundation

/// The store's side of `needle-eval merge` (`ShardMerge`).
extension ResultsStore {
    /// In one transaction: creates `run` when it has no id (else sets its status and
    /// `finished_at`), replaces the `error` rows of the cells in `trials` and inserts `trials`.
    /// All or nothing. Returns the run's id.
    func recordMerge(run: RunRecord, trials: [TrialRecord]) throws -> Int64 {
        try database.writeTransaction {
            let runID = try run.id ?? insertRun(run)
            if run.id != nil {
                let update = try database.prepare("UPDATE runs SET status = ?, finished_at = ? WHERE id = ?")
                try update.bind([run.status.rawValue, run.finishedAt.map(StoreTimestamp.format), runID])
                try update.run()
            }
            for var trial in trials {
                trial.runID = runID
                try deleteErrorTrial(trial)
            }
            try insertTrials(trials, runID: runID)
            return runID
        }
    }
}
