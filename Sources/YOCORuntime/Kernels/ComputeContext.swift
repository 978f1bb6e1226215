import Foundation

/// How one session spreads its work over threads. Each session (and splice base) owns its own
/// value, so two sessions with different thread counts never disturb each other, and nothing
/// process-wide changes while a forward pass runs.
///
/// Parallel regions never nest: the bodies of `parallelFor` and `forRowBlocks` receive no
/// context and call the single-threaded `BLAS` wrappers directly.
struct ComputeContext: Sendable {
    let threads: Int

    init(threads: Int?) {
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        BLAS.useSingleThreadedCalls()
    }

    /// C[m,n] = alpha · A[m,k] · B[n,k]ᵀ + beta · C, a tall C cut into one row block per thread
    /// (rows are independent; below 256 rows one call is faster).
    func gemmNT(m: Int, n: Int, k: Int, alpha: Float = 1,
                a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        forRowBlocks(m) { r in
            BLAS.gemmNT(m: r.count, n: n, k: k, alpha: alpha, a: a + r.lowerBound * lda, lda: lda, b: b, ldb: ldb,
                        beta: beta, c: c + r.lowerBound * ldc, ldc: ldc)
        }
    }

    /// Runs body(rows) over `rows` cut into one contiguous block per thread, for row-independent
    /// work (norms, projections, RoPE, the FFN); one call when the rows are few.
    func forRowBlocks(_ rows: Int, minRows: Int = 256, _ body: (Range<Int>) -> Void) {
        let parts = threads > 1 && rows >= minRows ? threads : 1
        if parts == 1 { body(0..<rows); return }
        parallelFor(parts, workers: parts) { part, _ in body((part * rows / parts)..<((part + 1) * rows / parts)) }
    }
}

extension ComputeContext {
    /// Rows per tile of `forRowTiles`: a tile's activations through the FFN (its input, both
    /// hidden buffers) stay within a core's L2.
    static let rowTile = 128

    /// Runs body(rows) over `rows` cut into tiles of `rowTile` rows, handed to the threads as they
    /// come free, for row-independent work done as one fused sequence per tile (projection, FFN,
    /// the next norm), so that a tile's rows stay in cache from one step to the next.
    func forRowTiles(_ rows: Int, _ body: (Range<Int>) -> Void) {
        let tile = Self.rowTile, tiles = (rows + tile - 1) / tile
        parallelFor(tiles, workers: threads) { t, _ in body((t * tile)..<min(rows, (t + 1) * tile)) }
    }
}

/// Runs body(task, worker) for task in 0..<count on up to `workers` threads
/// (DispatchQueue.concurrentPerform), handing out tasks dynamically so uneven (causal) tasks
/// balance. `worker` indexes per-thread scratch.
func parallelFor(_ count: Int, workers: Int, _ body: (_ task: Int, _ worker: Int) -> Void) {
    let w = min(workers, count)
    if w <= 1 {
        for i in 0..<count { body(i, 0) }
        return
    }
    let counter = TaskCounter()
    withoutActuallyEscaping(body) { body in
        // The bodies write disjoint rows and per-worker scratch through raw pointers, which the
        // compiler cannot check; concurrentPerform returns only when every iteration is done.
        let shared = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: w) { worker in
            while true {
                let task = counter.next()
                if task >= count { break }
                shared.value(task, worker)
            }
        }
    }
}

/// A value handed to concurrent iterations whose safety the caller guarantees (see parallelFor).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// A locked counter: tasks are ≥ tens of microseconds, so a mutex per task costs nothing.
private final class TaskCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func next() -> Int {
        lock.lock(); defer { lock.unlock() }
        value += 1
        return value - 1
    }
}
