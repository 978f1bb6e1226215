import Dispatch
import Foundation
import NeedleEval

/// Ctrl-C during a run: the first one lets the current trial finish and stops cleanly; a second
/// one stops at once. Either way the run is marked interrupted and no trial is half-recorded
/// (a trial is written in one transaction after it finishes).
final class InterruptWatcher: @unchecked Sendable {   // state behind `lock`; the source's queue calls the handler
    private let source: DispatchSourceSignal
    private let lock = NSLock()
    private var count = 0

    init(databasePath: String, runID: Int64) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [unowned self] in
            self.lock.lock(); self.count += 1; let n = self.count; self.lock.unlock()
            if n == 1 {
                FileHandle.standardError.write(Data("\nstopping after the current trial (Ctrl-C again to stop now)\n".utf8))
            } else {
                // The main thread may be inside a long prefill: mark the run from a connection
                // of our own and leave; the unfinished trial was never written.
                if let store = try? ResultsStore(path: databasePath) { try? store.setStatus(runID: runID, .interrupted) }
                FileHandle.standardError.write(Data("interrupted: run \(runID) kept its finished trials; continue with --resume\n".utf8))
                Foundation.exit(130)
            }
        }
        source.resume()
    }

    var requested: Bool { lock.lock(); defer { lock.unlock() }; return count > 0 }
}
