import CSQLite

/// The rows of one SELECT (or other read-only statement).
public struct QueryResult: Equatable, Sendable {
    public var sql: String
    public var columns: [String]
    public var rows: [[DatabaseValue]]
}

/// `needle-eval query`: SQL against a results file that can never change it. Three locks: the
/// file is opened SQLITE_OPEN_READONLY, `PRAGMA query_only` is on, and every statement is checked
/// with `sqlite3_stmt_readonly` before any runs, so a script with one write runs nothing.
public enum ReadOnlyQuery {
    public static func run(_ sql: String, path: String, busyTimeoutMs: Int32 = 10_000) throws -> [QueryResult] {
        let database = try Database(path: path, readOnly: true, busyTimeoutMs: busyTimeoutMs)
        try database.execute("PRAGMA query_only = ON")
        let statements = try database.statements(in: sql) { statement in
            guard statement.isReadOnly else {
                throw DatabaseError(
                    resultCode: SQLITE_READONLY,
                    message: "needle-eval query only reads; this statement would change the database",
                    sql: statement.sql, path: path,
                    fix: "run SELECT statements only (change the file with the sqlite3 shell if you must)")
            }
        }
        guard !statements.isEmpty else {
            throw DatabaseError(resultCode: SQLITE_MISUSE, message: "no SQL statement given", path: path,
                                fix: "pass a statement, e.g. needle-eval query \"SELECT * FROM runs\"")
        }
        return try statements.map { statement in
            var rows: [[DatabaseValue]] = []
            let count = statement.columnCount
            while try statement.step() { rows.append((0..<count).map(statement.value(at:))) }
            return QueryResult(sql: statement.sql, columns: statement.columnNames, rows: rows)
        }
    }
}
