import Foundation
import NeedleSupport

/// The heatmap as SVG: lengths across (1K … 1M), depths down (0% at the top), each cell coloured
/// by its value with the value printed in it, a title, a subtitle and a colour legend.
///
/// `render(_:title:)` is `export heatmap`'s standalone file (red→green accuracy). The report draws
/// its accuracy and difference heatmaps through the same layout (`render(_:style:)`) with its own
/// colour scales, embedded in an HTML page.
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

        /// `MODEL · TASK · run ID · N trials per cell`.
        var subtitle: String {
            var trials = ""
            if let n = trialsPerCell { trials = " · \(n) trial\(n == 1 ? "" : "s") per cell" }
            return "\(model) · \(task) · run \(runID)\(trials)"
        }
    }

    /// How a figure is drawn, beyond what it shows.
    struct Style {
        /// A file of its own (with an XML declaration) or an element inside an HTML page.
        var standalone = true
        /// Prefix of the figure's ids (the legend's gradient): unique per figure on one page.
        var idPrefix = ""

        static let export = Style()
        /// Fill of a cell without trials in the export.
        static let exportEmptyFill = "#eeeeee"
    }

    /// One cell as drawn: its fill, the text printed in it (and that text's colour when not the
    /// default black) and its tooltip after "LENGTH, DEPTH%: ".
    struct Cell {
        var fill: String
        var label: String?
        var labelFill: String?
        var tooltip: String
    }

    /// A gradient bar under the plot: the scale from its low to its high end.
    struct Legend {
        var scale: HeatmapColor.Scale
        var low: String
        var high: String
        var caption: String
    }

    /// What one heatmap shows; `cell` is asked for every (length, depth) of the axes.
    struct Figure {
        var title: String
        var subtitle: String
        var lengths: [Int]
        var depths: [Int]
        var cell: (_ length: Int, _ depth: Int) -> Cell
        var legend: Legend
    }

    // Layout in px.
    private static let cellWidth = 64, cellHeight = 30
    private static let left = 84, top = 64, legendHeight = 12

    /// `export heatmap`'s SVG file.
    public static func render(_ grid: HeatmapGrid, title: Title) -> String {
        render(accuracyFigure(grid, subtitle: title.subtitle, scale: .redYellowGreen), style: .export)
    }

    /// Accuracy per cell on `scale`, with the counts in each tooltip; `emptyFill` for cells without
    /// trials, which the legend names (`emptyNote`). Cell text keeps the export's black on its
    /// red→green scale and takes the contrasting colour on any other.
    static func accuracyFigure(_ grid: HeatmapGrid, subtitle: String, scale: HeatmapColor.Scale,
                               emptyFill: String = Style.exportEmptyFill, emptyNote: String = "grey: no trials") -> Figure {
        Figure(
            title: "Needle retrieval accuracy", subtitle: subtitle, lengths: grid.lengths, depths: grid.depths,
            cell: { length, depth in
                guard let cell = grid.cell(length: length, depth: depth) else {
                    return Cell(fill: emptyFill, label: nil, labelFill: nil, tooltip: "no trials")
                }
                let color = HeatmapColor.rgb(cell.accuracy, scale: scale)
                return Cell(fill: HeatmapColor.hex(color), label: String(format: "%.2f", cell.accuracy),
                            labelFill: scale == .redYellowGreen ? nil : HeatmapColor.textHex(on: color),
                            tooltip: "\(cell.correct)/\(cell.trials) correct")
            },
            legend: Legend(scale: scale, low: "0.0", high: "1.0", caption: "accuracy (\(emptyNote))"))
    }

    /// Width and height in px of a figure with these axes.
    static func size(lengths: Int, depths: Int) -> (width: Int, height: Int) {
        (max(left + cellWidth * lengths + 24, 480), top + cellHeight * depths + 96)
    }

    static func render(_ figure: Figure, style: Style) -> String {
        let plotWidth = cellWidth * figure.lengths.count, plotHeight = cellHeight * figure.depths.count
        let (width, height) = size(lengths: figure.lengths.count, depths: figure.depths.count)
        var svg = style.standalone ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" : ""
        svg += """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" font-family="Helvetica, Arial, sans-serif">
            <title>\(escape(figure.subtitle))</title>
            <rect width="\(width)" height="\(height)" fill="#ffffff"/>
            <text x="\(width / 2)" y="26" text-anchor="middle" font-size="15" font-weight="bold">\(escape(figure.title))</text>
            <text x="\(width / 2)" y="46" text-anchor="middle" font-size="12">\(escape(figure.subtitle))</text>

            """
        for (row, depth) in figure.depths.enumerated() {
            let y = top + row * cellHeight
            svg += "<text x=\"\(left - 8)\" y=\"\(y + cellHeight / 2 + 4)\" text-anchor=\"end\" font-size=\"11\">\(depth)%</text>\n"
            for (column, length) in figure.lengths.enumerated() {
                let x = left + column * cellWidth
                let cell = figure.cell(length, depth)
                // A tooltip (<title>) gives the counts behind each value.
                svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cellWidth)\" height=\"\(cellHeight)\" fill=\"\(cell.fill)\" stroke=\"#ffffff\">"
                    + "<title>\(Lengths.label(length)), \(depth)%: \(escape(cell.tooltip))</title></rect>\n"
                if let label = cell.label {
                    let fill = cell.labelFill.map { " fill=\"\($0)\"" } ?? ""
                    svg += "<text x=\"\(x + cellWidth / 2)\" y=\"\(y + cellHeight / 2 + 4)\" text-anchor=\"middle\" font-size=\"11\"\(fill)>"
                        + "\(escape(label))</text>\n"
                }
            }
        }
        let axisY = top + plotHeight
        for (column, length) in figure.lengths.enumerated() {
            let x = left + column * cellWidth + cellWidth / 2
            svg += "<text x=\"\(x)\" y=\"\(axisY + 16)\" text-anchor=\"middle\" font-size=\"11\">\(Lengths.label(length))</text>\n"
        }
        svg += "<text x=\"\(left + plotWidth / 2)\" y=\"\(axisY + 36)\" text-anchor=\"middle\" font-size=\"12\">context length (tokens; K = 1024)</text>\n"
        svg += "<text x=\"18\" y=\"\(top + plotHeight / 2)\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 18 \(top + plotHeight / 2))\">needle depth</text>\n"
        svg += legend(figure.legend, id: style.idPrefix + "scale", x: left, y: axisY + 52)
        svg += "</svg>\n"
        return svg
    }

    /// A gradient bar in the scale's colours, low end left.
    private static func legend(_ legend: Legend, id: String, x: Int, y: Int) -> String {
        let barWidth = 200
        let domain = legend.scale.domain
        var text = "<defs><linearGradient id=\"\(id)\">"
        for stop in stride(from: 0, through: 100, by: 25) {
            let value = domain.lowerBound + (domain.upperBound - domain.lowerBound) * Double(stop) / 100
            text += "<stop offset=\"\(stop)%\" stop-color=\"\(HeatmapColor.hex(value, scale: legend.scale))\"/>"
        }
        text += "</linearGradient></defs>\n"
        text += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(barWidth)\" height=\"\(legendHeight)\" fill=\"url(#\(id))\"/>\n"
        text += "<text x=\"\(x)\" y=\"\(y + legendHeight + 14)\" font-size=\"10\">\(escape(legend.low))</text>\n"
        text += "<text x=\"\(x + barWidth)\" y=\"\(y + legendHeight + 14)\" text-anchor=\"end\" font-size=\"10\">\(escape(legend.high))</text>\n"
        text += "<text x=\"\(x + barWidth + 10)\" y=\"\(y + legendHeight - 1)\" font-size=\"10\">\(escape(legend.caption))</text>\n"
        return text
    }

    private static func escape(_ text: String) -> String { MarkupText.escape(text) }
}
