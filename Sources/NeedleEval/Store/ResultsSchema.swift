/// The results schema as ordered migrations: migration i (from 0) takes a file from
/// `PRAGMA user_version` i to i + 1. Files are never edited in place by hand; add a migration.
/// A migration that adds or drops a column must change `RunColumn` or `TrialColumn` to match
/// (`StoreColumnTests` compares them with the schema built here; see docs/DATABASE.md).
enum ResultsSchema {
    static let migrations: [String] = [version1, version2, version3, version4, version5, version6]

    static var currentVersion: Int { migrations.count }

    /// Brings the file up to `currentVersion` in one write transaction (the version is read again
    /// inside it, so two processes opening a new file at once migrate it once).
    static func migrate(_ database: Database) throws {
        if try checkedVersion(database) == currentVersion { return }
        try database.writeTransaction {
            let found = try checkedVersion(database)
            if found == 0 { try requireEmpty(database) }
            for version in found..<currentVersion {
                try database.execute(migrations[version])
                try database.setUserVersion(version + 1)
            }
        }
    }

    /// For read-only use: the file must already be at `currentVersion`.
    static func requireCurrent(_ database: Database) throws {
        let found = try checkedVersion(database)
        // Another program's file is named as such, not as an old results file.
        if found == 0 { try requireEmpty(database) }
        guard found == currentVersion else {
            throw StoreError.olderSchema(found: found, supported: currentVersion, path: database.path)
        }
    }

    /// A version-0 file is only adopted when it has no tables: another program's SQLite file is
    /// refused, not filled with our tables.
    private static func requireEmpty(_ database: Database) throws {
        let statement = try database.prepare("SELECT count(*) FROM sqlite_master")
        guard try statement.step(), statement.int(at: 0) == 0 else {
            throw StoreError.notResultsDatabase(path: database.path)
        }
    }

    /// The file's version, refusing one written by a newer needle-eval (its schema is unknown here).
    private static func checkedVersion(_ database: Database) throws -> Int {
        let found = try database.userVersion()
        guard found <= currentVersion else {
            throw StoreError.newerSchema(found: found, supported: currentVersion, path: database.path)
        }
        return found
    }

    /// Version 1: runs and their trials.
    static let version1 = """
        CREATE TABLE runs (
            id            INTEGER PRIMARY KEY,
            model_path    TEXT NOT NULL,
            model_sha256  TEXT NOT NULL,
            task_name     TEXT NOT NULL,
            task_json     TEXT NOT NULL,
            task_hash     TEXT NOT NULL,
            grid_json     TEXT NOT NULL,   -- {"depths":[...],"lengths":[...],"trials":N}
            seed          INTEGER NOT NULL, -- UInt64 bit pattern
            tool_version  TEXT NOT NULL,
            host          TEXT NOT NULL,
            status        TEXT NOT NULL
                          CHECK (status IN ('running', 'finished', 'interrupted', 'failed')),
            started_at    TEXT NOT NULL,   -- ISO 8601 UTC, e.g. 2026-11-28T03:00:00.000Z
            finished_at   TEXT
        );
        CREATE TABLE trials (
            run_id              INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            length              INTEGER NOT NULL CHECK (length > 0),   -- tokens
            depth               INTEGER NOT NULL CHECK (depth BETWEEN 0 AND 100), -- percent
            trial               INTEGER NOT NULL CHECK (trial >= 0),  -- index in the cell
            keys_json           TEXT NOT NULL,
            expected_json       TEXT NOT NULL,
            output              TEXT NOT NULL,
            correct             INTEGER NOT NULL CHECK (correct IN (0, 1)),
            score               REAL NOT NULL,   -- partial credit in [0, 1]
            prompt_tokens       INTEGER NOT NULL,
            needle_token_offset INTEGER NOT NULL,
            prefill_ms          REAL NOT NULL,
            decode_ms           REAL NOT NULL,
            peak_rss_bytes      INTEGER NOT NULL,
            kv_bytes            INTEGER NOT NULL,
            started_at          TEXT NOT NULL,
            finished_at         TEXT NOT NULL,
            UNIQUE (run_id, length, depth, trial)
        );
        """

    /// Version 2: run options (threads, chunk size, ...) and an index for finding a run to resume.
    static let version2 = """
        ALTER TABLE runs ADD COLUMN options_json TEXT NOT NULL DEFAULT '{}';
        CREATE INDEX runs_by_model_task ON runs (model_sha256, task_hash, status);
        """

    /// Version 3: the tokenizer prompts were measured with (name, SHA-256 of its file), matched by
    /// --resume. Earlier runs get empty strings: they were all measured with the model's own
    /// byte tokenizer, and resuming one fills them in.
    static let version3 = """
        ALTER TABLE runs ADD COLUMN tokenizer_name TEXT NOT NULL DEFAULT '';
        ALTER TABLE runs ADD COLUMN tokenizer_sha256 TEXT NOT NULL DEFAULT '';
        """

    /// Version 4: where a run's answers came from. `backend` is `in-process` for `needle-eval run`
    /// (every earlier run) and `offline` for answers imported by `needle-eval score`, which also
    /// records the answers file (as given) and its SHA-256 — of the last file that added trials.
    static let version4 = """
        ALTER TABLE runs ADD COLUMN backend TEXT NOT NULL DEFAULT 'in-process';
        ALTER TABLE runs ADD COLUMN answers_path TEXT NOT NULL DEFAULT '';
        ALTER TABLE runs ADD COLUMN answers_sha256 TEXT NOT NULL DEFAULT '';
        """

    /// Version 5: runs answered by a server (`backend` = `http`) and trials that could not be
    /// answered. A run records the server's base URL (credentials stripped), the served model's
    /// name, the API kind, where its tokens came from (`server` or a file) and what the server said
    /// about itself (JSON). A trial has a status: `ok`, or `error` when every attempt failed (its
    /// `error` text says why; accuracy and heatmaps leave it out and `--resume` retries it), the
    /// HTTP attempts it took, its latency, time to first token (when streamed), the tokens the
    /// model generated and the prompt tokens its server reused from a cache. Earlier trials are
    /// `ok` with one attempt.
    static let version5 = """
        ALTER TABLE runs ADD COLUMN base_url TEXT NOT NULL DEFAULT '';
        ALTER TABLE runs ADD COLUMN served_model TEXT NOT NULL DEFAULT '';
        ALTER TABLE runs ADD COLUMN api TEXT NOT NULL DEFAULT '';
        ALTER TABLE runs ADD COLUMN tokenizer_source TEXT NOT NULL DEFAULT '';
        ALTER TABLE runs ADD COLUMN server_json TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE trials ADD COLUMN status TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'error'));
        ALTER TABLE trials ADD COLUMN error TEXT NOT NULL DEFAULT '';
        ALTER TABLE trials ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE trials ADD COLUMN latency_ms REAL NOT NULL DEFAULT 0;
        ALTER TABLE trials ADD COLUMN ttft_ms REAL;
        ALTER TABLE trials ADD COLUMN completion_tokens INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE trials ADD COLUMN cached_tokens INTEGER NOT NULL DEFAULT 0;
        """

    /// Version 6: which shard of its grid a run evaluates (`run --shard I/N`, docs/SHARDING.md):
    /// shard `shard_index` of `shard_count`, from 1. Earlier runs, and every unsharded or merged
    /// run, are 1 of 1 (the whole grid). `--resume` matches them too, so a shard resumes only itself.
    static let version6 = """
        ALTER TABLE runs ADD COLUMN shard_index INTEGER NOT NULL DEFAULT 1 CHECK (shard_index >= 1);
        ALTER TABLE runs ADD COLUMN shard_count INTEGER NOT NULL DEFAULT 1 CHECK (shard_count >= shard_index);
        """
}
