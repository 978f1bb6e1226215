import Foundation
import NeedleEval
import NeedleSupport

/// Progress of a run on stderr: a redrawn bar on a terminal, a plain line every few seconds
/// otherwise. The ETA is `RemainingTime`'s: cells weighed by what their length costs, with or
/// without a prefill of their own.
final class ProgressReporter {
    private var total = 0
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var pending: [TrialKey] = []
    /// Set once the backend has prepared (it says whether the prefill is shared); trials follow.
    private var remaining: RemainingTime?
    private var processedCells = 0
    private var lastLine = Date.distantPast
    private var errors = 0

    func handle(_ event: EvaluationPipeline.Event) {
        switch event {
        case .nothingToResume:
            write("no unfinished run of this model, tokenizer, task and grid to resume; starting a new one\n")
        case let .opened(runID, total, alreadyDone, pending):
            self.total = total
            self.pending = pending
            let what = alreadyDone > 0 ? "resuming run \(runID): \(alreadyDone) of \(total) trials already done" : "run \(runID): \(total) trials"
            write("\(what), \(pending.count) to go\n")
        case let .prepared(preparation):
            if let note = preparation.note { write(note + "\n") }
            remaining = RemainingTime(pending: pending, sharedPrefill: preparation.sharedPrefill,
                                      decodeBatch: preparation.decodeBatch)
        case let .trialFinished(p):
            update(p)
        }
    }

    private func update(_ p: TrialProgress) {
        processedCells += 1
        remaining?.finished(p.key)
        let eta = remaining?.seconds(elapsed: p.elapsedSeconds) ?? 0
        if !p.answered { errors += 1 }
        // The rest of a decoded-together group arrives at once: show the state after the last.
        if p.moreReady { return }
        let speed = p.prefillTokensPerSecond > 0 ? " · \(Self.rate(p.prefillTokensPerSecond)) prefill tok/s" : ""
        let failed = errors > 0 ? " · \(errors) unanswered" : ""
        let fields = "\(p.done)/\(total) cells · length \(Lengths.label(p.key.length))\(speed)\(failed) · ETA \(Self.duration(eta))"
        if isTerminal {
            let width = 24
            let filled = total == 0 ? width : width * p.done / total
            write("\r\u{1B}[2K" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + " \(fields)")
        } else if Date().timeIntervalSince(lastLine) >= 5 || p.done == total {
            lastLine = Date()
            write("\(fields)\n")
        }
    }

    func finish() { if isTerminal && processedCells > 0 { write("\n") } }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }

    static func rate(_ r: Double) -> String { r >= 1000 ? String(format: "%.0fK", r / 1000) : String(format: "%.0f", r) }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m" : s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
