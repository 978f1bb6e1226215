import Foundation

/// Gated retention mixer of one self-decoder layer (docs/ARCHITECTURE.md): per head a d×d state
/// S_t = γ_t S_{t-1} + k_tᵀ v_t, o_t = q_t S_t, with log γ_t = logsigmoid(x_t·W_gt)/16.
/// Prefill uses the chunkwise form over sub-chunks of `subChunk` tokens; a single token (decode)
/// or `recurrent = true` uses the recurrent form. Both give the same outputs.
final class RetentionLayer {
    let dim, heads, headDim, subChunk: Int
    var recurrent = false
    private let eps: Float
    private let state: FloatBuffer               // (heads, d, d)
    private let logGamma: FloatBuffer            // (heads, chunk) per-head log γ, then cumulative
    private var scratch: [FloatBuffer] = []      // per worker: a (B, B) | qs (B, d) | kd (B, d)

    init(config c: ModelConfig, chunk: Int, subChunk: Int, workers: Int) {
        dim = c.dim; heads = c.nSelfHeads; headDim = c.selfHeadDim
        self.subChunk = max(1, subChunk)
        eps = Float(c.normEps)
        state = FloatBuffer(heads * headDim * headDim)
        logGamma = FloatBuffer(heads * chunk)
        let b = self.subChunk, d = headDim
        scratch = (0..<max(1, min(workers, heads))).map { _ in FloatBuffer(b * b + 2 * b * d) }
    }

    func reset() { state.zero() }

    /// The per-head d×d states S: all a later chunk reads from earlier ones.
    var stateFloats: Int { heads * headDim * headDim }
    func save(into dst: UnsafeMutablePointer<Float>) { dst.update(from: state.ptr, count: stateFloats) }
    func load(from src: UnsafePointer<Float>) { state.ptr.update(from: src, count: stateFloats) }

    /// s.att (count, dim) = gRet(xb) before out_proj; xb (count, dim) is the normed input.
    func mix(_ xb: UnsafePointer<Float>, count: Int, position p0: Int, weights w: SelfLayerWeights,
             state s: RunState, rope: RopeTable) {
        let d = dim, hd = headDim, pw = w.wMixRows
        let proj = s.proj.ptr
        // proj (count, 4dim + heads) = xb · [Wq;Wk;Wv;Wg;Wgt]ᵀ
        s.compute.gemmNT(m: count, n: pw, k: d, a: xb, lda: d, b: w.wMix, ldb: d, c: proj, ldc: pw)
        rope.apply(proj, ld: pw, rows: count, heads: 2 * heads)   // q and k heads are adjacent
        let kScale = 1 / Float(hd).squareRoot()
        for t in 0..<count {
            let k = proj + t * pw + d
            for i in 0..<d { k[i] *= kScale }
            for h in 0..<heads { logGamma.ptr[h * count + t] = logSigmoid(proj[t * pw + 4 * d + h]) / 16 }
        }
        let useRecurrent = recurrent || count == 1
        parallelFor(heads, workers: min(s.compute.threads, scratch.count)) { h, worker in
            if useRecurrent {
                self.recurrentHead(h, count: count, proj: proj, pw: pw, out: s.att.ptr)
            } else {
                self.chunkwiseHead(h, count: count, proj: proj, pw: pw, out: s.att.ptr, scratch: self.scratch[worker].ptr)
            }
        }
        // Per-head RMSNorm without weight, then swiglu(g, o) = silu(g) · o.
        rmsnorm(s.att.ptr, ldo: hd, s.att.ptr, ldx: hd, weight: nil, rows: count * heads, n: hd, eps: eps)
        for t in 0..<count {
            let o = s.att.ptr + t * d, g = proj + t * pw + 3 * d
            for i in 0..<d { o[i] *= silu(g[i]) }
        }
    }

    private func recurrentHead(_ h: Int, count: Int, proj: UnsafeMutablePointer<Float>, pw: Int,
                               out: UnsafeMutablePointer<Float>) {
        let d = headDim, S = state.ptr + h * d * d
        for t in 0..<count {
            let q = proj + t * pw + h * d, k = q + dim, v = q + 2 * dim
            let gamma = exp(logGamma.ptr[h * count + t])
            let o = out + t * dim + h * d
            for j in 0..<d { o[j] = 0 }
            for a in 0..<d {
                let row = S + a * d, ka = k[a], qa = q[a]
                for j in 0..<d {
                    row[j] = gamma * row[j] + ka * v[j]
                    o[j] += qa * row[j]
                }
            }
        }
    }

    private func chunkwiseHead(_ h: Int, count: Int, proj: UnsafeMutablePointer<Float>, pw: Int,
                               out: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let d = headDim, B = subChunk, S = state.ptr + h * d * d
        let a = scratch, qs = scratch + B * B, kd = qs + B * d
        let G = logGamma.ptr + h * count
        for b in stride(from: 0, to: count, by: B) {
            let n = min(B, count - b)
            for i in 1..<max(n, 1) { G[b + i] += G[b + i - 1] }       // cumulative log γ inside the sub-chunk
            let q = proj + b * pw + h * d, k = q + dim, v = q + 2 * dim
            let o = out + b * dim + h * d
            // a (n, n) = q kᵀ ⊙ exp(G_i - G_j) ⊙ causal
            BLAS.gemmNT(m: n, n: n, k: d, a: q, lda: pw, b: k, ldb: pw, c: a, ldc: n)
            for i in 0..<n {
                let gi = G[b + i]
                for j in 0...i { a[i * n + j] *= exp(gi - G[b + j]) }
                for j in (i + 1)..<max(n, i + 1) { a[i * n + j] = 0 }
            }
            // o = a v  +  (q ⊙ exp(G_i)) S_prev
            BLAS.gemmNN(m: n, n: d, k: n, a: a, lda: n, b: v, ldb: pw, c: o, ldc: dim)
            let gLast = G[b + n - 1]
            for i in 0..<n {
                let e = exp(G[b + i]), e2 = exp(gLast - G[b + i])
                for j in 0..<d {
                    qs[i * d + j] = q[i * pw + j] * e
                    kd[i * d + j] = k[i * pw + j] * e2
                }
            }
            BLAS.gemmNN(m: n, n: d, k: d, a: qs, lda: d, b: S, ldb: d, beta: 1, c: o, ldc: dim)
            // S = exp(G_last) S + (k ⊙ exp(G_last - G_j))ᵀ v
            BLAS.gemmTN(m: d, n: d, k: n, a: kd, lda: d, b: v, ldb: pw, beta: exp(gLast), c: S, ldc: d)
        }
    }
}
