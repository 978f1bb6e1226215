/// Heatmap cells laid out on their axes: lengths ascending (x) and depths ascending (y), with
/// the cells that ran. Axes may hold planned points where no trial ran yet (empty cells).
public struct HeatmapGrid: Sendable {
    public let lengths: [Int]
    public let depths: [Int]
    private let byPoint: [Point: HeatmapCell]

    private struct Point: Hashable { var length: Int; var depth: Int }

    /// `plannedLengths` and `plannedDepths` (e.g. the run's grid) join the points in `cells`.
    public init(cells: [HeatmapCell], plannedLengths: [Int] = [], plannedDepths: [Int] = []) {
        lengths = Array(Set(cells.map(\.length) + plannedLengths)).sorted()
        depths = Array(Set(cells.map(\.depth) + plannedDepths)).sorted()
        var byPoint: [Point: HeatmapCell] = [:]
        for cell in cells where cell.trials > 0 { byPoint[Point(length: cell.length, depth: cell.depth)] = cell }
        self.byPoint = byPoint
    }

    /// The cell at (length, depth), nil where no trial ran.
    public func cell(length: Int, depth: Int) -> HeatmapCell? {
        byPoint[Point(length: length, depth: depth)]
    }
}
