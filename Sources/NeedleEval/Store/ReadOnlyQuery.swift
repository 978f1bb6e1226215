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
    /// Runs every statement of `sql` against the file at `path` and returns each one's rows.
    /// A statement that would write is `StoreError.queryWouldWrite` (and nothing runs), no
    /// statement at all is `StoreError.emptyQuery`; SQLite's failures are `DatabaseError`.
    public static func run(_ sql: String, path: String, busyTimeoutMs: Int32 = 10_000) throws -> [QueryResult] {
        let database = try Database(path: path, readOnly: true, busyTimeoutMs: busyTimeoutMs)
        try database.execute("PRAGMA query_only = ON")
        let statements = try database.statements(in: sql) { statement in
            guard statement.isReadOnly else { throw StoreError.queryWouldWrite(sql: statement.sql, path: path) }
        }
        guard !statements.isEmpty else { throw StoreError.emptyQuery(path: path) }
        return try statements.map { statement in
            var rows: [[DatabaseValue]] = []
            let count = statement.columnCount
            while try statement.step() { rows.append((0..<count).map(statement.value(at:))) }
            return QueryResult(sql: statement.sql, columns: statement.columnNames, rows: rows)
        }
    }
}
