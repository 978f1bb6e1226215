import Foundation

/// One SQLite value, as stored (SQLite's five storage classes).
public enum DatabaseValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)

    /// The value as a person reads it in a table or CSV: NULL is empty, blobs are hex.
    public var displayText: String {
        switch self {
        case .null: return ""
        case .integer(let v): return String(v)
        case .real(let v): return Self.format(v)
        case .text(let v): return v
        case .blob(let v): return "x'" + v.map { String(format: "%02x", $0) }.joined() + "'"
        }
    }

    /// Doubles print as the sqlite3 shell does: integral values keep ".0", others 15 significant digits.
    private static func format(_ v: Double) -> String {
        if v.isFinite && v == v.rounded() && abs(v) < 1e15 { return String(format: "%.1f", v) }
        return String(format: "%.15g", v)
    }
}
