import Foundation

/// Runs body(task, worker) for task in 0..<count on up to `workers` threads
/// (DispatchQueue.concurrentPerform), handing out tasks dynamically so uneven (causal) tasks
/// balance. `worker` indexes per-thread scratch. gemms inside a task run whole in its thread
/// (no nested splitting).
func parallelFor(_ count: Int, workers: Int, _ body: (_ task: Int, _ worker: Int) -> Void) {
    let w = min(workers, count)
    if w <= 1 {
        for i in 0..<count { body(i, 0) }
        return
    }
    let nested = BLAS.inParallelRegion
    BLAS.inParallelRegion = true
    let counter = TaskCounter()
    withoutActuallyEscaping(body) { body in
        DispatchQueue.concurrentPerform(iterations: w) { worker in
            while true {
                let task = counter.next()
                if task >= count { break }
                body(task, worker)
            }
        }
    }
    BLAS.inParallelRegion = nested
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

/// Runs body(rows) over `rows` cut into one contiguous block per thread (BLAS.threads), for
/// row-independent work (norms, projections, RoPE, the FFN); one call when the rows are few or
/// already inside a parallel region.
func forRowBlocks(_ rows: Int, minRows: Int = 256, _ body: (Range<Int>) -> Void) {
    let parts = BLAS.threads > 1 && !BLAS.inParallelRegion && rows >= minRows ? BLAS.threads : 1
    if parts == 1 { body(0..<rows); return }
    parallelFor(parts, workers: parts) { part, _ in body((part * rows / parts)..<((part + 1) * rows / parts)) }
}
