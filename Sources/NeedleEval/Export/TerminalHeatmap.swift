import NeedleSupport
/// A compact heatmap for the terminal: depths down, lengths across, accuracy in percent per cell
/// ("·" where no trial ran). With `color`, each cell gets a red→green background (ANSI 24-bit);
/// without, plain text that a log file or a pipe keeps intact.
///
///     depth    1K   2K   4K
///         0%  100   90    ·
///        50%   80  100  100
public enum TerminalHeatmap {
    public static func render(cells: [HeatmapCell], color: Bool) -> String {
        render(HeatmapGrid(cells: cells), color: color)
    }

    public static func render(_ grid: HeatmapGrid, color: Bool) -> String {
        let labels = grid.lengths.map(Lengths.label)
        let width = max(3, labels.map(\.count).max() ?? 0) + 2
        let depthWidth = 6
        var text = pad("depth", depthWidth, left: true)
        for label in labels { text += pad(label, width) }
        text += "\n"
        for depth in grid.depths {
            text += pad("\(depth)%", depthWidth)
            for length in grid.lengths {
                guard let cell = grid.cell(length: length, depth: depth) else {
                    text += pad("·", width)
                    continue
                }
                let value = pad(String(Int((cell.accuracy * 100).rounded())), width)
                if color {
                    let c = HeatmapColor.rgb(cell.accuracy)
                    text += "\u{1B}[48;2;\(c.r);\(c.g);\(c.b)m\u{1B}[38;2;0;0;0m\(value)\u{1B}[0m"
                } else {
                    text += value
                }
            }
            text += "\n"
        }
        return text
    }

    /// Pads to `width` characters, right-aligned unless `left`.
    private static func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return left ? s + fill : fill + s
    }
}
