/// Accuracy against a categorical axis (context lengths, needle counts), one line per series. Each
/// point carries its Wilson 95% interval as a vertical bar, the series spread a little sideways so
/// that equal points stay visible; every point's numbers are in its tooltip.
struct LineChartSVG {
    struct Point {
        /// Index into `categories`.
        var category: Int
        var correct: Int
        var trials: Int
    }

    struct Series {
        var name: String
        var points: [Point]
    }

    var title: String
    var subtitle: String
    var categories: [String]
    var xTitle: String
    var series: [Series]

    // Layout in px.
    private static let left = 64, right = 24, top = 64, plotHeight = 240, legendRow = 18, legendColumn = 240

    var width: Int { Self.left + max(360, categories.count * 72) + Self.right }
    var height: Int { Self.top + Self.plotHeight + 56 + legendRows * Self.legendRow + 12 }
    private var legendColumns: Int { max(1, (width - Self.left) / Self.legendColumn) }
    private var legendRows: Int { (series.count + legendColumns - 1) / legendColumns }

    func render() -> String {
        let plotWidth = width - Self.left - Self.right
        let step = Double(plotWidth) / Double(max(categories.count, 1))
        func x(_ category: Int) -> Double { Double(Self.left) + (Double(category) + 0.5) * step }
        func y(_ value: Double) -> Double { Double(Self.top) + (1 - value) * Double(Self.plotHeight) }
        let spread = min(24, step * 0.5)

        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" font-family="Helvetica, Arial, sans-serif">
            <title>\(MarkupText.escape(title + " · " + subtitle))</title>
            <rect width="\(width)" height="\(height)" fill="#ffffff"/>
            <text x="\(width / 2)" y="26" text-anchor="middle" font-size="15" font-weight="bold">\(MarkupText.escape(title))</text>
            <text x="\(width / 2)" y="46" text-anchor="middle" font-size="12">\(MarkupText.escape(subtitle))</text>

            """
        for (tick, label) in [(0.0, "0"), (0.25, "0.25"), (0.5, "0.5"), (0.75, "0.75"), (1.0, "1")] {
            let ty = svgCoordinate(y(tick))
            svg += "<line x1=\"\(Self.left)\" y1=\"\(ty)\" x2=\"\(Self.left + plotWidth)\" y2=\"\(ty)\" stroke=\"#d9d9d9\"/>"
            svg += "<text x=\"\(Self.left - 6)\" y=\"\(svgCoordinate(y(tick) + 4))\" text-anchor=\"end\" font-size=\"11\">\(label)</text>\n"
        }
        let axisY = Self.top + Self.plotHeight
        for (index, label) in categories.enumerated() {
            svg += "<text x=\"\(svgCoordinate(x(index)))\" y=\"\(axisY + 16)\" text-anchor=\"middle\" font-size=\"11\">\(MarkupText.escape(label))</text>\n"
        }
        svg += "<text x=\"\(Self.left + plotWidth / 2)\" y=\"\(axisY + 36)\" text-anchor=\"middle\" font-size=\"12\">\(MarkupText.escape(xTitle))</text>\n"
        let middle = Self.top + Self.plotHeight / 2
        svg += "<text x=\"16\" y=\"\(middle)\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 16 \(middle))\">accuracy (bars: Wilson 95% interval)</text>\n"

        for (index, line) in series.enumerated() {
            let style = SeriesStyle(index: index)
            let offset = series.count > 1 ? (Double(index) / Double(series.count - 1) - 0.5) * spread : 0
            let points = line.points.filter { $0.trials > 0 }.sorted { $0.category < $1.category }
            svg += "<g><title>\(MarkupText.escape(line.name))</title>\n"
            // A run without answered trials (just started, or every trial an error) draws no line.
            if !points.isEmpty {
                let path = points.map { "\(svgCoordinate(x($0.category) + offset)),\(svgCoordinate(y(accuracy($0))))" }
                svg += "<polyline points=\"\(path.joined(separator: " "))\" fill=\"none\" stroke=\"\(style.color)\" stroke-width=\"1.8\"\(style.dashAttribute)/>\n"
            }
            for point in points {
                guard let interval = WilsonInterval(successes: point.correct, trials: point.trials) else { continue }
                let px = x(point.category) + offset
                let (low, high) = (svgCoordinate(y(interval.low)), svgCoordinate(y(interval.high)))
                let bar = "stroke=\"\(style.color)\" stroke-width=\"1.2\" opacity=\"0.75\""
                svg += "<line x1=\"\(svgCoordinate(px))\" y1=\"\(low)\" x2=\"\(svgCoordinate(px))\" y2=\"\(high)\" \(bar)/>"
                svg += "<line x1=\"\(svgCoordinate(px - 3))\" y1=\"\(low)\" x2=\"\(svgCoordinate(px + 3))\" y2=\"\(low)\" \(bar)/>"
                svg += "<line x1=\"\(svgCoordinate(px - 3))\" y1=\"\(high)\" x2=\"\(svgCoordinate(px + 3))\" y2=\"\(high)\" \(bar)/>\n"
                let tip = "\(line.name) · \(categories[point.category]): "
                    + ReportNumber.accuracyWithInterval(correct: point.correct, trials: point.trials)
                svg += style.markerSVG(x: px, y: y(accuracy(point)), title: tip) + "\n"
            }
            svg += "</g>\n"
        }
        svg += legend(top: axisY + 56)
        svg += "</svg>\n"
        return svg
    }

    private func accuracy(_ point: Point) -> Double { Double(point.correct) / Double(max(point.trials, 1)) }

    /// The series' names with their line and marker, in rows of `legendColumns`.
    private func legend(top: Int) -> String {
        var svg = ""
        for (index, line) in series.enumerated() {
            let style = SeriesStyle(index: index)
            let x = Double(Self.left + (index % legendColumns) * Self.legendColumn)
            let y = Double(top + (index / legendColumns) * Self.legendRow)
            svg += "<line x1=\"\(svgCoordinate(x))\" y1=\"\(svgCoordinate(y))\" x2=\"\(svgCoordinate(x + 24))\" y2=\"\(svgCoordinate(y))\" stroke=\"\(style.color)\" stroke-width=\"1.8\"\(style.dashAttribute)/>"
            svg += style.markerSVG(x: x + 12, y: y, title: line.name)
            // Long names are cut to their column; the tooltip keeps the whole name.
            let name = line.name.count > 34 ? String(line.name.prefix(33)) + "…" : line.name
            svg += "<text x=\"\(svgCoordinate(x + 32))\" y=\"\(svgCoordinate(y + 4))\" font-size=\"11\">\(MarkupText.escape(name))</text>\n"
        }
        return svg
    }
}
