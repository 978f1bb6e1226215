import Foundation
import NeedleSupport

/// `needle-eval merge OUT SHARD...`: the runs of shard databases (`run --shard I/N`, one file per
/// shard) copied into one run of the whole grid in OUT (docs/SHARDING.md).
///
/// Checking comes first, writing second: every shard file is read (read-only) and every run in it
/// must be of one run definition (`RunDefinition`); a refusal names the file, run and field and
/// leaves OUT untouched (not even created). Then, in one transaction, OUT gets the run (found by
/// the same definition, else created as shard 1/1) and every cell it lacks. A cell OUT already
/// has is skipped, so merging a shard again changes nothing; a cell in two shards is taken from
/// the first file given and reported; an `error` row gives way to an answered one.
public enum ShardMerge {
    public struct Report: Sendable {
        public var runID: Int64
        public var createdRun: Bool
        public var grid: TrialPlan
        /// Trials written to OUT by this merge.
        public var added: Int
        /// Answered cells found in more than one shard run given (the first file's was kept).
        public var duplicated: [TrialKey]
        /// Duplicated or already-merged cells whose answers differ from the kept one.
        public var conflicting: [TrialKey]
        /// Cells OUT already had.
        public var alreadyMerged: Int
        /// Cells of the grid without an answered trial after the merge (`run --resume` fills them).
        public var missing: [TrialKey]
        public var status: RunStatus
    }

    public static func merge(into outPath: String, shards: [String], busyTimeoutMs: Int32 = 10_000) throws -> Report {
        let sources = try readShards(shards, out: outPath)
        let reference = sources[0].runs[0].run
        guard let grid = reference.grid else {
            throw MergeError("\(sources[0].path): run \(reference.id ?? 0) has a grid_json that is not a grid; merge files written by needle-eval run")
        }
        let store = try ResultsStore(path: outPath, busyTimeoutMs: busyTimeoutMs)
        let definition = RunDefinition(reference)
        let target = try store.runs().map(\.run).last { RunDefinition($0) == definition && $0.shard.isWhole }
        let existing = try target.map { try store.trials(runID: $0.id!) } ?? []
        var kept: [TrialKey: TrialRecord] = Dictionary(existing.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var fromOut = Set(existing.filter { $0.status == .ok }.map(\.key))
        var added: [TrialKey: TrialRecord] = [:]
        var duplicated = Set<TrialKey>(), conflicting = Set<TrialKey>(), seenInShards = Set<TrialKey>()
        var alreadyMerged = Set<TrialKey>()
        for source in sources {
            for run in source.runs {
                for trial in run.trials where grid.contains(trial.key) {
                    let key = trial.key
                    if trial.status == .ok {
                        if seenInShards.contains(key) { duplicated.insert(key) }
                        seenInShards.insert(key)
                        if fromOut.contains(key) { alreadyMerged.insert(key) }
                    }
                    guard let current = kept[key] else { kept[key] = trial; added[key] = trial; continue }
                    if current.status == .error && trial.status == .ok {
                        kept[key] = trial; added[key] = trial
                    } else if current.status == .ok && trial.status == .ok && !sameAnswer(current, trial) {
                        conflicting.insert(key)
                    }
                }
            }
        }
        fromOut.formUnion(added.filter { $0.value.status == .ok }.keys)
        let missing = grid.cells.filter { !fromOut.contains($0) }
        let status: RunStatus = missing.isEmpty ? .finished : .interrupted
        let trials = added.values.sorted { $0.key < $1.key }
        var runID = target?.id ?? 0
        if target == nil || !trials.isEmpty || target?.status != status {
            var run = reference
            run.id = target?.id
            run.shard = .whole
            run.status = status
            let allRuns = sources.flatMap(\.runs).map(\.run)
            run.startedAt = allRuns.map(\.startedAt).min()!
            run.finishedAt = allRuns.compactMap(\.finishedAt).max() ?? Date()
            runID = try store.recordMerge(run: run, trials: trials)
        }
        return Report(runID: runID, createdRun: target == nil, grid: grid, added: trials.count,
                      duplicated: duplicated.sorted(), conflicting: conflicting.sorted(), alreadyMerged: alreadyMerged.count,
                      missing: missing, status: status)
    }

    private struct SourceRun { var run: RunRecord; var trials: [TrialRecord] }
    private struct Source { var path: String; var runs: [SourceRun] }

    /// Every run of every shard file, checked against the first one's definition.
    private static func readShards(_ paths: [String], out: String) throws -> [Source] {
        guard !paths.isEmpty else { throw MergeError("give at least one shard database after OUT, e.g. needle-eval merge all.sqlite shard-*.sqlite") }
        let outFile = URL(fileURLWithPath: out).standardizedFileURL.resolvingSymlinksInPath().path
        var sources: [Source] = []
        var reference: (path: String, run: RunRecord)?
        for path in paths {
            if URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path == outFile {
                throw MergeError("\(path) is both OUT and a shard; merge into a new file, e.g. needle-eval merge merged.sqlite \(paths.joined(separator: " "))")
            }
            guard FileManager.default.fileExists(atPath: path) else {
                throw MergeError("\(path): no such file; give the shard databases that run --shard wrote")
            }
            let store = try ResultsStore(path: path, readOnly: true)
            let runs = try store.runs().map(\.run)
            guard !runs.isEmpty else { throw MergeError("\(path): no runs in this database; give the databases that run --shard wrote") }
            var read: [SourceRun] = []
            for run in runs {
                if let reference {
                    if let field = RunDefinition(reference.run).firstDifference(from: RunDefinition(run)) {
                        throw MergeError("\(path): run \(run.id!) is not of the same run definition as run \(reference.run.id!) of \(reference.path): "
                            + "\(field.name) is \(field.theirs), there \(field.ours); merge only shards of one grid run (same model, task, grid, seed, backend and tokenizer)")
                    }
                } else {
                    reference = (path, run)
                }
                read.append(SourceRun(run: run, trials: try store.trials(runID: run.id!)))
            }
            sources.append(Source(path: path, runs: read))
        }
        return sources
    }

    /// Same answer: greedy decoding gives it again; timings may differ.
    private static func sameAnswer(_ a: TrialRecord, _ b: TrialRecord) -> Bool {
        a.output == b.output && a.correct == b.correct && a.keysJSON == b.keysJSON && a.expectedJSON == b.expectedJSON
    }
}

/// What makes two runs the same grid run, so their cells may be merged: the model, the task as
/// run, the grid, the seed, who answered and how, and the tokenizer prompts were measured in. Not
/// compared: paths, hosts, times, options that do not change answers, the shard, and a server's
/// base URL (each shard may ask its own copy of the server).
struct RunDefinition: Equatable {
    var fields: [(name: String, value: String)]

    init(_ run: RunRecord) {
        fields = [("model_sha256", run.modelSHA256), ("task_hash", run.taskHash), ("grid_json", run.gridJSON),
                  ("seed", String(run.seed)), ("backend", run.backend), ("tokenizer_name", run.tokenizerName),
                  ("tokenizer_sha256", run.tokenizerSHA256), ("served_model", run.server.servedModel),
                  ("api", run.server.api)]
    }

    static func == (a: RunDefinition, b: RunDefinition) -> Bool { a.firstDifference(from: b) == nil }

    /// The first field whose value differs: its name, this definition's value and `other`'s.
    func firstDifference(from other: RunDefinition) -> (name: String, ours: String, theirs: String)? {
        zip(fields, other.fields).first { $0.0.value != $0.1.value }.map { ($0.0.name, $0.0.value, $0.1.value) }
    }
}

/// A merge that cannot be done as asked: nothing was written (exit status 2).
public struct MergeError: UsageProblem, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension TrialPlan {
    /// Whether `key` is a cell of this grid.
    public func contains(_ key: TrialKey) -> Bool {
        lengths.contains(key.length) && depths.contains(key.depth) && (0..<trials).contains(key.trial)
    }
}
