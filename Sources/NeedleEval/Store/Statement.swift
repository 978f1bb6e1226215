import CSQLite
import Foundation

/// SQLite copies bound text and blobs at once (SQLITE_TRANSIENT), so Swift buffers may go away.
private let copyOnBind = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One prepared statement. It owns its `sqlite3_stmt` and finalizes it in `deinit`; it keeps its
/// connection alive so the handle is never finalized after the connection is closed.
public final class Statement {
    let handle: OpaquePointer
    /// The SQL of this one statement.
    public let sql: String
    public let database: Database

    init(handle: OpaquePointer, sql: String, database: Database) {
        self.handle = handle
        self.sql = sql
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    /// True when the statement cannot change the database file (SELECT, most PRAGMA reads).
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    public var columnNames: [String] {
        (0..<Int32(columnCount)).map { String(cString: sqlite3_column_name(handle, $0)) }
    }

    // MARK: Binding (indexes start at 1, as in SQLite)

    public func bind(_ value: DatabaseValueConvertible?, at index: Int) throws {
        let i = Int32(index)
        let code: Int32
        switch value?.databaseValue ?? .null {
        case .null: code = sqlite3_bind_null(handle, i)
        case .integer(let v): code = sqlite3_bind_int64(handle, i, v)
        case .real(let v): code = sqlite3_bind_double(handle, i, v)
        case .text(let v): code = sqlite3_bind_text(handle, i, v, -1, copyOnBind)
        case .blob(let v):
            code = v.withUnsafeBytes { bytes in
                sqlite3_bind_blob64(handle, i, bytes.baseAddress, sqlite3_uint64(bytes.count), copyOnBind)
            }
        }
        guard code == SQLITE_OK else { throw error(code) }
    }

    /// Binds `:name` (the leading `:`, `@` or `$` may be left out; `:` is assumed).
    public func bind(_ value: DatabaseValueConvertible?, named name: String) throws {
        let full = name.first.map { ":@$".contains($0) } == true ? name : ":" + name
        let index = sqlite3_bind_parameter_index(handle, full)
        guard index > 0 else {
            throw DatabaseError(resultCode: SQLITE_RANGE, message: "no parameter named \(full)",
                                sql: sql, path: database.path)
        }
        try bind(value, at: Int(index))
    }

    /// Binds `values` to parameters 1, 2, 3, ...
    public func bind(_ values: [DatabaseValueConvertible?]) throws {
        for (offset, value) in values.enumerated() { try bind(value, at: offset + 1) }
    }

    // MARK: Stepping

    /// Runs the statement to its next row: true when a row is ready, false when done.
    /// After an error the statement is reset, so it releases its locks and can run again.
    @discardableResult
    public func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let failure = error(code)
            sqlite3_reset(handle)
            throw failure
        }
    }

    /// Rewinds the statement and clears its bindings, ready to run again.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Runs the statement to completion, ignoring rows.
    public func run() throws {
        while try step() {}
    }

    // MARK: Columns of the current row (indexes start at 0)

    public func isNull(at column: Int) -> Bool {
        sqlite3_column_type(handle, Int32(column)) == SQLITE_NULL
    }

    public func int64(at column: Int) -> Int64 { sqlite3_column_int64(handle, Int32(column)) }

    public func int(at column: Int) -> Int { Int(sqlite3_column_int64(handle, Int32(column))) }

    public func double(at column: Int) -> Double { sqlite3_column_double(handle, Int32(column)) }

    public func string(at column: Int) -> String {
        guard let text = sqlite3_column_text(handle, Int32(column)) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, Int32(column)))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    public func optionalString(at column: Int) -> String? {
        isNull(at: column) ? nil : string(at: column)
    }

    public func data(at column: Int) -> Data {
        let count = Int(sqlite3_column_bytes(handle, Int32(column)))
        guard let bytes = sqlite3_column_blob(handle, Int32(column)), count > 0 else { return Data() }
        return Data(bytes: bytes, count: count)
    }

    /// The column as stored, whatever its type.
    public func value(at column: Int) -> DatabaseValue {
        switch sqlite3_column_type(handle, Int32(column)) {
        case SQLITE_INTEGER: return .integer(int64(at: column))
        case SQLITE_FLOAT: return .real(double(at: column))
        case SQLITE_TEXT: return .text(string(at: column))
        case SQLITE_BLOB: return .blob(data(at: column))
        default: return .null
        }
    }

    private func error(_ code: Int32) -> DatabaseError {
        DatabaseError.from(code, handle: database.handle, sql: sql, path: database.path)
    }
}
