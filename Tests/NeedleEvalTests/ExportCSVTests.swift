import XCTest
import NeedleEval

/// The heatmap CSV layouts of docs/HEATMAP_FORMATS.md, checked against golden text.
final class ExportCSVTests: XCTestCase {
    /// Two lengths × three depths; (2048, 50) never ran; 4096 is planned but has no trials yet.
    private let grid = HeatmapGrid(
        cells: [
            HeatmapCell(length: 2048, depth: 0, trials: 10, correct: 8),
            HeatmapCell(length: 1024, depth: 0, trials: 10, correct: 10),
            HeatmapCell(length: 1024, depth: 50, trials: 10, correct: 5),
            HeatmapCell(length: 1024, depth: 100, trials: 3, correct: 0),
            HeatmapCell(length: 2048, depth: 100, trials: 3, correct: 2),
        ],
        plannedLengths: [1024, 2048, 4096], plannedDepths: [0, 50, 100])

    func testWideLayout() {
        XCTAssertEqual(HeatmapCSV.wide(grid), """
            depth_percent,1024,2048,4096
            0,1.000,0.800,
            50,0.500,,
            100,0.000,0.667,

            """)
    }

    func testLongLayoutWithWilsonIntervals() {
        XCTAssertEqual(HeatmapCSV.long(grid), """
            length,depth_percent,trials,correct,accuracy,ci_low,ci_high
            1024,0,10,10,1.000,0.722,1.000
            1024,50,10,5,0.500,0.237,0.763
            1024,100,3,0,0.000,0.000,0.562
            2048,0,10,8,0.800,0.490,0.943
            2048,100,3,2,0.667,0.208,0.939

            """)
    }

    func testEmptyGridHasOnlyHeaders() {
        let empty = HeatmapGrid(cells: [])
        XCTAssertEqual(HeatmapCSV.wide(empty), "depth_percent\n")
        XCTAssertEqual(HeatmapCSV.long(empty), "length,depth_percent,trials,correct,accuracy,ci_low,ci_high\n")
    }

    func testRFC4180Quoting() {
        XCTAssertEqual(CSV.row(["plain", "a,b", "say \"hi\"", "two\nlines", ""]),
                       "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\n")
    }

    func testWilsonKnownValues() throws {
        let eightOfTen = try XCTUnwrap(WilsonInterval(successes: 8, trials: 10))
        XCTAssertEqual(eightOfTen.low, 0.4902, accuracy: 1e-4)
        XCTAssertEqual(eightOfTen.high, 0.9433, accuracy: 1e-4)
        let none = try XCTUnwrap(WilsonInterval(successes: 0, trials: 10))
        XCTAssertEqual(none.low, 0, accuracy: 1e-12)
        XCTAssertEqual(none.high, 0.2775, accuracy: 1e-4)
        let all = try XCTUnwrap(WilsonInterval(successes: 100, trials: 100))
        XCTAssertEqual(all.low, 0.9630, accuracy: 1e-4)
        XCTAssertEqual(all.high, 1, accuracy: 1e-12)
        XCTAssertNil(WilsonInterval(successes: 0, trials: 0))
        XCTAssertNil(WilsonInterval(successes: 3, trials: 2))
    }
}
