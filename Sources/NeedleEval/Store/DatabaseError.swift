import CSQLite
import Foundation

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
        var error = DatabaseError(resultCode: code, message: message, sql: sql, path: path)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if let problem = storageProblem(code, systemErrno: handle.map { sqlite3_system_errno($0) } ?? 0, folder: folder) {
            // SQLite's own words ("unable to open database file", "database or disk is full")
            // do not say which disk or what to do; a full or read-only filesystem is common enough
            // on clusters to deserve its own message.
            error.message = problem.message(folder: folder)
            error.fix = fix(for: problem)
        }
        return error
    }

    /// The full or read-only filesystem behind result `code`, if that is what it means. SQLITE_FULL
    /// always is; I/O, open and read-only errors are when the OS said so (errno) or the folder's
    /// mount says so now.
    private static func storageProblem(_ code: Int32, systemErrno: Int32, folder: String) -> StorageProblem? {
        switch code & 0xFF {
        case SQLITE_FULL:
            return .diskFull
        case SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_READONLY:
            return StorageProblem(errno: systemErrno) ?? StorageProblem.ofFolder(folder)
        default:
            return nil
        }
    }

    private static func fix(for problem: StorageProblem) -> String {
        switch problem {
        case .diskFull:
            return "free space on that filesystem (or move the file to a disk with room and point --db at it);"
                + " committed trials are kept, so `needle-eval run --resume` with the same flags continues the run"
        case .readOnly:
            return "use a file on a writable filesystem with --db (or remount it read-write)"
        }
    }
}
