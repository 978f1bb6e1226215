import COpenBLAS

// The one file that talks to OpenBLAS. Everything else calls these thin wrappers, so that the
// BLAS dependency (and its row-major / transpose conventions) lives in one place.
// All matrices are row-major; `ld*` is the distance in floats between consecutive rows.
enum BLAS {
    /// Kernel family OpenBLAS picked when it was loaded ("Prescott" = slow generic fallback).
    static var coreName: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS always runs single-threaded: its idle threads spin in sched_yield for a while
    /// after every call and took the 2 cores away from the runtime's own loops (perf: ~30% of
    /// prefill samples in sched_yield). `ComputeContext` splits large gemms itself instead.
    static func useSingleThreadedCalls() {
        if openblas_get_num_threads() != 1 { openblas_set_num_threads(1) }
    }

    /// Runs `body` with OpenBLAS's own threading on `threads` threads (the benchmark's probe of
    /// what the library can do), then goes back to single-threaded calls.
    static func withLibraryThreads<T>(_ threads: Int, _ body: () -> T) -> T {
        openblas_set_num_threads(Int32(threads))
        defer { useSingleThreadedCalls() }
        return body()
    }

    /// C[m,n] = alpha · A[m,k] · B[n,k]ᵀ + beta · C   (a linear layer: y = x·Wᵀ with W [out,in])
    @inline(__always)
    static func gemmNT(m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                       beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        sgemm(CblasNoTrans, CblasTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    /// C[m,n] = alpha · A[m,k] · B[k,n] + beta · C
    @inline(__always)
    static func gemmNN(m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                       beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        sgemm(CblasNoTrans, CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    /// C[m,n] = alpha · A[k,m]ᵀ · B[k,n] + beta · C
    @inline(__always)
    static func gemmTN(m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                       beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        sgemm(CblasTrans, CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    /// The one cblas_sgemm call, row-major.
    @inline(__always)
    private static func sgemm(_ ta: CBLAS_TRANSPOSE, _ tb: CBLAS_TRANSPOSE, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
                              _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
                              _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
