import Foundation

/// The store's side of `needle-eval score` (`AnswerImport`).
extension ResultsStore {
    /// The latest imported run (`backend = offline`) of this model and prompt-file definition, in
    /// any status: a finished one is matched too, so importing its answers again adds nothing.
    public func findImportedRun(modelSHA256: String, definition: PromptRunDefinition) throws -> RunRecord? {
        let statement = try database.prepare("""
            SELECT \(RunColumn.selectList()) FROM runs WHERE backend = :backend AND model_sha256 = :model
              AND task_hash = :task AND grid_json = :grid AND seed = :seed
              AND tokenizer_name = :tokenizer AND tokenizer_sha256 = :tokenizer_sha
            ORDER BY id DESC LIMIT 1
            """)
        try statement.bind(RunRecord.offline, named: "backend")
        try statement.bind(modelSHA256, named: "model")
        try statement.bind(definition.taskHash, named: "task")
        try statement.bind(definition.gridJSON, named: "grid")
        try statement.bind(Int64(bitPattern: definition.seed), named: "seed")
        try statement.bind(definition.tokenizerName, named: "tokenizer")
        try statement.bind(definition.tokenizerSHA256, named: "tokenizer_sha")
        return try statement.step() ? RunColumn.decode(statement, path: path) : nil
    }

    /// In one transaction: creates `run` when it has no id, inserts `trials` (their run ids are
    /// set here), and sets the run's status, `finished_at` and answers file. All or nothing.
    public func recordImport(run: RunRecord, trials: [TrialRecord], status: RunStatus,
                             answersPath: String, answersSHA256: String, at date: Date) throws -> Int64 {
        try database.writeTransaction {
            let runID = try run.id ?? insertRun(run)
            try insertTrials(trials, runID: runID)
            let update = try database.prepare("""
                UPDATE runs SET status = ?, finished_at = ?, answers_path = ?, answers_sha256 = ? WHERE id = ?
                """)
            try update.bind([status.rawValue, StoreTimestamp.format(date), answersPath, answersSHA256, runID])
            try update.run()
            return runID
        }
    }

    /// Inserts `trials` as trials of `runID`, inside the caller's transaction. A cell the run
    /// already has is `StoreError.duplicateTrial`.
    func insertTrials(_ trials: [TrialRecord], runID: Int64) throws {
        let insert = try database.prepare(TrialColumn.insertSQL)
        for var trial in trials {
            trial.runID = runID
            try TrialColumn.bindInsert(trial, to: insert)
            do { try insert.run() } catch let error as DatabaseError where error.resultCode == DatabaseError.constraintUnique {
                throw StoreError.duplicateTrial(runID: runID, key: trial.key, path: path)
            }
            insert.reset()
        }
    }
}
