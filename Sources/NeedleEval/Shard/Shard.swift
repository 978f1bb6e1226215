import Foundation
import NeedleSupport

/// Which part of a grid one process evaluates: shard `index` of `count`, counted from 1
/// (`--shard 2/4`). `whole` (1/1) is an unsharded run; every run recorded before schema version 6
/// is one. The cells of each shard are `ShardPartition`'s (docs/SHARDING.md).
public struct Shard: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// Nil unless 1 ≤ index ≤ count.
    public init?(index: Int, count: Int) {
        guard count >= 1, (1...count).contains(index) else { return nil }
        (self.index, self.count) = (index, count)
    }

    public static let whole = Shard(index: 1, count: 1)!

    public var isWhole: Bool { count == 1 }

    /// `I/N`, as `--shard` takes it.
    public var description: String { "\(index)/\(count)" }

    /// The shard `--shard TEXT` names: `I/N` (1-based), or `auto`: the scheduler's own variables —
    /// a Slurm job array (`SLURM_ARRAY_TASK_ID` from `SLURM_ARRAY_TASK_MIN` in steps of
    /// `SLURM_ARRAY_TASK_STEP`, `SLURM_ARRAY_TASK_COUNT` tasks) or a Kubernetes Indexed Job
    /// (`JOB_COMPLETION_INDEX`, from 0, and `NEEDLE_EVAL_SHARD_COUNT`: Kubernetes puts no count
    /// in the environment, so the Job sets it to its `completions`).
    public static func parse(_ text: String, environment: [String: String]) throws -> Shard {
        if text == "auto" { return try fromScheduler(environment) }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw ShardError("--shard '\(text)' is not I/N; give the shard's number and the shard count, e.g. --shard 2/4, or --shard auto under Slurm or Kubernetes")
        }
        guard count >= 1 else { throw ShardError("--shard '\(text)': the shard count must be at least 1, e.g. --shard 1/4") }
        guard let shard = Shard(index: index, count: count) else {
            throw ShardError("--shard '\(text)': shards are numbered from 1 to \(count) (1/\(count) … \(count)/\(count)); "
                + (index == 0 ? "for a 0-based scheduler index use --shard auto, which adds 1" : "pick a number in that range"))
        }
        return shard
    }

    private static func fromScheduler(_ env: [String: String]) throws -> Shard {
        func number(_ name: String) throws -> Int? {
            guard let text = env[name] else { return nil }
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw ShardError("--shard auto: \(name)='\(text)' is not a whole number")
            }
            return value
        }
        if let id = try number("SLURM_ARRAY_TASK_ID") {
            guard let count = try number("SLURM_ARRAY_TASK_COUNT") else {
                throw ShardError("--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; submit with sbatch --array, or give --shard I/N")
            }
            // Arrays need not start at 0 or 1 (--array=5-8) and may step (--array=0-9:3).
            let first = try number("SLURM_ARRAY_TASK_MIN") ?? 0
            let step = max(try number("SLURM_ARRAY_TASK_STEP") ?? 1, 1)
            let offset = id - first
            guard offset >= 0, offset % step == 0, let shard = Shard(index: offset / step + 1, count: count) else {
                throw ShardError("--shard auto: array task \(id) (min \(first), step \(step)) is not one of \(count) tasks; "
                    + "submit a plain range such as sbatch --array=1-\(count), or give --shard I/N")
            }
            return shard
        }
        if let index = try number("JOB_COMPLETION_INDEX") {
            guard let count = try number("NEEDLE_EVAL_SHARD_COUNT") else {
                throw ShardError("--shard auto: JOB_COMPLETION_INDEX is set but NEEDLE_EVAL_SHARD_COUNT is not; set it in the Job's env to its completions")
            }
            guard let shard = Shard(index: index + 1, count: count) else {
                throw ShardError("--shard auto: JOB_COMPLETION_INDEX \(index) is not below NEEDLE_EVAL_SHARD_COUNT \(count); make them agree")
            }
            return shard
        }
        throw ShardError("--shard auto: neither SLURM_ARRAY_TASK_ID (sbatch --array) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set; give --shard I/N")
    }
}

/// A `--shard` value that names no shard: a usage error (exit status 2).
public struct ShardError: UsageProblem, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
