import Foundation

/// A whole evaluation: opens (or resumes) the run in the store, prepares the backend, runs every
/// pending cell, records each finished trial in its own transaction, and sets the run's status.
/// It reports what happens as events and prints nothing, so the command line and the tests drive
/// the same code.
public final class EvaluationPipeline {
    public let spec: TaskSpec
    public let plan: TrialPlan
    public let store: ResultsStore
    public let backend: any EvaluationBackend
    /// The part of the grid this process evaluates (`run --shard I/N`); the run records it.
    public let shard: Shard

    public init(spec: TaskSpec, plan: TrialPlan, store: ResultsStore, backend: any EvaluationBackend,
                shard: Shard = .whole) {
        self.spec = spec
        self.plan = plan
        self.store = store
        self.backend = backend
        self.shard = shard
    }

    /// The cells this run owns, in the order they run.
    public var cells: [TrialKey] {
        shard.isWhole ? plan.cells : ShardPartition(plan: plan, count: shard.count).cells(of: shard)
    }

    /// What happened, in order.
    public enum Event: Sendable {
        /// `--resume` found no unfinished run of this model, tokenizer, task, grid and seed: a new one starts.
        case nothingToResume
        /// The run is open; `pending` cells remain of `total`, `alreadyDone` were recorded before.
        case opened(runID: Int64, total: Int, alreadyDone: Int, pending: [TrialKey])
        /// The backend is ready.
        case prepared(BackendPreparation)
        /// A trial finished and is committed.
        case trialFinished(TrialProgress)
    }

    /// How the run ended (a failure throws instead, after marking the run `failed`).
    public struct Outcome: Sendable, Equatable {
        public var runID: Int64
        public var status: RunStatus
        /// Trials this call recorded, of the `pending` it set out to run.
        public var recorded: Int
        public var pending: Int
        /// Wall time from opening the run, the backend's preparation included.
        public var seconds: Double
    }

    /// Runs the grid (this shard's cells). `resume` continues the latest unfinished run of the same
    /// model, task, grid, seed and shard; `shouldStop` is checked between trials (a trial is never half-recorded).
    public func run(resume: Bool, shouldStop: () -> Bool = { false }, events: (Event) -> Void = { _ in }) throws -> Outcome {
        let run = try openRun(resume: resume, events: events)
        let runID = run.id!
        let done = try store.completedCells(runID: runID)
        let cells = self.cells
        let pending = cells.filter { !done.contains($0) }
        events(.opened(runID: runID, total: cells.count, alreadyDone: done.count, pending: pending))
        let started = Date()
        do {
            let builder = try PromptBuilder(spec: spec, tokenizer: backend.tokenizer)
            events(.prepared(try backend.prepare(pending: pending, builder: builder)))
            var responders = [backend.responder]
            while responders.count < min(backend.concurrency, pending.count) { responders.append(try backend.makeResponder()) }
            let evaluator = Evaluator(spec: spec, builder: builder, responders: responders, batch: backend.batchResponder)
            let recorded = try evaluator.run(pending: pending, runID: runID, alreadyDone: done.count, total: cells.count,
                                             shouldStop: shouldStop, record: { try store.record($0) },
                                             progress: { events(.trialFinished($0)) })
            // A trial recorded as unanswered (`error`) leaves the run to be resumed, like a stop does.
            let unanswered = try store.errorTrials(runID: runID)
            let status: RunStatus = recorded < pending.count || unanswered > 0 ? .interrupted : .finished
            try store.setStatus(runID: runID, status)
            return Outcome(runID: runID, status: status, recorded: recorded, pending: pending.count, seconds: Date().timeIntervalSince(started))
        } catch {
            try? store.setStatus(runID: runID, .failed)
            throw error
        }
    }

    /// The run to continue (`resume`) or a new one.
    private func openRun(resume: Bool, events: (Event) -> Void) throws -> RunRecord {
        let identity = backend.identity
        let tokenizer = backend.tokenizerIdentity
        // The spec as run (command-line --needles included); seed and grid are columns of their own.
        let taskHash = SHA256.hex(spec.json)
        if resume {
            if var run = try store.findResumableRun(modelSHA256: identity.sha256, taskHash: taskHash,
                                                    gridJSON: plan.json, seed: spec.seed, tokenizer: tokenizer,
                                                    shard: shard) {
                try store.setStatus(runID: run.id!, .running)
                if run.tokenizerName.isEmpty && run.tokenizerSHA256.isEmpty {
                    try store.recordTokenizer(runID: run.id!, tokenizer)
                    (run.tokenizerName, run.tokenizerSHA256) = (tokenizer.name, tokenizer.sha256)
                }
                return run
            }
            events(.nothingToResume)
        }
        var run = RunRecord(
            modelPath: identity.path, modelSHA256: identity.sha256, taskName: spec.name, taskJSON: spec.json,
            taskHash: taskHash, gridJSON: plan.json, seed: spec.seed, toolVersion: NeedleEvalVersion.current,
            host: ProcessInfo.processInfo.hostName, optionsJSON: backend.optionsJSON,
            tokenizerName: tokenizer.name, tokenizerSHA256: tokenizer.sha256, backend: backend.backendName,
            server: backend.serverProvenance ?? ServerProvenance(), shard: shard)
        run.id = try store.createRun(run)
        return run
    }
}

/// The version recorded with every run.
public enum NeedleEvalVersion {
    public static let current = "needle-eval 0.1.0"
}
