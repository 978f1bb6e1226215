/// Snapshots of the self-decoder state at chunk boundaries of the current context, so that a
/// prompt sharing a prefix with the previous one resumes from the last boundary inside the shared
/// part instead of prefilling from 0 (needle-eval: every prompt of a run is cut from one
/// haystack). A snapshot at position B is taken only when the context so far was prefilled in
/// full chunks from position 0, so resuming at B and prefilling the rest in chunks gives
/// bitwise the same state and logits as a fresh prefill. The global KV cache needs no copy:
/// its rows before B never change, the session truncates it.
final class PrefixSnapshots {
    let chunk: Int
    let floatsPerSnapshot: Int
    /// Most snapshots the byte budget allows; beyond it every other one is dropped.
    let maxCount: Int
    /// Snapshots are kept at multiples of strideChunks · chunk (doubles when the budget is hit).
    private(set) var strideChunks = 1
    private var byPosition: [Int: [Float]] = [:]

    init(chunk: Int, floatsPerSnapshot: Int, budgetBytes: Int) {
        self.chunk = chunk
        self.floatsPerSnapshot = floatsPerSnapshot
        let each = floatsPerSnapshot * MemoryLayout<Float>.size
        maxCount = budgetBytes <= 0 ? 0 : (each == 0 ? Int.max : max(1, budgetBytes / each))
    }

    var count: Int { byPosition.count }
    var bytes: Int { byPosition.count * floatsPerSnapshot * MemoryLayout<Float>.size }

    /// Called after a full aligned chunk ended at `position`: saves the pass's state if the
    /// position is on the current stride.
    func offer(position: Int, pass: ForwardPass) {
        guard maxCount > 0, position > 0, position % (strideChunks * chunk) == 0, byPosition[position] == nil else { return }
        var snapshot = [Float](repeating: 0, count: max(1, floatsPerSnapshot))   // never empty: a base address
        snapshot.withUnsafeMutableBufferPointer { pass.saveSnapshot(into: $0.baseAddress!) }
        byPosition[position] = snapshot
        while byPosition.count > maxCount {
            strideChunks *= 2
            let keep = strideChunks * chunk
            byPosition = byPosition.filter { $0.key % keep == 0 }
        }
    }

    /// The latest snapshot at or before `limit`.
    func latest(atOrBefore limit: Int) -> (position: Int, state: [Float])? {
        guard let best = byPosition.keys.filter({ $0 <= limit }).max() else { return nil }
        return (best, byPosition[best]!)
    }

    /// Drops snapshots after `position` (the context past it is being replaced).
    func dropAfter(_ position: Int) { byPosition = byPosition.filter { $0.key <= position } }

    func removeAll() {
        byPosition = [:]
        strideChunks = 1
    }
}
