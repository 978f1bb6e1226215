import NeedleSupport

/// A set of cells in a few words, for people: each length with the depths it has, e.g.
/// "1M depths 0-50; 512K; 256K" (a length with every depth of the grid is its label alone).
/// `shards` prints a shard's cells this way and `merge` the cells it found missing or twice.
public enum CellSummary {
    public static func describe(_ cells: [TrialKey], grid: TrialPlan) -> String {
        guard !cells.isEmpty else { return "none" }
        let depthsByLength = Dictionary(grouping: cells, by: \.length).mapValues { Set($0.map(\.depth)).sorted() }
        return depthsByLength.keys.sorted(by: >).map { length in
            let depths = depthsByLength[length]!
            if depths == grid.depths { return Lengths.label(length) }
            return Lengths.label(length) + " depths " + ranges(depths, within: grid.depths)
        }.joined(separator: "; ")
    }

    /// Runs of consecutive grid depths as "a-b", others as "a", joined with commas.
    private static func ranges(_ depths: [Int], within grid: [Int]) -> String {
        let position = Dictionary(uniqueKeysWithValues: grid.enumerated().map { ($1, $0) })
        var parts: [String] = []
        var start = depths[0], previous = depths[0]
        for depth in depths.dropFirst() + [Int.min] {
            if depth != Int.min, let p = position[depth], let q = position[previous], p == q + 1 { previous = depth; continue }
            parts.append(start == previous ? "\(start)" : "\(start)-\(previous)")
            (start, previous) = (depth, depth)
        }
        return parts.joined(separator: ",")
    }
}
