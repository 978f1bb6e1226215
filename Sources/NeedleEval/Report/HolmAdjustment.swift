/// Holm's step-down adjustment of a family of p-values (one difference heatmap's cells).
///
/// Testing every cell at 0.05 would mark about one cell in twenty of two equal models; Holm keeps
/// the chance of marking any cell wrongly at 0.05 for the whole heatmap, whatever the cells'
/// dependence, and is never less powerful than Bonferroni. Each marked cell can then be read as a
/// claim on its own, which a false-discovery-rate method (Benjamini–Hochberg) does not promise.
enum HolmAdjustment {
    /// Adjusted p-values in the order given: with p sorted ascending, p_(i) · (m − i + 1), made
    /// non-decreasing and capped at 1. A cell is significant at level α when its adjusted p ≤ α.
    static func adjust(_ pValues: [Double]) -> [Double] {
        let m = pValues.count
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var adjusted = [Double](repeating: 1, count: m)
        var running = 0.0
        for (rank, index) in order.enumerated() {
            running = max(running, min(1, Double(m - rank) * pValues[index]))
            adjusted[index] = running
        }
        return adjusted
    }
}
