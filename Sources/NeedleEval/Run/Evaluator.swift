import Foundation

/// What the evaluator reports after each finished trial.
public struct TrialProgress: Sendable {
    public var done: Int
    public var total: Int
    public var key: TrialKey
    public var correct: Bool
    /// False when the trial could not be answered (recorded with status `error`).
    public var answered: Bool = true
    /// Prompt tokens processed per second of prefill in this trial.
    public var prefillTokensPerSecond: Double
    public var elapsedSeconds: Double
    /// More finished trials follow at once (the rest of a group answered together): a display
    /// may wait for the last.
    public var moreReady = false
}

/// Runs the cells of a plan against responders: build the prompt, ask each question in turn,
/// score, hand the finished trial to `record` (which commits it). Knows no model and no database,
/// so tests drive it with fakes.
///
/// With one responder the trials run in order on the calling thread. With several (a server
/// backend's `--concurrency`), each responder answers on a thread of its own, taking the next
/// pending cell when it is free; prompts are built one at a time (the builder extends its
/// haystack as it goes) and `record` and `progress` are called one at a time, in the order the
/// trials finish.
///
/// With a batch responder, cells run in groups of its batch size, in order: each group's prompts
/// are answered together, then its trials are recorded in order. A stop takes effect between
/// groups, so at most one group is finished after it.
public final class Evaluator {
    public let spec: TaskSpec
    public let builder: PromptBuilder
    public let responders: [any Responder]
    public var responder: any Responder { responders[0] }
    public let batch: (any BatchResponder)?

    public convenience init(spec: TaskSpec, builder: PromptBuilder, responder: any Responder) {
        self.init(spec: spec, builder: builder, responders: [responder])
    }

    public init(spec: TaskSpec, builder: PromptBuilder, responders: [any Responder], batch: (any BatchResponder)? = nil) {
        precondition(!responders.isEmpty, "an evaluator needs a responder")
        self.spec = spec
        self.builder = builder
        self.responders = responders
        self.batch = batch
    }

    private let buildLock = NSLock()

    /// One trial, start to finish, on `responder`; throws only for faults (a prompt that cannot be
    /// built, a runtime error, a request the server refuses), never for a wrong answer. A trial the
    /// responder could not get answered (`UnansweredTrial`) comes back with status `error`.
    public func runTrial(_ key: TrialKey, runID: Int64, on responder: (any Responder)? = nil) throws -> TrialRecord {
        let responder = responder ?? self.responder
        let started = Date()
        let prompt = try buildLock.withLock { try builder.build(length: key.length, depth: key.depth, trial: key.trial) }
        let keys = prompt.queries.map(\.key), expected = prompt.queries.map(\.expected)
        var outputs: [String] = []
        do {
            try responder.begin(prompt: prompt.tokens)
            for (i, query) in prompt.queries.enumerated() {
                outputs.append(try responder.answer(followUp: i == 0 ? [] : query.questionTokens,
                                                    stop: spec.stop, maxNewTokens: spec.maxNewTokens))
            }
        } catch let failure as UnansweredTrial {
            return TrialRecord(unanswered: failure, key: key, runID: runID, keys: keys, expected: expected,
                               promptTokens: prompt.tokens.count, needleTokenOffset: prompt.needleTokenOffset,
                               startedAt: started, finishedAt: Date())
        }
        return TrialRecord(scoring: outputs, key: key, runID: runID, keys: keys, expected: expected, stop: spec.stop,
                           promptTokens: prompt.tokens.count, needleTokenOffset: prompt.needleTokenOffset,
                           metrics: responder.metrics, startedAt: started, finishedAt: Date())
    }

    /// A group of trials answered together by `batch`, in the order of `keys`. Each prompt is
    /// built when the responder takes it; only what its record needs is kept afterwards.
    public func runBatch(_ keys: [TrialKey], runID: Int64, on batch: any BatchResponder) throws -> [TrialRecord] {
        let started = Date()
        var built: [(tokens: Int, needleOffset: Int, queries: [PromptQuery])] = []
        let answers = try batch.answer(keys.count, conversation: { i in
            precondition(i == built.count, "a batch responder takes conversations in order, once each")
            let p = try builder.build(length: keys[i].length, depth: keys[i].depth, trial: keys[i].trial)
            built.append((p.tokens.count, p.needleTokenOffset, p.queries))
            return Conversation(prompt: p.tokens, followUps: p.queries.dropFirst().map(\.questionTokens))
        }, stop: spec.stop, maxNewTokens: spec.maxNewTokens)
        precondition(answers.count == keys.count && built.count == keys.count, "a batch responder answers every conversation")
        let finished = Date()
        return keys.indices.map { i in
            TrialRecord(scoring: answers[i].outputs, key: keys[i], runID: runID, keys: built[i].queries.map(\.key),
                        expected: built[i].queries.map(\.expected), stop: spec.stop, promptTokens: built[i].tokens,
                        needleTokenOffset: built[i].needleOffset, metrics: answers[i].metrics,
                        startedAt: started, finishedAt: finished)
        }
    }

    /// Runs `pending` cells until done or `shouldStop` says so (checked before each trial starts,
    /// so no trial is ever half-recorded). Returns how many trials were recorded.
    @discardableResult
    public func run(pending: [TrialKey], runID: Int64, alreadyDone: Int, total: Int,
                    shouldStop: () -> Bool = { false },
                    record: (TrialRecord) throws -> Void,
                    progress: (TrialProgress) -> Void = { _ in }) throws -> Int {
        let start = Date()
        var done = alreadyDone
        func finish(_ trial: TrialRecord, moreReady: Bool = false) throws {
            try record(trial)
            done += 1
            // A server that does not report its prefill time gives no speed (0).
            let seconds = trial.prefillMilliseconds / 1000
            progress(TrialProgress(done: done, total: total, key: trial.key, correct: trial.correct,
                                   answered: trial.status == .ok,
                                   prefillTokensPerSecond: seconds > 0 ? Double(trial.promptTokens) / seconds : 0,
                                   elapsedSeconds: Date().timeIntervalSince(start), moreReady: moreReady))
        }
        if let batch, pending.count > 1 {
            for start in stride(from: 0, to: pending.count, by: max(1, batch.batchSize)) {
                if shouldStop() { break }
                let trials = try runBatch(Array(pending[start..<min(pending.count, start + max(1, batch.batchSize))]), runID: runID, on: batch)
                for (i, trial) in trials.enumerated() { try finish(trial, moreReady: i < trials.count - 1) }
            }
        } else if responders.count == 1 || pending.count <= 1 {
            for key in pending {
                if shouldStop() { break }
                try finish(try runTrial(key, runID: runID))
            }
        } else {
            try runConcurrently(pending: pending, runID: runID, shouldStop: shouldStop, finish: { try finish($0) })
        }
        return done - alreadyDone
    }

    /// One worker thread per responder takes cells from a shared queue and hands back finished
    /// trials; this thread records them (and checks `shouldStop`) as they come. The first error
    /// stops the workers from taking new cells; trials already answered are still recorded, then
    /// the error is rethrown.
    private func runConcurrently(pending: [TrialKey], runID: Int64, shouldStop: () -> Bool,
                                 finish: (TrialRecord) throws -> Void) throws {
        let queue = WorkQueue(cells: pending)
        let evaluator = UncheckedSendable(self)
        for responder in responders.prefix(pending.count) {
            let mine = UncheckedSendable(responder)   // used by this worker alone
            queue.workerStarted()
            let worker = Thread {
                while let key = queue.take() {
                    queue.deliver(Result { try evaluator.value.runTrial(key, runID: runID, on: mine.value) })
                }
                queue.workerFinished()
            }
            worker.stackSize = 8 << 20
            worker.start()
        }
        var firstError: (any Error)?
        while let result = queue.nextResult() {
            do {
                try finish(try result.get())
                if shouldStop() { queue.stop() }
            } catch {
                if firstError == nil { firstError = error }
                queue.stop()
            }
        }
        if let firstError { throw firstError }
    }
}

/// The cells still to run, handed to workers one at a time, and the trials they finish, handed
/// back in the order they finish.
private final class WorkQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var cells: ArraySlice<TrialKey>
    private var results: [Result<TrialRecord, any Error>] = []
    private var running = 0
    private var stopped = false

    init(cells: [TrialKey]) { self.cells = cells[...] }

    func workerStarted() { condition.withLock { running += 1 } }

    func workerFinished() {
        condition.withLock { running -= 1; condition.broadcast() }
    }

    /// The next cell; nil when none is left or the run stops. A worker waits while a finished
    /// trial is still to be recorded, so a stop leaves at most one trial per worker to finish.
    func take() -> TrialKey? {
        condition.withLock {
            while !results.isEmpty && !stopped { condition.wait() }
            return stopped ? nil : cells.popFirst()
        }
    }

    func deliver(_ result: Result<TrialRecord, any Error>) {
        condition.withLock { results.append(result); condition.broadcast() }
    }

    /// No new cells: workers finish the trial they are on.
    func stop() { condition.withLock { stopped = true; condition.broadcast() } }

    /// The next finished trial, waiting for one; nil once every worker has finished and every
    /// result was taken.
    func nextResult() -> Result<TrialRecord, any Error>? {
        condition.withLock {
            while results.isEmpty && running > 0 { condition.wait() }
            defer { condition.broadcast() }
            return results.isEmpty ? nil : results.removeFirst()
        }
    }
}

/// A value handed to another thread whose safety the code around it guarantees (locks, one
/// owner at a time) rather than the type system.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
