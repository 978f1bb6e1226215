import CSQLite
import Foundation

/// One connection to an SQLite file, closed in `deinit`. Statements keep it alive while they live.
public final class Database {
    /// The file, as given.
    public let path: String
    let handle: OpaquePointer
    /// How long lock waits last, in milliseconds.
    public let busyTimeoutMs: Int32

    /// Opens `path`. `readOnly` opens with SQLITE_OPEN_READONLY; otherwise read-write, creating the
    /// file only when `create` is true. A missing file is an error unless created; a file that is
    /// not SQLite is an error here rather than at the first query. Lock waits last `busyTimeoutMs`.
    public init(path: String, readOnly: Bool = false, create: Bool = true, busyTimeoutMs: Int32 = 10_000) throws {
        self.path = path
        self.busyTimeoutMs = busyTimeoutMs
        if readOnly || !create {
            guard FileManager.default.fileExists(atPath: path) else {
                throw DatabaseError(
                    resultCode: SQLITE_CANTOPEN, message: "no such database file", path: path,
                    fix: "check the path given with --db; `needle-eval run` creates the database")
            }
        }
        var opened: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0))
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            let error = DatabaseError.from(code, handle: opened, path: path)
            sqlite3_close_v2(opened)
            throw error
        }
        handle = opened
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, busyTimeoutMs)
        // Reading the schema fails now, with SQLITE_NOTADB, if the file is not a database.
        do {
            try execute("SELECT count(*) FROM sqlite_master")
        } catch var error as DatabaseError {
            error.sql = nil  // our probe, not the user's SQL
            throw error
        }
    }

    deinit { sqlite3_close_v2(handle) }

    // MARK: Statements

    /// Prepares exactly one statement.
    public func prepare(_ sql: String) throws -> Statement {
        let all = try statements(in: sql)
        guard all.count == 1 else {
            throw DatabaseError(resultCode: SQLITE_MISUSE,
                                message: "expected one SQL statement, found \(all.count)", sql: sql, path: path)
        }
        return all[0]
    }

    /// Prepares every statement of `script` in order (comments and blanks skip), calling `check`
    /// on each as soon as it is prepared, so a caller can refuse one before the next is compiled.
    public func statements(in script: String, check: (Statement) throws -> Void = { _ in }) throws -> [Statement] {
        var prepared: [Statement] = []
        try forEachStatement(in: script) { statement in
            try check(statement)
            prepared.append(statement)
        }
        return prepared
    }

    /// Runs every statement of `script` in order, each prepared just before it runs (so a script
    /// may create a table and then use it). Rows are ignored.
    public func execute(_ script: String) throws {
        try forEachStatement(in: script) { try $0.run() }
    }

    private func forEachStatement(in script: String, _ body: (Statement) throws -> Void) throws {
        let utf8 = Array(script.utf8)
        try utf8.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                var statement: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let start = UnsafeRawPointer(base + offset).assumingMemoryBound(to: CChar.self)
                let code = sqlite3_prepare_v2(handle, start, Int32(buffer.count - offset), &statement, &tail)
                let consumed = tail.map { UnsafeRawPointer($0) - UnsafeRawPointer(start) } ?? (buffer.count - offset)
                let text = String(decoding: buffer[offset..<(offset + consumed)], as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                guard code == SQLITE_OK else {
                    sqlite3_finalize(statement)
                    // The tail is not reliable after an error: show the rest of the script.
                    let rest = String(decoding: buffer[offset...], as: UTF8.self)
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                    throw DatabaseError.from(code, handle: handle, sql: rest, path: path)
                }
                if let statement { try body(Statement(handle: statement, sql: text, database: self)) }
                guard consumed > 0 else { break }
                offset += consumed
            }
        }
    }

    // MARK: Transactions and connection state

    /// Runs `body` in a write transaction. BEGIN IMMEDIATE takes the write lock first (waiting up to
    /// the busy timeout), so two writers queue instead of one failing with SQLITE_BUSY mid-way.
    /// Any error rolls back.
    public func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        try exec("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try exec("COMMIT")
            return value
        } catch {
            if sqlite3_get_autocommit(handle) == 0 { try? exec("ROLLBACK") }
            throw error
        }
    }

    /// Runs `body` again while it fails with SQLITE_BUSY, up to the busy timeout. For the few
    /// operations SQLite fails at once instead of calling its busy handler, such as switching a
    /// new file to WAL while another process is creating it.
    public func retryingWhileBusy<T>(_ body: () throws -> T) throws -> T {
        let deadline = Date().addingTimeInterval(Double(busyTimeoutMs) / 1000)
        while true {
            do {
                return try body()
            } catch let error as DatabaseError where error.primaryCode == SQLITE_BUSY && Date() < deadline {
                usleep(5_000)
            }
        }
    }

    /// `PRAGMA user_version`: the schema version of the file.
    public func userVersion() throws -> Int {
        let statement = try prepare("PRAGMA user_version")
        return try statement.step() ? statement.int(at: 0) : 0
    }

    public func setUserVersion(_ version: Int) throws {
        try execute("PRAGMA user_version = \(version)")
    }

    /// The rowid of the last row this connection inserted.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last INSERT, UPDATE or DELETE on this connection.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// True when the connection cannot write (opened read-only).
    public var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }

    /// Short fixed statements (BEGIN, COMMIT) without the Statement wrapper.
    private func exec(_ sql: String) throws {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw DatabaseError.from(code, handle: handle, sql: sql, path: path) }
    }
}
