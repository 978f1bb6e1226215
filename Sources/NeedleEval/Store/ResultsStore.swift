import Foundation

/// The results database (docs/DATABASE.md): runs and their trials in one SQLite file.
///
/// Durability: WAL with `synchronous = NORMAL` — every `record` is its own committed transaction,
/// so a process killed at any moment (SIGKILL included) leaves every recorded trial in the file,
/// exactly once (UNIQUE on run, length, depth, trial). A power cut may lose the last few commits,
/// which a resumed run simply redoes. Writers take the lock with BEGIN IMMEDIATE and wait up to
/// 10 s for one another.
///
/// Errors: `StoreError` for the store's own refusals (unknown run, duplicate trial, a schema or a
/// stored value it cannot read), `DatabaseError` for SQLite's failures.
public final class ResultsStore {
    /// The database file, as given.
    public let path: String
    /// The connection, for queries the API does not cover.
    public let database: Database
    /// Prepared once: recording a trial is the hot path.
    private var insertTrialStatement: Statement?

    /// Opens (read-write: creates when `create`, upgrades older schemas) or opens read-only (the
    /// file must exist and be at the current schema version). A file from a newer needle-eval is
    /// refused either way.
    /// `busyTimeoutMs` is how long to wait for another process's lock before failing.
    public init(path: String, readOnly: Bool = false, create: Bool = true, busyTimeoutMs: Int32 = 10_000) throws {
        self.path = path
        database = try Database(path: path, readOnly: readOnly, create: create, busyTimeoutMs: busyTimeoutMs)
        try database.execute("PRAGMA foreign_keys = ON")
        // SQLite opens a file it may not write (permissions) read-only without failing.
        if readOnly || database.isReadOnly {
            try ResultsSchema.requireCurrent(database)
        } else {
            try database.retryingWhileBusy { try database.execute("PRAGMA journal_mode = WAL") }
            try database.execute("PRAGMA synchronous = NORMAL")
            try ResultsSchema.migrate(database)
        }
    }

    /// The schema version this build writes.
    public static var schemaVersion: Int { ResultsSchema.currentVersion }

    // MARK: Runs

    /// Inserts `run` (its `id` is ignored) and returns the new run id.
    @discardableResult
    public func createRun(_ run: RunRecord) throws -> Int64 {
        try database.writeTransaction { try insertRun(run) }
    }

    /// Inserts `run` inside the caller's transaction and returns its id.
    func insertRun(_ run: RunRecord) throws -> Int64 {
        let statement = try database.prepare(RunColumn.insertSQL)
        try RunColumn.bindInsert(run, to: statement)
        try statement.run()
        return database.lastInsertRowID
    }

    /// The latest run of this model, task, grid and shard that is not finished (and, when `seed` is
    /// given, has that seed; when `tokenizer` is given, was measured with that tokenizer or
    /// recorded before runs named theirs): the run `--resume` continues. Nil when there is none.
    public func findResumableRun(modelSHA256: String, taskHash: String, gridJSON: String,
                                 seed: UInt64? = nil, tokenizer: TokenizerIdentity? = nil,
                                 shard: Shard = .whole) throws -> RunRecord? {
        var sql = "SELECT \(RunColumn.selectList()) FROM runs WHERE model_sha256 = :model AND task_hash = :task"
            + " AND grid_json = :grid AND shard_index = :shard_index AND shard_count = :shard_count AND status != 'finished'"
        if seed != nil { sql += " AND seed = :seed" }
        // Runs from before schema version 3 have empty tokenizer columns: they were measured with
        // the model's own tokenizer, the only one `run` could use then.
        if tokenizer != nil {
            sql += " AND ((tokenizer_name = :tokenizer AND tokenizer_sha256 = :tokenizer_sha)"
                + " OR (tokenizer_name = '' AND tokenizer_sha256 = ''))"
        }
        let statement = try database.prepare(sql + " ORDER BY id DESC LIMIT 1")
        try statement.bind(modelSHA256, named: "model")
        try statement.bind(taskHash, named: "task")
        try statement.bind(gridJSON, named: "grid")
        try statement.bind(Int64(shard.index), named: "shard_index")
        try statement.bind(Int64(shard.count), named: "shard_count")
        if let seed { try statement.bind(Int64(bitPattern: seed), named: "seed") }
        if let tokenizer {
            try statement.bind(tokenizer.name, named: "tokenizer")
            try statement.bind(tokenizer.sha256, named: "tokenizer_sha")
        }
        return try statement.step() ? RunColumn.decode(statement, path: path) : nil
    }

    /// Records the tokenizer of a run that has none recorded (one from before schema version 3,
    /// being resumed). A run that already names a tokenizer keeps it.
    public func recordTokenizer(runID: Int64, _ tokenizer: TokenizerIdentity) throws {
        try database.writeTransaction {
            let statement = try database.prepare(
                "UPDATE runs SET tokenizer_name = ?, tokenizer_sha256 = ? WHERE id = ? AND tokenizer_name = '' AND tokenizer_sha256 = ''")
            try statement.bind([tokenizer.name, tokenizer.sha256, runID])
            try statement.run()
        }
    }

    /// The run with this id, or nil. A stored value that cannot be read back is
    /// `StoreError.invalidValue` (as for every method that returns records).
    public func run(id: Int64) throws -> RunRecord? {
        let statement = try database.prepare("SELECT \(RunColumn.selectList()) FROM runs WHERE id = ?")
        try statement.bind(id, at: 1)
        return try statement.step() ? RunColumn.decode(statement, path: path) : nil
    }

    /// The id of the most recently created run, or nil when there is none.
    public func latestRunID() throws -> Int64? {
        let statement = try database.prepare("SELECT max(id) FROM runs")
        guard try statement.step(), !statement.isNull(at: 0) else { return nil }
        return statement.int64(at: 0)
    }

    /// Sets a run's status; `finished_at` becomes now (or `finishedAt`) unless the status is
    /// `running`, which clears it. An unknown run is `StoreError.runNotFound`.
    public func setStatus(runID: Int64, _ status: RunStatus, finishedAt: Date = Date()) throws {
        try database.writeTransaction {
            let statement = try database.prepare("UPDATE runs SET status = ?, finished_at = ? WHERE id = ?")
            try statement.bind([status.rawValue,
                                status == .running ? nil : StoreTimestamp.format(finishedAt), runID])
            try statement.run()
            guard database.changes == 1 else { throw StoreError.runNotFound(id: runID, path: path) }
        }
    }

    /// Every run with its progress, oldest first.
    public func runs() throws -> [RunSummary] {
        let statement = try database.prepare("""
            SELECT \(RunColumn.selectList(prefix: "r.")),
                   (SELECT count(*) FROM trials t WHERE t.run_id = r.id AND t.status = 'ok'),
                   (SELECT coalesce(sum(t.correct), 0) FROM trials t WHERE t.run_id = r.id AND t.status = 'ok'),
                   (SELECT count(*) FROM trials t WHERE t.run_id = r.id AND t.status = 'error')
            FROM runs r ORDER BY r.id
            """)
        var summaries: [RunSummary] = []
        while try statement.step() {
            let run = try RunColumn.decode(statement, path: path)
            let counts = RunColumn.selectedCount  // the two counts follow the run's columns
            summaries.append(RunSummary(
                run: run, cellsDone: statement.int(at: counts), cellsTotal: run.grid?.count,
                correct: statement.int(at: counts + 1), errors: statement.int(at: counts + 2)))
        }
        return summaries
    }

    // MARK: Trials

    /// Records one finished trial in its own transaction. A trial already recorded for the same
    /// (run, length, depth, trial) is `StoreError.duplicateTrial`, never overwritten — unless it
    /// is an `error` trial, which a new attempt replaces in the same transaction; an unknown run
    /// id is `StoreError.runNotFound`.
    public func record(_ trial: TrialRecord) throws {
        let statement = try insertTrial()
        defer { statement.reset() }
        try TrialColumn.bindInsert(trial, to: statement)
        do {
            try database.writeTransaction {
                try deleteErrorTrial(trial)
                try statement.run()
            }
        } catch let error as DatabaseError where error.resultCode == DatabaseError.constraintUnique {
            // trials has one UNIQUE constraint: (run_id, length, depth, trial).
            throw StoreError.duplicateTrial(runID: trial.runID, key: trial.key, path: path)
        } catch let error as DatabaseError where error.resultCode == DatabaseError.constraintForeignKey {
            // and one foreign key: run_id.
            throw StoreError.runNotFound(id: trial.runID, path: path)
        }
    }

    /// Removes an `error` row of `trial`'s cell, which a new attempt replaces.
    func deleteErrorTrial(_ trial: TrialRecord) throws {
        let statement = try database.prepare(
            "DELETE FROM trials WHERE run_id = ? AND length = ? AND depth = ? AND trial = ? AND status = 'error'")
        try statement.bind(trial.runID, at: 1)
        try statement.bind(Int64(trial.length), at: 2)
        try statement.bind(Int64(trial.depth), at: 3)
        try statement.bind(Int64(trial.trial), at: 4)
        try statement.run()
    }

    /// The trials of a run that were answered (`ok`): what `--resume` does not ask again.
    public func completedCells(runID: Int64) throws -> Set<TrialKey> {
        let statement = try database.prepare("SELECT length, depth, trial FROM trials WHERE run_id = ? AND status = 'ok'")
        try statement.bind(runID, at: 1)
        var keys = Set<TrialKey>()
        while try statement.step() {
            keys.insert(TrialKey(length: statement.int(at: 0), depth: statement.int(at: 1),
                                 trial: statement.int(at: 2)))
        }
        return keys
    }

    /// Every trial of a run, ordered by length, depth, trial. A stored value that cannot be read
    /// back is `StoreError.invalidValue`.
    public func trials(runID: Int64) throws -> [TrialRecord] {
        let statement = try database.prepare("""
            SELECT \(TrialColumn.selectList()) FROM trials WHERE run_id = ? ORDER BY length, depth, trial
            """)
        try statement.bind(runID, at: 1)
        var trials: [TrialRecord] = []
        while try statement.step() { trials.append(try TrialColumn.decode(statement, path: path)) }
        return trials
    }

    /// Answered trials and correct answers per (length, depth) of a run, ordered by length then
    /// depth; `error` trials are left out (`errorTrials` counts them).
    public func heatmapCells(runID: Int64) throws -> [HeatmapCell] {
        let statement = try database.prepare("""
            SELECT length, depth, count(*), sum(correct) FROM trials WHERE run_id = ? AND status = 'ok'
            GROUP BY length, depth ORDER BY length, depth
            """)
        try statement.bind(runID, at: 1)
        var cells: [HeatmapCell] = []
        while try statement.step() {
            cells.append(HeatmapCell(length: statement.int(at: 0), depth: statement.int(at: 1),
                                     trials: statement.int(at: 2), correct: statement.int(at: 3)))
        }
        return cells
    }

    /// How many trials of a run could not be answered (status `error`).
    public func errorTrials(runID: Int64) throws -> Int {
        let statement = try database.prepare("SELECT count(*) FROM trials WHERE run_id = ? AND status = 'error'")
        try statement.bind(runID, at: 1)
        _ = try statement.step()
        return statement.int(at: 0)
    }

    /// Answered trials of a run whose prompt, as the model's server counted it, is not the length
    /// the grid asked for, with the smallest and largest difference (counted minus intended).
    public func promptLengthMismatches(runID: Int64) throws -> (trials: Int, smallest: Int, largest: Int) {
        let statement = try database.prepare("""
            SELECT count(*), coalesce(min(prompt_tokens - length), 0), coalesce(max(prompt_tokens - length), 0)
            FROM trials WHERE run_id = ? AND status = 'ok' AND prompt_tokens != length
            """)
        try statement.bind(runID, at: 1)
        _ = try statement.step()
        return (statement.int(at: 0), statement.int(at: 1), statement.int(at: 2))
    }

    private func insertTrial() throws -> Statement {
        if let insertTrialStatement { return insertTrialStatement }
        let statement = try database.prepare(TrialColumn.insertSQL)
        insertTrialStatement = statement
        return statement
    }
}
