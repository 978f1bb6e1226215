import COpenBLAS
import Foundation

/// FLOP and byte counts of the forward pass from the config, for benchmark roofline fractions.
/// Counts multiply-adds as 2 FLOPs; attention counts only the keys a query really sees.
public enum CostModel {
    /// FLOPs to prefill `length` tokens (YOCO: self-decoder + KV projection, early exit; the one
    /// cross-decoder token is negligible. Transformer: every layer with causal attention).
    public static func prefillFLOPs(_ c: ModelConfig, length: Int) -> Double {
        let d = Double(c.dim), h = Double(c.hiddenDim), L = Double(length)
        let ffn = 2 * d * 2 * h + 2 * h * d
        switch c.architecture {
        case .yoco:
            var perToken = 0.0
            for _ in 0..<c.nSelfLayers {
                if let w = c.slidingWindow {
                    perToken += 2 * d * 3 * d + 2 * d * d + 4 * d * Double(min(w, length)) + ffn
                } else {
                    let hd = Double(c.selfHeadDim)
                    perToken += 2 * d * (4 * d + Double(c.nSelfHeads)) + 2 * d * d + 4 * d * hd + ffn
                }
            }
            perToken += 2 * d * 2 * Double(c.kvDim)
            return perToken * L
        case .transformer:
            let proj = 2 * d * (d + 2 * Double(c.kvDim)) + 2 * d * d + ffn
            // causal attention: Σ_i (i+1) keys ≈ L²/2, QK and PV each 2·hd per key per head
            let attention = 4 * d * L * (L + 1) / 2
            return Double(c.nLayers) * (proj * L + attention)
        }
    }

    /// KV-cache bytes one decode token reads at `context` tokens (every cross layer, or every
    /// Transformer layer, reads all K and V once).
    public static func decodeKVBytesRead(_ c: ModelConfig, context: Int, kvDType: KVDType) -> Double {
        let layers = c.architecture == .yoco ? c.nCrossLayers : c.nLayers
        return Double(layers) * 2 * Double(context) * Double(c.kvDim) * (kvDType == .f32 ? 4 : 2)
    }
}

/// Measures what the BLAS can do on this machine (for roofline fractions).
public enum BLASProbe {
    /// GFLOP/s of C[m,n] = A[m,k]·B[n,k]ᵀ (best of `repeats` after one warm-up) on `BLAS.threads`
    /// threads, the better of the runtime's row split and OpenBLAS's own threading, so that
    /// fractions of it are not flattered by a weak split.
    public static func sgemmGFLOPs(m: Int, n: Int, k: Int, repeats: Int = 3) -> Double {
        let split = sgemmGFLOPsOnce(m: m, n: n, k: k, repeats: repeats)
        let threads = BLAS.threads
        guard threads > 1 else { return split }
        openblas_set_num_threads(Int32(threads))
        BLAS.inParallelRegion = true            // whole-matrix calls: OpenBLAS threads them
        let native = sgemmGFLOPsOnce(m: m, n: n, k: k, repeats: repeats)
        BLAS.inParallelRegion = false
        BLAS.setThreads(threads)
        return max(split, native)
    }

    private static func sgemmGFLOPsOnce(m: Int, n: Int, k: Int, repeats: Int) -> Double {
        let a = FloatBuffer(m * k), b = FloatBuffer(n * k), c = FloatBuffer(m * n)
        var rng = SplitMix64(seed: 1)
        for i in 0..<a.count { a.ptr[i] = rng.symmetric() }
        for i in 0..<b.count { b.ptr[i] = rng.symmetric() }
        var best = Double.infinity
        for r in 0...repeats {
            let t0 = DispatchTime.now().uptimeNanoseconds
            BLAS.gemmNT(m: m, n: n, k: k, a: a.ptr, lda: k, b: b.ptr, ldb: k, c: c.ptr, ldc: n)
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            if r > 0 { best = min(best, dt) }
        }
        return 2 * Double(m) * Double(n) * Double(k) / best / 1e9
    }
}
