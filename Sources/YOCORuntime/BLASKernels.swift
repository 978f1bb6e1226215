import COpenBLAS

// The one file that talks to OpenBLAS. Everything else calls these thin wrappers, so that the
// BLAS dependency (and its row-major / transpose conventions) lives in one place.
// All matrices are row-major; `ld*` is the distance in floats between consecutive rows.
enum BLAS {
    /// Kernel family OpenBLAS picked when it was loaded ("Prescott" = slow generic fallback).
    static var coreName: String { String(cString: openblas_get_corename()) }

    /// Threads for one large gemm (and the runtime's parallel loops). OpenBLAS itself always runs
    /// single-threaded: its idle threads spin in sched_yield for a while after every call and
    /// took the 2 cores away from the runtime's own loops (perf: ~30% of prefill samples in
    /// sched_yield/__schedule). Large gemms split their rows over `threads` instead.
    private(set) static var threads = 1
    /// True inside a parallelFor: gemms there run whole in the calling thread.
    static var inParallelRegion = false

    static func setThreads(_ n: Int) {
        threads = max(1, n)
        if openblas_get_num_threads() != 1 { openblas_set_num_threads(1) }
    }

    /// C[m,n] = alpha · A[m,k] · B[n,k]ᵀ + beta · C   (a linear layer: y = x·Wᵀ with W [out,in])
    /// Rows are independent, so a tall C is cut into row blocks computed in parallel.
    @inline(__always)
    static func gemmNT(m: Int, n: Int, k: Int, alpha: Float = 1,
                       a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                       beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let parts = threads > 1 && !inParallelRegion && m >= 256 ? threads : 1
        if parts == 1 {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
                        alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
            return
        }
        parallelFor(parts, workers: parts) { part, _ in
            let r0 = part * m / parts, r1 = (part + 1) * m / parts
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(r1 - r0), Int32(n), Int32(k),
                        alpha, a + r0 * lda, Int32(lda), b, Int32(ldb), beta, c + r0 * ldc, Int32(ldc))
        }
    }

    /// C[m,n] = alpha · A[m,k] · B[k,n] + beta · C
    @inline(__always)
    static func gemmNN(m: Int, n: Int, k: Int, alpha: Float = 1,
                       a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                       beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// C[m,n] = alpha · A[k,m]ᵀ · B[k,n] + beta · C
    @inline(__always)
    static func gemmTN(m: Int, n: Int, k: Int, alpha: Float = 1,
                       a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                       beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
