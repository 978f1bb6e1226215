import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
import NeedleEval

/// The SVG heatmap is well-formed XML with one cell per (length, depth) and the labels docs/HEATMAP_FORMATS.md describes.
final class ExportSVGTests: XCTestCase {
    /// Collects element names, attributes and text while parsing.
    private final class Collector: NSObject, XMLParserDelegate {
        var rects: [[String: String]] = []
        var texts: [String] = []
        var rootName: String?
        private var current = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            if rootName == nil { rootName = name }
            if name == "rect" { rects.append(attributes) }
            current = ""
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "text" || name == "title" { texts.append(current) }
            current = ""
        }
    }

    private func parse(_ svg: String) throws -> Collector {
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        XCTAssertTrue(parser.parse(), "not well-formed: \(String(describing: parser.parserError))")
        return collector
    }

    func testWellFormedWithCellsLabelsAndTitle() throws {
        let grid = HeatmapGrid(
            cells: [HeatmapCell(length: 1024, depth: 0, trials: 4, correct: 4),
                    HeatmapCell(length: 1_048_576, depth: 100, trials: 4, correct: 1)],
            plannedLengths: [1024, 65536, 1_048_576], plannedDepths: [0, 50, 100])
        let title = HeatmapSVG.Title(model: "models/a<b>&\"c\"", task: "niah_single", runID: 7, trialsPerCell: 4)
        let svg = HeatmapSVG.render(grid, title: title)
        let parsed = try parse(svg)
        XCTAssertEqual(parsed.rootName, "svg")
        // Background + 9 cells + legend bar.
        XCTAssertEqual(parsed.rects.count, 11)
        XCTAssertEqual(parsed.rects.filter { $0["fill"] == "#eeeeee" }.count, 7)  // cells with no trials
        XCTAssertTrue(parsed.rects.contains { $0["fill"] == "#1a9850" })           // 4/4: green
        for label in ["1K", "64K", "1M", "0%", "50%", "100%", "1.00", "0.25"] {
            XCTAssertTrue(parsed.texts.contains { $0.hasPrefix(label) }, "missing \(label) in \(parsed.texts)")
        }
        XCTAssertTrue(parsed.texts.contains("models/a<b>&\"c\" · niah_single · run 7 · 4 trials per cell"), "\(parsed.texts)")
    }

    func testAnEmptyRunStillParses() throws {
        let svg = HeatmapSVG.render(HeatmapGrid(cells: []), title: .init(model: "m\u{1}", task: "t", runID: 1, trialsPerCell: nil))
        XCTAssertEqual(try parse(svg).rootName, "svg")
    }
}
