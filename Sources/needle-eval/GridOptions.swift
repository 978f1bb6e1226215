import ArgumentParser
import Foundation
import NeedleEval
import NeedleSupport

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
        _ = try overrides()
        if let trials, trials < 1 { throw ValidationError("--trials must be at least 1 (got \(trials))") }
        if let seed, seed < 0 { throw ValidationError("--seed must be 0 or more (got \(seed))") }
        if let needles, needles < 1 { throw ValidationError("--needles must be at least 1 (got \(needles))") }
    }

    /// The flags as overrides of the task spec.
    func overrides() throws -> TaskOverrides {
        var o = TaskOverrides(needles: needles, trials: trials, seed: seed.map { UInt64($0) })
        if let length {
            guard let l = Lengths.parse(length) else {
                throw ValidationError("--length '\(length)' is not a length; use a positive token count like 4096, 64K or 1M")
            }
            (o.lengths, o.depths) = TaskOverrides.defaultGrid(upTo: l)
        }
        do {
            if let lengths { o.lengths = try Lengths.parseList(lengths, flag: "--lengths") }
        } catch let error as LengthListError { throw ValidationError(error.description) }
        if let depths { o.depths = try parseDepths(depths) }
        return o
    }

    /// The task spec with the command-line overrides applied and re-validated.
    func loadTask() throws -> TaskSpec {
        try TaskSpec.load(path: task).applying(try overrides())
    }

    private func parseDepths(_ text: String) throws -> [Int] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map {
            guard let d = Int($0.trimmingCharacters(in: .whitespaces)), (0...100).contains(d) else {
                throw ValidationError("--depths entry '\($0)' must be a whole percentage from 0 to 100")
            }
            return d
        }
    }
}
