import Foundation

/// Runs body(task, worker) for task in 0..<count on up to `workers` threads
/// (DispatchQueue.concurrentPerform), handing out tasks dynamically so uneven (causal) tasks
/// balance. `worker` indexes per-thread scratch. OpenBLAS is set to 1 thread inside so that
/// the small sgemms of each task run in the calling thread instead of oversubscribing.
func parallelFor(_ count: Int, workers: Int, _ body: (_ task: Int, _ worker: Int) -> Void) {
    let w = min(workers, count)
    if w <= 1 {
        for i in 0..<count { body(i, 0) }
        return
    }
    let saved = BLAS.threads
    BLAS.setThreads(1)
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
    BLAS.setThreads(saved)
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
