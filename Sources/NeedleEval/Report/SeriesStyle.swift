/// How the report tells its runs apart in a line chart: a colour from the Okabe–Ito palette (chosen
/// to stay distinct under the common colour-vision deficiencies; its yellow is left out, too pale on
/// white), a marker shape and a dash pattern, so that lines also differ printed in grey. Seven
/// colours and five shapes pair up uniquely for 35 runs; the dash pattern changes every 7.
struct SeriesStyle {
    enum Marker: CaseIterable { case circle, square, triangle, diamond, triangleDown }

    var color: String
    var marker: Marker
    var dash: String?

    private static let colors = ["#000000", "#e69f00", "#56b4e9", "#009e73", "#0072b2", "#d55e00", "#cc79a7"]
    private static let dashes: [String?] = [nil, "6 3", "2 2"]

    init(index: Int) {
        color = Self.colors[index % Self.colors.count]
        marker = Marker.allCases[index % Marker.allCases.count]
        dash = Self.dashes[(index / Self.colors.count) % Self.dashes.count]
    }

    /// The marker centred on (x, y), about 8 px across, with `title` as its tooltip.
    func markerSVG(x: Double, y: Double, title: String) -> String {
        let tip = "<title>\(MarkupText.escape(title))</title>"
        let paint = "fill=\"\(color)\" stroke=\"#ffffff\" stroke-width=\"1\""
        switch marker {
        case .circle:
            return "<circle cx=\"\(svgCoordinate(x))\" cy=\"\(svgCoordinate(y))\" r=\"4.5\" \(paint)>\(tip)</circle>"
        case .square:
            return "<rect x=\"\(svgCoordinate(x - 4))\" y=\"\(svgCoordinate(y - 4))\" width=\"8\" height=\"8\" \(paint)>\(tip)</rect>"
        case .triangle:
            return polygon([(x, y - 5), (x + 5, y + 4), (x - 5, y + 4)], paint, tip)
        case .diamond:
            return polygon([(x, y - 5.5), (x + 5.5, y), (x, y + 5.5), (x - 5.5, y)], paint, tip)
        case .triangleDown:
            return polygon([(x, y + 5), (x + 5, y - 4), (x - 5, y - 4)], paint, tip)
        }
    }

    /// The `stroke-dasharray` attribute, empty for a solid line.
    var dashAttribute: String { dash.map { " stroke-dasharray=\"\($0)\"" } ?? "" }

    private func polygon(_ points: [(Double, Double)], _ paint: String, _ tip: String) -> String {
        "<polygon points=\"\(points.map { "\(svgCoordinate($0.0)),\(svgCoordinate($0.1))" }.joined(separator: " "))\" \(paint)>\(tip)</polygon>"
    }
}

/// A coordinate with at most one decimal: short SVG text, and the same text on every platform.
func svgCoordinate(_ value: Double) -> String {
    let rounded = (value * 10).rounded() / 10
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
}
