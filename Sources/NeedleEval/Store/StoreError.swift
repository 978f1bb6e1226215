import Foundation

/// The results store's own failures: a file, a run or a stored value that is not what needle-eval
/// expects. SQLite's failures (locks, I/O, a damaged file) are `DatabaseError`, with SQLite's
/// result code; these carry no result code because SQLite did not fail.
///
/// Like `DatabaseError`, the description names the file, says what is wrong and how to fix it.
public enum StoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No run with this id in the file (a `--run` id, or a trial recorded for an unknown run).
    case runNotFound(id: Int64, path: String)
    /// The file holds no runs, where one was needed (e.g. exporting "the latest run").
    case noRuns(path: String)
    /// The file was written by a newer needle-eval: its schema is unknown here, so it is neither
    /// read nor changed.
    case newerSchema(found: Int, supported: Int, path: String)
    /// The file has an older schema and was opened read-only, so it cannot be upgraded.
    case olderSchema(found: Int, supported: Int, path: String)
    /// An SQLite file with other tables (schema version 0): refused rather than filled with ours.
    case notResultsDatabase(path: String)
    /// The run already has a result for this trial; a recorded trial is never overwritten.
    case duplicateTrial(runID: Int64, key: TrialKey, path: String)
    /// A stored value this needle-eval cannot read (a hand edit, another tool): `table.column` of
    /// the row with this rowid holds `value`; `problem` says what was expected instead.
    case invalidValue(table: String, column: String, rowID: Int64, value: DatabaseValue, problem: String, path: String)
    /// `needle-eval query` was given a statement that would change the file.
    case queryWouldWrite(sql: String, path: String)
    /// `needle-eval query` was given no statement at all (only blanks or comments).
    case emptyQuery(path: String)

    /// The database file the error is about.
    public var path: String {
        switch self {
        case .runNotFound(_, let path), .noRuns(let path), .newerSchema(_, _, let path),
             .olderSchema(_, _, let path), .notResultsDatabase(let path), .duplicateTrial(_, _, let path),
             .invalidValue(_, _, _, _, _, let path), .queryWouldWrite(_, let path), .emptyQuery(let path):
            return path
        }
    }

    /// What is wrong, without the file name or the fix.
    public var message: String {
        switch self {
        case .runNotFound(let id, _):
            return "no run with id \(id)"
        case .noRuns:
            return "no runs in this database"
        case .newerSchema(let found, let supported, _):
            return "results schema version \(found) is newer than this needle-eval's version \(supported)"
        case .olderSchema(let found, let supported, _):
            return "results schema version \(found) is older than this needle-eval's version \(supported)"
                + " and the file is open read-only"
        case .notResultsDatabase:
            return "this SQLite file has tables but is not a needle-eval results database"
        case .duplicateTrial(let runID, let key, _):
            return "run \(runID) already has a result for \(key)"
        case .invalidValue(let table, let column, let rowID, let value, let problem, _):
            return "\(table).\(column) in row \(rowID) is \(Self.literal(value)); \(problem)"
        case .queryWouldWrite(let sql, _):
            return "needle-eval query only reads; this statement would change the database\n  in SQL: \(sql)"
        case .emptyQuery:
            return "no SQL statement given"
        }
    }

    /// What the user can do about it.
    public var fix: String {
        switch self {
        case .runNotFound(_, let path):
            return "pass an id listed by `needle-eval runs --db \(path)` (--run)"
        case .noRuns(let path):
            return "record one first with `needle-eval run --db \(path)`, or pick another file with --db"
        case .newerSchema(let found, _, _):
            return "use the newer needle-eval that wrote this file (schema version \(found)),"
                + " or a different file with --db"
        case .olderSchema(_, _, let path):
            return "upgrade the file by opening it read-write once, e.g. `needle-eval runs --db \(path)`"
        case .notResultsDatabase:
            return "pass a needle-eval results database (or a new file name) with --db"
        case .duplicateTrial:
            return "record each trial once: `needle-eval run --resume` skips the trials a run already has"
        case .invalidValue(let table, let column, let rowID, _, _, let path):
            // Values are only ever wrong after an edit outside needle-eval; say where to correct it.
            var text = "the file was changed outside needle-eval; correct the value with the sqlite3 shell,"
                + " e.g. sqlite3 \(path) \"UPDATE \(table) SET \(column) = <valid value> WHERE rowid = \(rowID)\""
            if table == "trials" { text += ", or delete that row and redo the trial with `needle-eval run --resume`" }
            return text
        case .queryWouldWrite:
            return "run SELECT statements only (change the file with the sqlite3 shell if you must)"
        case .emptyQuery:
            return "pass a statement, e.g. needle-eval query \"SELECT * FROM runs\""
        }
    }

    public var description: String { "\(path): \(message)\n  fix: \(fix)" }

    /// A stored value as SQL spells it, so the message shows exactly what is in the file
    /// ('paused', NULL, 42) and the text can be pasted into a WHERE clause.
    private static func literal(_ value: DatabaseValue) -> String {
        switch value {
        case .null: return "NULL"
        case .text(let text): return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        case .integer, .real, .blob: return value.displayText
        }
    }
}
