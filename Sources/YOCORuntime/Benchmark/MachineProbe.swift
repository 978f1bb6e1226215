import Foundation
import NeedleSupport

/// Measures what this machine can do, so that benchmark speeds can be judged as fractions of it
/// (the machines this project runs on vary).
public enum MachineProbe {
    /// GFLOP/s of C[m,n] = A[m,k]·B[n,k]ᵀ on `threads` threads (best of `repeats` after one
    /// warm-up): the better of the runtime's own row split and OpenBLAS's threading, so that
    /// fractions of it are not flattered by a weak split.
    public static func sgemmGFLOPs(m: Int, n: Int, k: Int, threads: Int, repeats: Int = 3) -> Double {
        let a = FloatBuffer(m * k), b = FloatBuffer(n * k), c = FloatBuffer(m * n)
        var rng = SeededRandom(seed: 1)
        for i in 0..<a.count { a.ptr[i] = rng.symmetric() }
        for i in 0..<b.count { b.ptr[i] = rng.symmetric() }
        let compute = ComputeContext(threads: threads)
        func best(_ gemm: () -> Void) -> Double {
            var fastest = Double.infinity
            for r in 0...repeats {
                let clock = Stopwatch()
                gemm()
                if r > 0 { fastest = min(fastest, clock.seconds) }
            }
            return 2 * Double(m) * Double(n) * Double(k) / fastest / 1e9
        }
        let split = best { compute.gemmNT(m: m, n: n, k: k, a: a.ptr, lda: k, b: b.ptr, ldb: k, c: c.ptr, ldc: n) }
        guard threads > 1 else { return split }
        let native = BLAS.withLibraryThreads(threads) {
            best { BLAS.gemmNT(m: m, n: n, k: k, a: a.ptr, lda: k, b: b.ptr, ldb: k, c: c.ptr, ldc: n) }
        }
        return max(split, native)
    }

    /// Best-of-3 memcpy bandwidth over a 256 MiB buffer, counting bytes read + written (GB/s).
    public static func memcpyGBps(bytes: Int = 256 << 20) -> Double {
        let src = Buffer<UInt8>(bytes), dst = Buffer<UInt8>(bytes)
        src.ptr.update(repeating: 1, count: bytes)
        var fastest = Double.infinity
        for _ in 0..<3 {
            let clock = Stopwatch()
            dst.ptr.update(from: src.ptr, count: bytes)
            fastest = min(fastest, clock.seconds)
        }
        return 2 * Double(bytes) / fastest / 1e9
    }
}
