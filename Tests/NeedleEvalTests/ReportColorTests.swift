import XCTest
@testable import NeedleEval

/// The report's colour scales keep the properties docs/REPORT.md promises; the export's is unchanged.
final class ReportColorTests: XCTestCase {
    private func luminances(_ scale: HeatmapColor.Scale, steps: Int) -> [Double] {
        let domain = scale.domain
        return (0...steps).map { step in
            let value = domain.lowerBound + (domain.upperBound - domain.lowerBound) * Double(step) / Double(steps)
            return HeatmapColor.luminance(HeatmapColor.rgb(value, scale: scale))
        }
    }

    /// Lighter with every step from 0 to 1, so grey print keeps the order.
    func testCividisLuminanceRisesMonotonically() {
        let l = luminances(.cividis, steps: 200)
        for (a, b) in zip(l, l.dropFirst()) { XCTAssertLessThan(a, b) }
        XCTAssertGreaterThan(l.last! - l.first!, 0.7)
    }

    /// Light in the middle (no difference), darker towards either end.
    func testDivergingScaleIsLightestAtZero() {
        let l = luminances(.purpleOrange, steps: 200)
        for i in 0..<100 { XCTAssertLessThan(l[i], l[i + 1]) }
        for i in 100..<200 { XCTAssertGreaterThan(l[i], l[i + 1]) }
        XCTAssertEqual(HeatmapColor.hex(0, scale: .purpleOrange), "#f7f7f7")
    }

    /// The export's red→yellow→green colours as docs/HEATMAP_FORMATS.md gives them.
    func testExportScaleIsUnchanged() {
        XCTAssertEqual(HeatmapColor.hex(0), "#d73027")
        XCTAssertEqual(HeatmapColor.hex(0.5), "#fee08b")
        XCTAssertEqual(HeatmapColor.hex(1), "#1a9850")
        XCTAssertEqual(HeatmapColor.hex(0.25), "#eb8859")
        XCTAssertEqual(HeatmapColor.hex(.nan), "#d73027")
    }

    /// Cell text is white on the dark end of cividis and black on the light end.
    func testCellTextContrasts() {
        XCTAssertEqual(HeatmapColor.textHex(on: HeatmapColor.rgb(0, scale: .cividis)), "#ffffff")
        XCTAssertEqual(HeatmapColor.textHex(on: HeatmapColor.rgb(1, scale: .cividis)), "#000000")
    }
}
