import COpenBLAS

// The one file that talks to OpenBLAS. Everything else calls these thin wrappers, so that the
// BLAS dependency (and its row-major / transpose conventions) lives in one place.
// All matrices are row-major; `ld*` is the distance in floats between consecutive rows.
enum BLAS {
    /// Kernel family OpenBLAS picked when it was loaded ("Prescott" = slow generic fallback).
    static var coreName: String { String(cString: openblas_get_corename()) }

    /// Threads OpenBLAS uses for one call.
    static var threads: Int { Int(openblas_get_num_threads()) }

    static func setThreads(_ n: Int) {
        let n = max(1, n)
        if Int(openblas_get_num_threads()) != n { openblas_set_num_threads(Int32(n)) }
    }

    /// C[m,n] = alpha · A[m,k] · B[n,k]ᵀ + beta · C   (a linear layer: y = x·Wᵀ with W [out,in])
    @inline(__always)
    static func gemmNT(m: Int, n: Int, k: Int, alpha: Float = 1,
                       a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                       beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
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
