import ArgumentParser
import Foundation
import NeedleEval

/// The flags that choose a task and its grid, shared by `run` and `generate`.
struct GridOptions: ParsableArguments {
    @Option(help: "Task spec file.")
    var task: String = "tasks/niah_single.json"

    @Option(help: "Default grid up to this length: 1K, 2K, 4K, … doubling up to it (e.g. 1M), depths 0,10,…,100.")
    var length: String?

    @Option(help: "Comma-separated lengths in tokens (K = 1024, M = 1048576), e.g. 4K,64K,1M.")
    var lengths: String?

    @Option(help: "Comma-separated depths in percent, e.g. 0,50,100.")
    var depths: String?

    @Option(help: "Trials per (length, depth) cell.")
    var trials: Int?

    @Option(help: "Seed for haystack, keys, values and distractor positions.")
    var seed: Int?

    @Option(help: "Override the task's number of needles (multi-needle tasks).")
    var needles: Int?

    func validate() throws {
        if length != nil && lengths != nil { throw ValidationError("--length and --lengths cannot be used together; pick one") }
        if let length, Lengths.parse(length) == nil {
            throw ValidationError("--length '\(length)' is not a length; use a positive token count like 4096, 64K or 1M")
        }
        if let lengths { _ = try parseLengths(lengths) }
        if let depths { _ = try parseDepths(depths) }
        if let trials, trials < 1 { throw ValidationError("--trials must be at least 1 (got \(trials))") }
        if let seed, seed < 0 { throw ValidationError("--seed must be 0 or more (got \(seed))") }
        if let needles, needles < 1 { throw ValidationError("--needles must be at least 1 (got \(needles))") }
    }

    /// The task spec with command-line overrides applied and re-validated.
    func loadTask() throws -> TaskSpec {
        var spec = try TaskSpec.load(path: task)
        if let needles {
            spec.needles = needles
            // Record the spec as run: the override goes into the stored JSON (and so its hash).
            if var dict = try JSONSerialization.jsonObject(with: Data(spec.json.utf8)) as? [String: Any] {
                dict["needles"] = needles
                let data = try JSONSerialization.data(withJSONObject: dict, options: [.sortedKeys, .prettyPrinted])
                spec.json = String(decoding: data, as: UTF8.self)
            }
        }
        if let trials { spec.trials = trials }
        if let seed { spec.seed = UInt64(seed) }
        if let length, let l = Lengths.parse(length) {
            spec.lengths = Lengths.doublingGrid(upTo: l)
            spec.depths = Array(stride(from: 0, through: 100, by: 10))
        }
        if let lengths { spec.lengths = try parseLengths(lengths) }
        if let depths { spec.depths = try parseDepths(depths) }
        try spec.validate()
        return spec
    }

    func plan(for spec: TaskSpec) -> TrialPlan {
        TrialPlan(lengths: spec.lengths, depths: spec.depths, trials: spec.trials)
    }

    private func parseLengths(_ text: String) throws -> [Int] {
        try text.split(separator: ",").map {
            guard let n = Lengths.parse(String($0)) else {
                throw ValidationError("--lengths entry '\($0)' is not a length; use positive token counts like 4096, 64K or 1M")
            }
            return n
        }
    }

    private func parseDepths(_ text: String) throws -> [Int] {
        try text.split(separator: ",").map {
            guard let d = Int($0.trimmingCharacters(in: .whitespaces)), (0...100).contains(d) else {
                throw ValidationError("--depths entry '\($0)' must be a whole percentage from 0 to 100")
            }
            return d
        }
    }
}
