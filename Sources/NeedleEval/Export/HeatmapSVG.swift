import Foundation
import NeedleSupport

/// The heatmap as a standalone SVG: lengths across (1K … 1M), depths down (0% at the top), each
/// cell coloured red→green by accuracy with the accuracy printed in it, a title naming the model,
/// task, run and trials per cell, and a colour legend.
public enum HeatmapSVG {
    public struct Title: Sendable {
        public var model: String
        public var task: String
        public var runID: Int64
        public var trialsPerCell: Int?
        public init(model: String, task: String, runID: Int64, trialsPerCell: Int?) {
            self.model = model
            self.task = task
            self.runID = runID
            self.trialsPerCell = trialsPerCell
        }
    }

    // Layout in px.
    private static let cellWidth = 64, cellHeight = 30
    private static let left = 84, top = 64, legendHeight = 12

    public static func render(_ grid: HeatmapGrid, title: Title) -> String {
        let plotWidth = cellWidth * grid.lengths.count, plotHeight = cellHeight * grid.depths.count
        let width = max(left + plotWidth + 24, 480), height = top + plotHeight + 96
        var trials = ""
        if let n = title.trialsPerCell { trials = " · \(n) trial\(n == 1 ? "" : "s") per cell" }
        let heading = "\(title.model) · \(title.task) · run \(title.runID)\(trials)"

        var svg = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" font-family="Helvetica, Arial, sans-serif">
            <title>\(escape(heading))</title>
            <rect width="\(width)" height="\(height)" fill="#ffffff"/>
            <text x="\(width / 2)" y="26" text-anchor="middle" font-size="15" font-weight="bold">\(escape("Needle retrieval accuracy"))</text>
            <text x="\(width / 2)" y="46" text-anchor="middle" font-size="12">\(escape(heading))</text>

            """
        for (row, depth) in grid.depths.enumerated() {
            let y = top + row * cellHeight
            svg += "<text x=\"\(left - 8)\" y=\"\(y + cellHeight / 2 + 4)\" text-anchor=\"end\" font-size=\"11\">\(depth)%</text>\n"
            for (column, length) in grid.lengths.enumerated() {
                let x = left + column * cellWidth
                let cell = grid.cell(length: length, depth: depth)
                let fill = cell.map { HeatmapColor.hex($0.accuracy) } ?? "#eeeeee"
                // A tooltip (<title>) gives the counts behind each accuracy.
                let tip = cell.map { "\($0.correct)/\($0.trials) correct" } ?? "no trials"
                svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cellWidth)\" height=\"\(cellHeight)\" fill=\"\(fill)\" stroke=\"#ffffff\">"
                    + "<title>\(Lengths.label(length)), \(depth)%: \(tip)</title></rect>\n"
                if let cell {
                    svg += "<text x=\"\(x + cellWidth / 2)\" y=\"\(y + cellHeight / 2 + 4)\" text-anchor=\"middle\" font-size=\"11\">"
                        + "\(String(format: "%.2f", cell.accuracy))</text>\n"
                }
            }
        }
        let axisY = top + plotHeight
        for (column, length) in grid.lengths.enumerated() {
            let x = left + column * cellWidth + cellWidth / 2
            svg += "<text x=\"\(x)\" y=\"\(axisY + 16)\" text-anchor=\"middle\" font-size=\"11\">\(Lengths.label(length))</text>\n"
        }
        svg += "<text x=\"\(left + plotWidth / 2)\" y=\"\(axisY + 36)\" text-anchor=\"middle\" font-size=\"12\">context length (tokens; K = 1024)</text>\n"
        svg += "<text x=\"18\" y=\"\(top + plotHeight / 2)\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 18 \(top + plotHeight / 2))\">needle depth</text>\n"
        svg += legend(x: left, y: axisY + 52)
        svg += "</svg>\n"
        return svg
    }

    /// A gradient bar from 0 to 1 in the cells' colours.
    private static func legend(x: Int, y: Int) -> String {
        let barWidth = 200
        var text = "<defs><linearGradient id=\"scale\">"
        for stop in stride(from: 0, through: 100, by: 25) {
            text += "<stop offset=\"\(stop)%\" stop-color=\"\(HeatmapColor.hex(Double(stop) / 100))\"/>"
        }
        text += "</linearGradient></defs>\n"
        text += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(barWidth)\" height=\"\(legendHeight)\" fill=\"url(#scale)\"/>\n"
        text += "<text x=\"\(x)\" y=\"\(y + legendHeight + 14)\" font-size=\"10\">0.0</text>\n"
        text += "<text x=\"\(x + barWidth)\" y=\"\(y + legendHeight + 14)\" text-anchor=\"end\" font-size=\"10\">1.0</text>\n"
        text += "<text x=\"\(x + barWidth + 10)\" y=\"\(y + legendHeight - 1)\" font-size=\"10\">accuracy (grey: no trials)</text>\n"
        return text
    }

    /// Text safe inside XML elements and attributes; control characters XML 1.0 forbids are dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" { continue }
                if scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
