/// Activation buffers for one chunk of at most `chunk` tokens, reused by every chunk and every
/// decode step (llama2.c's RunState). Sizes depend only on the model and the chunk: O(chunk).
final class RunState {
    let chunk: Int
    let compute: ComputeContext      // the owning session's threads
    let x: FloatBuffer      // (chunk, dim) residual stream
    let xb: FloatBuffer     // (chunk, dim) normed input of the current block
    let proj: FloatBuffer   // (chunk, projWidth) fused projection outputs (q;k;v;…)
    let att: FloatBuffer    // (chunk, dim) mixer output before out_proj
    let hb: FloatBuffer     // (chunk, 2 hidden) fc1 | gate
    let hb2: FloatBuffer    // (chunk, hidden) swiglu
    let logits: FloatBuffer // (vocab) logits of the last token

    init(config c: ModelConfig, chunk: Int, compute: ComputeContext) {
        self.chunk = chunk
        self.compute = compute
        let projWidth = max(4 * c.dim + c.nSelfHeads, c.dim + 2 * c.kvDim)
        x = FloatBuffer(chunk * c.dim)
        xb = FloatBuffer(chunk * c.dim)
        proj = FloatBuffer(chunk * projWidth)
        att = FloatBuffer(chunk * c.dim)
        hb = FloatBuffer(chunk * 2 * c.hiddenDim)
        hb2 = FloatBuffer(chunk * c.hiddenDim)
        logits = FloatBuffer(c.vocabSize)
    }

    /// x += FFN(RMSNorm(x)) for `rows` rows of x (stride dim): fc2(silu(fc1 x) · gate x).
    /// Rows are independent: a long chunk is cut into one row block per thread, each running
    /// norm, both gemms and the SwiGLU on its own rows (the elementwise steps too, not just the
    /// gemms; perf showed them on one core while the other waited).
    func feedForward(_ x: UnsafeMutablePointer<Float>, rows: Int, norm: UnsafePointer<Float>,
                     w13: UnsafePointer<Float>, w2: UnsafePointer<Float>, config c: ModelConfig) {
        compute.forRowBlocks(rows) { feedForwardRows(x, $0, norm: norm, w13: w13, w2: w2, config: c) }
    }

    /// feedForward on rows `r` of x, using the same rows of the scratch buffers.
    private func feedForwardRows(_ x: UnsafeMutablePointer<Float>, _ r: Range<Int>, norm: UnsafePointer<Float>,
                                 w13: UnsafePointer<Float>, w2: UnsafePointer<Float>, config c: ModelConfig) {
        let d = c.dim, h = c.hiddenDim, n = r.count
        let xr = x + r.lowerBound * d, xbr = xb.ptr + r.lowerBound * d
        let hbr = hb.ptr + r.lowerBound * 2 * h, hb2r = hb2.ptr + r.lowerBound * h
        rmsnorm(xbr, ldo: d, xr, ldx: d, weight: norm, rows: n, n: d, eps: Float(c.normEps))
        BLAS.gemmNT(m: n, n: 2 * h, k: d, a: xbr, lda: d, b: w13, ldb: d, c: hbr, ldc: 2 * h)
        swiglu(hb2r, ldh: h, hbr, ldab: 2 * h, rows: n, hidden: h)
        BLAS.gemmNT(m: n, n: d, k: h, a: hb2r, lda: h, b: w2, ldb: h, beta: 1, c: xr, ldc: d)
    }

    /// logits (rows, vocab) = RMSNorm(x) · output_projectionᵀ
    func projectLogits(_ x: UnsafePointer<Float>, rows: Int, norm: UnsafePointer<Float>, output: UnsafePointer<Float>,
                       into out: UnsafeMutablePointer<Float>, config c: ModelConfig) {
        let d = c.dim
        rmsnorm(xb.ptr, ldo: d, x, ldx: d, weight: norm, rows: rows, n: d, eps: Float(c.normEps))
        compute.gemmNT(m: rows, n: c.vocabSize, k: d, a: xb.ptr, lda: d, b: output, ldb: d, c: out, ldc: c.vocabSize)
    }
}

/// Which rows of a chunk need logits: none (prompt body, early exit), the last, or all (tests).
enum OutputRows { case none, last, all }

/// One architecture's forward pass over a chunk; it owns its caches and recurrent states.
protocol ForwardPass: AnyObject {
    /// Tokens processed so far (positions 0 ..< position are cached).
    var position: Int { get }
    /// Bytes of KV cache allocated.
    var kvBytes: Int { get }
    /// Runs `count` ≤ chunk tokens at positions position ..< position+count and caches them.
    /// Writes logits for `outputs` rows into `logits` ((1 or count), vocab).
    func forward(tokens: UnsafePointer<Int32>, count: Int, outputs: OutputRows, logits: UnsafeMutablePointer<Float>)
    func reset()
    /// Floats a snapshot of the recurrent self-decoder state holds (0: caches alone suffice).
    var snapshotFloats: Int { get }
    /// Copies the state needed to resume at `position` into `dst` (snapshotFloats floats).
    func saveSnapshot(into dst: UnsafeMutablePointer<Float>)
    /// Rewinds to `position` (≤ the current one) from a snapshot saved there; KV rows before it
    /// are unchanged, so the caches are truncated, not copied.
    func restore(position: Int, from src: UnsafePointer<Float>)
}
