import Foundation
import XCTest
@testable import NeedleEval

/// `needle-eval report` on a small database (makeReportStore): the page is well-formed, holds every
/// run's figures and numbers, its difference cells carry the right test results, and the Markdown
/// holds the same tables.
final class ReportTests: XCTestCase {
    private func page(_ store: ResultsStore, _ selection: ReportSelection = .all) throws -> XMLNode {
        try parseXML(try ComparisonReport.render(store: store, selection: selection, format: .html))
    }

    private func table(_ page: XMLNode, captioned caption: String) throws -> [[String]] {
        let tables = page.elements("table").map(\.tableCells)
        return try XCTUnwrap(tables.first { $0.caption == caption }?.rows, "no table '\(caption)' in \(tables.map(\.caption))")
    }

    func testThePageIsSelfContainedAndHoldsEveryFigure() throws {
        let store = try makeReportStore(self)
        let html = try ComparisonReport.render(store: store, selection: .all, format: .html)
        let page = try parseXML(html)
        XCTAssertEqual(page.name, "html")
        let figures = page.elements("figure").map { $0.attributes["id"] ?? "" }
        XCTAssertEqual(figures, ["by-length-chart", "needles-1", "diff-2-vs-1", "diff-5-vs-4",
                                 "run-1", "run-2", "run-3", "run-4", "run-5"])
        for figure in page.elements("figure") {
            XCTAssertEqual(figure.elements("svg").count, 1, figure.attributes["id"] ?? "")
            XCTAssertFalse(figure.elements("table").isEmpty, "figure \(figure.attributes["id"] ?? "") has no table")
        }
        // Ids are unique on the page (each heatmap's legend gradient has its own).
        let ids = page.all.compactMap { $0.attributes["id"] }
        XCTAssertEqual(ids.count, Set(ids).count, "\(ids)")
        // Nothing to fetch: no script, no external reference; links only to anchors of the page.
        XCTAssertTrue(page.elements("script").isEmpty)
        for node in page.all {
            for (name, value) in node.attributes where name == "href" || name == "src" {
                XCTAssertTrue(value.hasPrefix("#"), "\(node.name) \(name)=\(value)")
            }
            if let fill = node.attributes["fill"], fill.hasPrefix("url(") {
                XCTAssertTrue(ids.contains(String(fill.dropFirst(5).dropLast())), fill)
            }
        }
        XCTAssertFalse(html.contains("http://") && html.replacingOccurrences(of: "http://www.w3.org/", with: "").contains("http://"))
    }

    /// Every heatmap has the axes of all runs: lengths 1K, 4K, 16K and depths 0, 50, 100.
    func testHeatmapsShareTheirAxes() throws {
        let page = try page(try makeReportStore(self))
        for id in 1...5 {
            let figure = try XCTUnwrap(page.elements("figure").first { $0.attributes["id"] == "run-\(id)" })
            let cells = figure.elements("rect").compactMap { $0.elements("title").first?.allText }
            XCTAssertEqual(cells.count, 9, "run \(id): \(cells)")
            XCTAssertEqual(cells.map { String($0.prefix { $0 != ":" }) },
                           ["1K, 0%", "4K, 0%", "16K, 0%", "1K, 50%", "4K, 50%", "16K, 50%", "1K, 100%", "4K, 100%", "16K, 100%"])
        }
        let run1 = try table(page, captioned: "run 1 · yoco-niah-tiny: accuracy (correct/trials) by depth and length")
        XCTAssertEqual(run1, [["depth", "1K", "4K", "16K"], ["0%", "1.000 (5/5)", "1.000 (5/5)", ""],
                              ["50%", "", "", ""], ["100%", "1.000 (5/5)", "0.750 (3/4)", ""]])
    }

    /// Run 1's error trial is counted, and left out of its accuracy (18 of 19).
    func testRunsTablesCountErrorsApart() throws {
        let page = try page(try makeReportStore(self))
        let results = try table(page, captioned: "How each run went (wall time: from the run's creation to its last status change)")
        XCTAssertEqual(results[0], ["run", "status", "trials answered", "errors", "accuracy", "95% CI", "wall time", "peak memory"])
        XCTAssertEqual(Array(results[1].prefix(7)), ["run 1 · yoco-niah-tiny", "finished", "19/20", "1", "0.947", "0.754–0.991", "12.5 s"])
        XCTAssertEqual(Array(results[2].prefix(5)), ["run 2 · yoco-old", "finished", "30/30", "0", "0.333"])
        let setup = try table(page, captioned: "What each run evaluated")
        XCTAssertEqual(setup[4], ["run 4 · yoco-niah-tiny", "models/yoco-niah-tiny", "sha-models/y", "in-process", "bytes",
                                  "multi_needle", "8", "4K × 50% × 5 trials", "7", "{\"kv\":\"f32\"}"])
        let lengths = try table(page, captioned: "run 1 · yoco-niah-tiny: per length (times are means per answered trial)")
        XCTAssertEqual(lengths[1], ["1K", "10", "10", "1.000", "0.722–1.000", "1.0", "2.0", "101.0 MiB", "0.1 MiB"])
        XCTAssertEqual(lengths[2], ["4K", "9", "8", "0.889", "0.565–0.980", "4.0", "2.0", "104.0 MiB", "0.2 MiB"])
    }

    /// Cell by cell, run 2 against run 1, with p-values from SciPy 1.17.1 (ReportStatisticsTests
    /// has the command): 1K 0% 0.00794, 1K 100% 1, 4K 0% 0.0476, 4K 100% 0.0476. Holm over 4 cells,
    /// by hand: 0.00794·4 = 0.0317; 0.0476·3 = 0.143 for both 4K cells; 1. Only 1K 0% is significant,
    /// although both 4K cells have p < 0.05 before the adjustment.
    func testDifferenceCellsCarryFisherAndHolm() throws {
        let page = try page(try makeReportStore(self))
        let rows = try table(page, captioned: "run 2 · yoco-old against run 1 · yoco-niah-tiny: cells both answered")
        XCTAssertEqual(rows[0], ["length", "depth", "baseline correct", "run correct", "difference", "p (Fisher)", "p (Holm)", "significant"])
        let expected: [(cell: [String], p: Double, holm: Double, significant: String)] = [
            (["1K", "0%", "5/5", "0/5", "-1.000"], 0.007936507936507938, 4 * 0.007936507936507938, "yes"),
            (["1K", "100%", "5/5", "5/5", "0.000"], 1, 1, "no"),
            (["4K", "0%", "5/5", "1/5", "-0.800"], 0.047619047619047616, 3 * 0.047619047619047616, "no"),
            (["4K", "100%", "3/4", "0/5", "-0.750"], 0.04761904761904762, 3 * 0.047619047619047616, "no"),
        ]
        XCTAssertEqual(rows.count, expected.count + 1)
        for (row, want) in zip(rows.dropFirst(), expected) {
            XCTAssertEqual(Array(row.prefix(5)), want.cell)
            XCTAssertEqual(try XCTUnwrap(Double(row[5])), want.p, accuracy: want.p * 5e-3, "\(row)")
            XCTAssertEqual(try XCTUnwrap(Double(row[6])), want.holm, accuracy: want.holm * 5e-3, "\(row)")
            XCTAssertEqual(row[7], want.significant)
        }
        // In the figure only the significant cell is coloured (orange: worse than the baseline).
        let figure = try XCTUnwrap(page.elements("figure").first { $0.attributes["id"] == "diff-2-vs-1" })
        let fills = Dictionary(uniqueKeysWithValues: figure.elements("rect").compactMap { rect -> (String, String)? in
            guard let title = rect.elements("title").first?.allText else { return nil }
            return (String(title.prefix { $0 != ":" }), rect.attributes["fill"] ?? "")
        })
        XCTAssertEqual(fills["1K, 0%"], HeatmapColor.hex(-1, scale: .purpleOrange))
        XCTAssertEqual(fills["4K, 0%"], "#f0f0f0")
        XCTAssertEqual(fills["16K, 0%"], "#ffffff")
        XCTAssertTrue(figure.elements("text").contains { $0.allText == "-1.00*" })
        let summary = try table(page, captioned: "Comparisons: cells both runs answered and how many differ significantly")
        // The best any cell could do: 5/5 against 0/5 (p 0.00794) times the 4 cells.
        XCTAssertEqual(summary[1], ["run 2 · yoco-old", "run 1 · yoco-niah-tiny", "niah_single", "4", "1", "0.0317"])
        XCTAssertEqual(summary[2], ["run 5 · yoco-old", "run 4 · yoco-niah-tiny", "multi_needle", "1", "0", "0.00794"])
    }

    func testAccuracyByLengthAndByNeedles() throws {
        let page = try page(try makeReportStore(self))
        let byLength = try table(page, captioned: "Accuracy by length: accuracy (correct/trials; Wilson 95% interval)")
        XCTAssertEqual(byLength[0], ["run", "1K", "4K", "16K"])
        XCTAssertEqual(byLength[2], ["run 2 · yoco-old", "0.500 (5/10; 95% CI 0.237–0.763)",
                                     "0.100 (1/10; 95% CI 0.018–0.404)", "0.400 (4/10; 95% CI 0.168–0.687)"])
        let needles = try table(page, captioned: "multi_needle: accuracy (correct/trials; Wilson 95% interval) by needles")
        XCTAssertEqual(needles, [["model (runs)", "N = 2", "N = 8"],
                                 ["yoco-niah-tiny (runs 3, 4)", "1.000 (5/5; 95% CI 0.566–1.000)", "0.800 (4/5; 95% CI 0.376–0.964)"],
                                 ["yoco-old (run 5)", "", "0.200 (1/5; 95% CI 0.036–0.624)"]])
        // One line per run in the length chart, each point with a tooltip naming its numbers.
        let chart = try XCTUnwrap(page.elements("figure").first { $0.attributes["id"] == "by-length-chart" })
        XCTAssertEqual(chart.elements("polyline").count, 5)
        XCTAssertTrue(chart.all.contains { $0.name == "title" && $0.allText == "run 2 · yoco-old · 16K: 0.400 (4/10; 95% CI 0.168–0.687)" })
    }

    /// The Markdown holds the HTML's tables, cell for cell.
    func testMarkdownHoldsTheSameTables() throws {
        let store = try makeReportStore(self)
        let htmlTables = try page(store).elements("table").map(\.tableCells)
        let markdown = try ComparisonReport.render(store: store, selection: .all, format: .md)
        var mdTables: [(caption: String, rows: [[String]])] = []
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("**") && line.hasSuffix("**") {
                mdTables.append((unescape(String(line.dropFirst(2).dropLast(2))), []))
            } else if line.hasPrefix("| "), !line.hasPrefix("| ---"), !mdTables.isEmpty {
                let cells = line.dropFirst(2).dropLast(2).components(separatedBy: " | ").map(unescape)
                mdTables[mdTables.count - 1].rows.append(cells)
            }
        }
        XCTAssertEqual(mdTables.count, htmlTables.count)
        for (md, html) in zip(mdTables, htmlTables) {
            XCTAssertEqual(md.caption, html.caption)
            XCTAssertEqual(md.rows, html.rows, md.caption)
        }
        XCTAssertTrue(markdown.contains("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"), "alignment row of the differences table")
    }

    private func unescape(_ text: String) -> String {
        var out = "", escaped = false
        for c in text {
            if c == "\\" && !escaped { escaped = true; continue }
            out.append(c)
            escaped = false
        }
        return out
    }

    func testTheOrderOfRunsChoosesTheBaseline() throws {
        let page = try page(try makeReportStore(self), .runs([2, 1, 2]))
        XCTAssertEqual(page.elements("figure").map { $0.attributes["id"] ?? "" },
                       ["by-length-chart", "diff-1-vs-2", "run-2", "run-1"])
    }

    func testOneRunHasNoDifferencesAndATaskSelectsItsRuns() throws {
        let store = try makeReportStore(self)
        let one = try page(store, .runs([3]))
        XCTAssertFalse(one.elements("section").contains { $0.attributes["id"] == "differences" })
        let task = try page(store, .task("multi_needle"))
        XCTAssertEqual(task.elements("figure").compactMap { $0.attributes["id"] },
                       ["by-length-chart", "needles-1", "diff-5-vs-4", "run-3", "run-4", "run-5"])
    }

    /// A run that has no answered trial yet: a blank heatmap, no line, empty table cells, and no
    /// comparison cells against its baseline.
    func testARunWithoutTrials() throws {
        let store = try makeReportStore(self)
        try recordRun(store, model: "models/new", task: "niah_single", needles: 1,
                      grid: TrialPlan(lengths: [1024], depths: [0], trials: 3), cells: [])
        let page = try page(store, .runs([1, 6]))
        let figure = try XCTUnwrap(page.elements("figure").first { $0.attributes["id"] == "run-6" })
        let cells = figure.elements("rect").filter { !($0.elements("title").first?.allText ?? "").isEmpty }
        XCTAssertEqual(cells.count, 4)  // the axes of runs 1 and 6: 1K, 4K × 0%, 100%
        XCTAssertTrue(cells.allSatisfy { $0.attributes["fill"] == "#ffffff" })
        let chart = try XCTUnwrap(page.elements("figure").first { $0.attributes["id"] == "by-length-chart" })
        XCTAssertEqual(chart.elements("polyline").count, 1)
        let results = try table(page, captioned: "How each run went (wall time: from the run's creation to its last status change)")
        XCTAssertEqual(Array(results[2].prefix(6)), ["run 6 · new", "finished", "0/3", "0", "", ""])
        let summary = try table(page, captioned: "Comparisons: cells both runs answered and how many differ significantly")
        XCTAssertEqual(summary[1], ["run 6 · new", "run 1 · yoco-niah-tiny", "niah_single", "0", "0", ""])
    }

    func testSelectionsThatFindNothingNameTheFlagAndTheFix() throws {
        let store = try makeReportStore(self)
        XCTAssertThrowsError(try ComparisonReport.render(store: store, selection: .runs([9, 1, 12]), format: .html)) { error in
            XCTAssertEqual(error as? ReportError, .unknownRuns([9, 12], path: store.path))
            XCTAssertEqual("\(error)", "\(store.path): no run with id 9, 12 (--runs)\n"
                + "  fix: pass ids that `needle-eval runs --db \(store.path)` lists, e.g. --runs 1,2")
        }
        XCTAssertThrowsError(try ComparisonReport.render(store: store, selection: .task("niah"), format: .md)) { error in
            XCTAssertEqual(error as? ReportError, .noRunsOfTask("niah", known: ["multi_needle", "niah_single"], path: store.path))
            XCTAssertTrue("\(error)".contains("(--task)\n  fix: pass one of: multi_needle, niah_single"), "\(error)")
        }
        let empty = try ResultsStore(path: try makeTemporaryFolder(self).appendingPathComponent("empty.sqlite").path)
        XCTAssertThrowsError(try ComparisonReport.render(store: empty, selection: .all, format: .html)) { error in
            XCTAssertEqual(error as? StoreError, .noRuns(path: empty.path))
        }
    }

    /// 30 runs: every figure still has its own ids, the charts name every run, and 30 lines get 30
    /// distinct colour and marker pairs.
    func testThirtyRuns() throws {
        let store = try ResultsStore(path: try makeTemporaryFolder(self).appendingPathComponent("many.sqlite").path)
        let grid = TrialPlan(lengths: [1024, 4096], depths: [0, 100], trials: 2)
        for index in 0..<30 {
            try recordRun(store, model: "models/m\(index)", task: "niah_single", needles: 1, grid: grid, cells: [
                FixtureCell(length: 1024, depth: 0, correct: index % 3, trials: 2),
                FixtureCell(length: 4096, depth: 100, correct: 2, trials: 2),
            ])
        }
        let page = try page(store)
        XCTAssertEqual(page.elements("figure").count, 1 + 29 + 30)
        let ids = page.all.compactMap { $0.attributes["id"] }
        XCTAssertEqual(ids.count, Set(ids).count)
        let chart = try XCTUnwrap(page.elements("figure").first { $0.attributes["id"] == "by-length-chart" })
        let legend = chart.elements("text").map(\.allText).filter { $0.hasPrefix("run ") }
        XCTAssertEqual(legend.count, 30)
        let styles = Set((0..<30).map { i -> String in
            let s = SeriesStyle(index: i)
            return "\(s.color) \(s.marker)"
        })
        XCTAssertEqual(styles.count, 30)
        // Two cells of 2 trials could never differ significantly: 2/C(4, 2) · 2 cells = 0.667; with
        // 4 trials a side 2/C(8, 4) · 2 = 0.057 is still above 0.05, with 5 it is 0.016.
        let caption = try XCTUnwrap(page.elements("figure").first { $0.attributes["id"] == "diff-2-vs-1" }?
            .elements("figcaption").first?.allText)
        XCTAssertTrue(caption.hasSuffix("(no cell could: with these trial counts the smallest Holm-adjusted p is 0.667;"
            + " 2 cells need 5 trials a side)"), caption)
    }
}
