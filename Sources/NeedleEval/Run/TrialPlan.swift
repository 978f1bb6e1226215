import Foundation

/// The grid of a run: lengths × depths × trials, and the order its cells run in: shortest length
/// first, so a user sees results early; within a length, deepest needle first, so consecutive
/// prompts share the longest prefix (everything before the needle) and a runtime can reuse it.
/// Each cell's prompt depends on its key and the seed alone. Stored with every run as canonical
/// JSON (`runs.grid_json`), which `--resume` compares.
public struct TrialPlan: Codable, Sendable, Equatable {
    /// Context lengths in tokens, ascending, without repeats.
    public private(set) var lengths: [Int]
    /// Depths in percent, ascending, without repeats.
    public private(set) var depths: [Int]
    /// Trials per (length, depth) cell.
    public private(set) var trials: Int

    public init(lengths: [Int], depths: [Int], trials: Int) {
        self.lengths = Array(Set(lengths)).sorted()
        self.depths = Array(Set(depths)).sorted()
        self.trials = trials
    }

    /// Decodes through `init(lengths:depths:trials:)`, so a stored grid is normalised the same way.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(lengths: try c.decode([Int].self, forKey: .lengths), depths: try c.decode([Int].self, forKey: .depths),
                  trials: try c.decode(Int.self, forKey: .trials))
    }

    /// The grid stored as `json`; nil when the text is not one.
    public init?(json: String) {
        guard let plan = try? JSONDecoder().decode(TrialPlan.self, from: Data(json.utf8)) else { return nil }
        self = plan
    }

    /// Every cell, in the order they run.
    public var cells: [TrialKey] {
        lengths.flatMap { l in depths.reversed().flatMap { d in (0..<trials).map { TrialKey(length: l, depth: d, trial: $0) } } }
    }

    /// Trials the grid plans in all.
    public var count: Int { lengths.count * depths.count * trials }

    /// Canonical JSON (sorted keys, no spaces): equal grids give equal strings.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding three integer fields cannot fail.
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}
