/// The two dense steps every block and the model's head share, over rows of the chunk's
/// activations: the SwiGLU feed-forward and the output projection to logits.
extension RunState {
    /// x += FFN(RMSNorm(x)) for `rows` rows of x (stride dim): fc2(silu(fc1 x) · gate x).
    /// Rows are independent: a long chunk is cut into one row block per thread, each running
    /// norm, both gemms and the SwiGLU on its own rows (the elementwise steps too, not just the
    /// gemms; perf showed them on one core while the other waited).
    func feedForward(_ x: UnsafeMutablePointer<Float>, rows: Int, norm: UnsafePointer<Float>,
                     w13: UnsafePointer<Float>, w2: UnsafePointer<Float>, config c: ModelConfig) {
        compute.forRowTiles(rows) { feedForwardRows(x, $0, norm: norm, w13: w13, w2: w2, config: c) }
    }

    /// feedForward on rows `r` of x, using the same rows of the scratch buffers.
    func feedForwardRows(_ x: UnsafeMutablePointer<Float>, _ r: Range<Int>, norm: UnsafePointer<Float>,
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
