import Foundation
import NeedleEval

/// Progress on stderr: a redrawn bar on a terminal, a plain line every few seconds otherwise.
/// The ETA weighs remaining cells by their length, since a 1M cell prefilled on its own costs
/// ~1000 1K cells. With grid-level KV reuse a cell computes only its splice and question whatever
/// its length, so cells weigh the same (weighing by length there predicted 4 min for a 31 s run).
final class ProgressReporter {
    let total: Int
    let runID: Int64
    /// False when cells cost about the same whatever their length (KV reuse).
    var weighByLength = true
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var remainingTokens = 0
    private var processedTokens = 0
    private var remainingCells = 0
    private var processedCells = 0
    private var start = Date()
    private var lastLine = Date.distantPast

    init(total: Int, runID: Int64) {
        self.total = total
        self.runID = runID
    }

    func start(pending: [TrialKey], resumed: Int) {
        remainingTokens = pending.reduce(0) { $0 + $1.length }
        remainingCells = pending.count
        start = Date()
        let what = resumed > 0 ? "resuming run \(runID): \(resumed) of \(total) trials already done" : "run \(runID): \(total) trials"
        write("\(what), \(pending.count) to go\n")
    }

    func update(_ p: TrialProgress) {
        processedTokens += p.key.length
        remainingTokens -= p.key.length
        processedCells += 1
        remainingCells -= 1
        let (doneWork, leftWork) = weighByLength ? (processedTokens, remainingTokens) : (processedCells, remainingCells)
        let rate = Double(doneWork) / max(p.elapsedSeconds, 1e-9)
        let eta = rate > 0 ? Double(leftWork) / rate : 0
        let fields = "\(p.done)/\(total) cells · length \(Lengths.label(p.key.length)) · \(Self.rate(p.prefillTokensPerSecond)) prefill tok/s · ETA \(Self.duration(eta))"
        if isTerminal {
            let width = 24
            let filled = total == 0 ? width : width * p.done / total
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            write("\r\u{1B}[2K\(bar) \(fields)")
        } else if Date().timeIntervalSince(lastLine) >= 5 || p.done == total {
            lastLine = Date()
            write("\(fields)\n")
        }
    }

    func finish() { if isTerminal { write("\n") } }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }

    static func rate(_ r: Double) -> String { r >= 1000 ? String(format: "%.0fK", r / 1000) : String(format: "%.0f", r) }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m" : s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
