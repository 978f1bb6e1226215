import XCTest
import NeedleEval

final class ExportTerminalTests: XCTestCase {
    private let cells = [
        HeatmapCell(length: 1024, depth: 0, trials: 10, correct: 10),
        HeatmapCell(length: 2048, depth: 0, trials: 10, correct: 9),
        HeatmapCell(length: 1024, depth: 50, trials: 10, correct: 8),
        HeatmapCell(length: 1_048_576, depth: 50, trials: 3, correct: 0),
    ]

    func testPlainText() {
        XCTAssertEqual(TerminalHeatmap.render(cells: cells, color: false), """
            depth    1K   2K   1M
                0%  100   90    ·
               50%   80    ·    0

            """)
    }

    func testColorWrapsEachCellAndResets() {
        let text = TerminalHeatmap.render(cells: cells, color: true)
        XCTAssertTrue(text.contains("\u{1B}[48;2;26;152;80m"))  // 100%: green
        XCTAssertTrue(text.contains("\u{1B}[48;2;215;48;39m"))  // 0%: red
        XCTAssertEqual(text.components(separatedBy: "\u{1B}[0m").count - 1, 4)
    }
}
