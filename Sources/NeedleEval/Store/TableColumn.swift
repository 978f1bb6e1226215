/// The columns of one results table, one enum case per column in the table's order: the single
/// list of that table's column names. SELECT lists, INSERT statements and decoding are all built
/// from it, so a column cannot be added to one and forgotten in another; `StoreColumnTests`
/// checks the list against the schema the migrations build (docs/DATABASE.md).
///
/// Conforming enums are `Int`-backed with cases declared without raw values, so a case's raw
/// value is its position in the table: reading a column is an array index, not a lookup, which
/// matters when `trials(runID:)` decodes 100,000 rows.
protocol TableColumn: RawRepresentable, CaseIterable, Sendable where RawValue == Int, AllCases == [Self] {
    /// The record one row of the table becomes.
    associatedtype Record

    /// The table's name in SQL.
    static var table: String { get }
    /// The column's name in SQL.
    var name: String { get }
    /// False for a column SQLite fills in on INSERT (`runs.id`): left out of the INSERT.
    var isWritten: Bool { get }
    /// What `record` stores in this column.
    func value(in record: Record) -> DatabaseValue
    /// The record in `row`, refusing any value it cannot represent (`StoreError.invalidValue`).
    static func decode(_ row: TableRow<Self>) throws -> Record
}

extension TableColumn {
    var isWritten: Bool { true }

    /// The SELECT list that `decode` reads: `rowid` first (to name the row in errors), then every
    /// column in order, each name after `prefix` (a table alias such as "r.").
    static func selectList(prefix: String = "") -> String {
        ([prefix + "rowid"] + allCases.map { prefix + $0.name }).joined(separator: ", ")
    }

    /// How many result columns `selectList` makes; a query's own columns come after them.
    static var selectedCount: Int { allCases.count + 1 }

    /// INSERT of every written column, with one `?` each, bound by `bindInsert`.
    static var insertSQL: String {
        let written = allCases.filter(\.isWritten)
        return "INSERT INTO \(table) (\(written.map(\.name).joined(separator: ", ")))"
            + " VALUES (\(Array(repeating: "?", count: written.count).joined(separator: ", ")))"
    }

    /// Binds `record` to a statement prepared from `insertSQL`.
    static func bindInsert(_ record: Record, to statement: Statement) throws {
        for (offset, column) in allCases.filter(\.isWritten).enumerated() {
            try statement.bind(column.value(in: record), at: offset + 1)
        }
    }

    /// The record in the current row of `statement`, which selected `selectList(prefix:)` first.
    static func decode(_ statement: Statement, path: String) throws -> Record {
        try decode(TableRow(statement: statement, path: path))
    }
}
