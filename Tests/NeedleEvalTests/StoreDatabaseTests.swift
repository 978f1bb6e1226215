import Foundation
import XCTest
import NeedleEval

/// The thin SQLite layer: statements, binding, values, errors.
final class StoreDatabaseTests: XCTestCase {
    func testBindsByIndexAndNameAndReadsBack() throws {
        let path = try makeTemporaryFolder(self).appendingPathComponent("t.sqlite").path
        let db = try Database(path: path)
        try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)")
        let insert = try db.prepare("INSERT INTO t VALUES (?, ?, :s, @b, ?)")
        try insert.bind(7, at: 1)
        try insert.bind(2.5, at: 2)
        try insert.bind("héllo, \"world\"", named: "s")
        try insert.bind(Data([0, 1, 255]), named: "@b")
        try insert.bind(nil, at: 5)
        try insert.run()
        XCTAssertEqual(db.changes, 1)
        XCTAssertEqual(db.lastInsertRowID, 1)

        let select = try db.prepare("SELECT i, r, s, b, n FROM t")
        XCTAssertTrue(select.isReadOnly)
        XCTAssertEqual(select.columnNames, ["i", "r", "s", "b", "n"])
        XCTAssertTrue(try select.step())
        XCTAssertEqual(select.int(at: 0), 7)
        XCTAssertEqual(select.double(at: 1), 2.5)
        XCTAssertEqual(select.string(at: 2), "héllo, \"world\"")
        XCTAssertEqual(select.data(at: 3), Data([0, 1, 255]))
        XCTAssertTrue(select.isNull(at: 4))
        XCTAssertEqual(select.value(at: 3), .blob(Data([0, 1, 255])))
        XCTAssertEqual(select.value(at: 4).displayText, "")
        XCTAssertEqual(select.value(at: 3).displayText, "x'0001ff'")
        XCTAssertFalse(try select.step())
    }

    func testUnknownParameterNameIsAnError() throws {
        let db = try Database(path: try makeTemporaryFolder(self).appendingPathComponent("t.sqlite").path)
        let statement = try db.prepare("SELECT :a")
        XCTAssertThrowsError(try statement.bind(1, named: "b")) { error in
            XCTAssertTrue("\(error)".contains("no parameter named :b"), "\(error)")
        }
    }

    func testErrorsCarryCodeMessageSQLAndPath() throws {
        let path = try makeTemporaryFolder(self).appendingPathComponent("t.sqlite").path
        let db = try Database(path: path)
        XCTAssertThrowsError(try db.prepare("SELECT * FROM nowhere")) { error in
            let e = error as! DatabaseError
            XCTAssertEqual(e.primaryCode, 1)  // SQLITE_ERROR
            XCTAssertTrue(e.message.contains("no such table: nowhere"), e.message)
            XCTAssertEqual(e.sql, "SELECT * FROM nowhere")
            XCTAssertEqual(e.path, path)
            XCTAssertTrue(e.description.hasPrefix("\(path): no such table"), e.description)
        }
        XCTAssertThrowsError(try db.prepare("SELECT 1; SELECT 2")) { error in
            XCTAssertTrue("\(error)".contains("expected one SQL statement, found 2"), "\(error)")
        }
    }

    func testAMissingFileIsNotCreatedWhenNotAskedTo() throws {
        let path = try makeTemporaryFolder(self).appendingPathComponent("missing.sqlite").path
        for readOnly in [true, false] {
            XCTAssertThrowsError(try Database(path: path, readOnly: readOnly, create: false)) { error in
                XCTAssertEqual((error as! DatabaseError).primaryCode, 14)  // SQLITE_CANTOPEN
                XCTAssertTrue("\(error)".contains("no such database file"), "\(error)")
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    func testAFileThatIsNotSQLiteIsRefusedAtOpen() throws {
        let url = try makeTemporaryFolder(self).appendingPathComponent("notes.sqlite")
        try Data(String(repeating: "not a database\n", count: 100).utf8).write(to: url)
        for readOnly in [true, false] {
            XCTAssertThrowsError(try Database(path: url.path, readOnly: readOnly)) { error in
                let e = error as! DatabaseError
                XCTAssertEqual(e.primaryCode, 26)  // SQLITE_NOTADB
                XCTAssertNil(e.sql)
                XCTAssertTrue(e.description.contains("not SQLite"), e.description)
            }
        }
    }

    func testWriteTransactionRollsBackOnError() throws {
        let db = try Database(path: try makeTemporaryFolder(self).appendingPathComponent("t.sqlite").path)
        try db.execute("CREATE TABLE t (x INTEGER UNIQUE)")
        XCTAssertThrowsError(try db.writeTransaction {
            try db.execute("INSERT INTO t VALUES (1)")
            try db.execute("INSERT INTO t VALUES (1)")
        })
        let count = try db.prepare("SELECT count(*) FROM t")
        XCTAssertTrue(try count.step())
        XCTAssertEqual(count.int(at: 0), 0)
    }

    func testTimestampsRoundTripToTheMillisecond() {
        let date = Date(timeIntervalSince1970: 1_800_000_000.125)
        XCTAssertEqual(StoreTimestamp.format(date), "2027-01-15T08:00:00.125Z")
        XCTAssertEqual(StoreTimestamp.parse("2027-01-15T08:00:00.125Z"), date)
        XCTAssertEqual(StoreTimestamp.parse("2027-01-15T08:00:00Z"), Date(timeIntervalSince1970: 1_800_000_000))
        XCTAssertEqual(StoreTimestamp.format(Date(timeIntervalSince1970: -0.5)), "1969-12-31T23:59:59.500Z")
        XCTAssertNil(StoreTimestamp.parse("yesterday"))
        XCTAssertNil(StoreTimestamp.parse("2027-01-15 08:00:00.125Z"))
    }

    /// Every millisecond survives Date → text → Date → text, so a record reads back equal.
    func testEveryMillisecondRoundTripsExactly() {
        for base in [0.0, 1_800_000_000.0, -86_400.0] {
            for millis in 0..<1000 {
                let date = Date(timeIntervalSince1970: base + Double(millis) / 1000)
                let text = StoreTimestamp.format(date)
                XCTAssertTrue(text.hasSuffix(String(format: ".%03dZ", millis)), text)
                XCTAssertEqual(StoreTimestamp.parse(text), date, text)
                XCTAssertEqual(StoreTimestamp.parse(text).map(StoreTimestamp.format), text)
            }
        }
    }

    /// A well-formed time that does not exist is refused, not moved to a neighbouring day.
    func testImpossibleTimesDoNotParse() {
        for text in ["2026-13-01T00:00:00.000Z", "2026-02-29T00:00:00.000Z", "2026-04-31T00:00:00Z",
                     "2026-01-01T24:00:00.000Z", "2026-01-01T00:60:00.000Z", "2026-01-01T00:00:60.000Z",
                     "2026-00-10T00:00:00.000Z", "2026-01-00T00:00:00.000Z"] {
            XCTAssertNil(StoreTimestamp.parse(text), text)
        }
        XCTAssertNotNil(StoreTimestamp.parse("2028-02-29T23:59:59.999Z"))  // a leap day
    }
}
