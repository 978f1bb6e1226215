import CSQLite

/// A failure SQLite reported: its result code, its message, the SQL that failed (if any) and the
/// database file, with a message a user can act on. The results store's own refusals (an unknown
/// run, a newer schema, a value it cannot read) are `StoreError` instead.
public struct DatabaseError: Error, CustomStringConvertible, Equatable, Sendable {
    /// SQLite's (extended) result code, e.g. SQLITE_BUSY; `primaryCode` drops the extension.
    public var resultCode: Int32
    /// What went wrong, in SQLite's words (or ours, where we refuse before SQLite would).
    public var message: String
    /// The statement that failed, when one did.
    public var sql: String?
    /// The database file.
    public var path: String
    /// What the user can do about it; when nil, one is chosen from the result code.
    public var fix: String?

    public init(resultCode: Int32, message: String, sql: String? = nil, path: String, fix: String? = nil) {
        self.resultCode = resultCode
        self.message = message
        self.sql = sql
        self.path = path
        self.fix = fix
    }

    public var primaryCode: Int32 { resultCode & 0xFF }

    // Extended codes are function-like macros in sqlite3.h, which Swift does not import.
    public static let constraintUnique: Int32 = SQLITE_CONSTRAINT | (8 << 8)
    public static let constraintForeignKey: Int32 = SQLITE_CONSTRAINT | (3 << 8)

    public var description: String {
        var text = "\(path): \(message)"
        if let sql { text += "\n  in SQL: \(sql)" }
        if let hint = fix ?? defaultFix { text += "\n  fix: \(hint)" }
        return text
    }

    /// The usual way out for the errors users meet (locks, wrong files).
    private var defaultFix: String? {
        switch primaryCode {
        case SQLITE_BUSY, SQLITE_LOCKED:
            return "another process holds the database lock; wait for it to finish or use a different file with --db"
        case SQLITE_NOTADB:
            return "pass a needle-eval results database with --db (the file is not SQLite)"
        case SQLITE_CORRUPT:
            return "the file is damaged; restore it from a copy or start a new one with --db"
        case SQLITE_READONLY:
            return "check that the file and its folder are writable, or use a different file with --db"
        case SQLITE_CANTOPEN:
            return "check the path given with --db (it must exist and its folder must be readable)"
        default:
            return nil
        }
    }

    /// The error for result `code` on connection `handle` (which holds the message).
    static func from(_ code: Int32, handle: OpaquePointer?, sql: String? = nil, path: String) -> DatabaseError {
        let message: String
        if let handle, let text = sqlite3_errmsg(handle) {
            message = String(cString: text)
        } else {
            message = String(cString: sqlite3_errstr(code))
        }
        return DatabaseError(resultCode: code, message: message, sql: sql, path: path)
    }
}
