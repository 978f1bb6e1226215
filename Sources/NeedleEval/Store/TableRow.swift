import Foundation

/// The current row of a statement that selected `Column.selectList(prefix:)`, read column by
/// column with the type the record needs. A value of another type (text in an INTEGER column, an
/// unknown status, a time that does not parse) throws `StoreError.invalidValue` naming the table,
/// column and row: SQLite's own conversions would silently read it as 0 or "", and a record
/// made of invented values is worse than an error.
struct TableRow<Column: TableColumn> {
    let statement: Statement
    /// The database file, for errors.
    let path: String

    /// The row's rowid (`runs.id` for runs), selected first by `selectList`.
    var rowID: Int64 { statement.int64(at: 0) }

    /// The value as stored.
    func value(_ column: Column) -> DatabaseValue { statement.value(at: column.rawValue + 1) }

    func isNull(_ column: Column) -> Bool { statement.isNull(at: column.rawValue + 1) }

    func text(_ column: Column) throws -> String {
        let stored = value(column)
        guard case .text(let text) = stored else { throw invalid(column, stored, "expected text") }
        return text
    }

    /// Text, or nil for NULL.
    func optionalText(_ column: Column) throws -> String? {
        isNull(column) ? nil : try text(column)
    }

    func int64(_ column: Column) throws -> Int64 {
        let stored = value(column)
        guard case .integer(let number) = stored else { throw invalid(column, stored, "expected an integer") }
        return number
    }

    func int(_ column: Column) throws -> Int {
        let stored = value(column)
        guard case .integer(let number) = stored, let exact = Int(exactly: number) else {
            throw invalid(column, stored, "expected an integer")
        }
        return exact
    }

    /// A REAL column; SQLite may hand back an integral value as INTEGER, which reads exactly.
    func double(_ column: Column) throws -> Double {
        switch value(column) {
        case .real(let number): return number
        case .integer(let number): return Double(number)
        case let stored: throw invalid(column, stored, "expected a number")
        }
    }

    /// 0 or 1, as the schema's CHECK constraints keep booleans.
    func bool(_ column: Column) throws -> Bool {
        let stored = value(column)
        guard case .integer(let number) = stored, number == 0 || number == 1 else {
            throw invalid(column, stored, "expected 0 or 1")
        }
        return number == 1
    }

    /// An integer column made into a `T` by `make`; nil from `make` is an error whose problem is `expected`.
    func integer<T>(_ column: Column, expected: String, _ make: (Int) -> T?) throws -> T {
        guard let result = make(try int(column)) else { throw invalid(column, value(column), expected) }
        return result
    }

    /// A time as `StoreTimestamp` writes it.
    func timestamp(_ column: Column) throws -> Date {
        try parsed(column, expected: "expected a UTC time like 2026-11-28T03:00:00.000Z", StoreTimestamp.parse)
    }

    /// A time, or nil for NULL.
    func optionalTimestamp(_ column: Column) throws -> Date? {
        isNull(column) ? nil : try timestamp(column)
    }

    /// A text column parsed by `parse`; nil from `parse` is an error whose problem is `expected`.
    func parsed<T>(_ column: Column, expected: String, _ parse: (String) -> T?) throws -> T {
        guard let result = parse(try text(column)) else { throw invalid(column, value(column), expected) }
        return result
    }

    private func invalid(_ column: Column, _ stored: DatabaseValue, _ problem: String) -> StoreError {
        .invalidValue(table: Column.table, column: column.name, rowID: rowID, value: stored,
                      problem: problem, path: path)
    }
}
