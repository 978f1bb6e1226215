extension YOCOForward {
    /// The cross-decoder for the last token of each of `rows` contexts at once (batched decode):
    /// s.x rows 0 ..< rows hold their self-decoder outputs; row r's query sits at `positions[r]`
    /// and attends over `views[r]` (rows of `shared` plus rows of its own). The dense steps run
    /// on all rows together; attention reads each shared key tile once for the whole batch.
    /// Writes (rows, vocab) logits.
    func crossDecode(rows: Int, positions: [Int], views: [(shared: [Range<Int>], own: KVRows?)], shared: KVRows?,
                     rope: RopeTable, workspace: BatchAttentionWorkspace, logits: UnsafeMutablePointer<Float>) {
        precondition(rows <= s.chunk && positions.count == rows && views.count == rows, "a decode batch larger than the chunk")
        let d = c.dim, eps = Float(c.normEps)
        let x = s.x.ptr, xb = s.xb.ptr, proj = s.proj.ptr, att = s.att.ptr
        let queries = (0..<rows).map { r in
            BatchQuery(q: proj + r * d, out: att + r * d, shared: views[r].shared, own: views[r].own)
        }
        for lw in w.crossLayers {
            rmsnorm(xb, ldo: d, x, ldx: d, weight: lw.mixerNorm, rows: rows, n: d, eps: eps)
            s.compute.gemmNT(m: rows, n: d, k: d, a: xb, lda: d, b: lw.wq, ldb: d, c: proj, ldc: d)
            if c.crossAttentionRope {
                for r in 0..<rows {
                    rope.prepare(start: positions[r], count: 1)
                    rope.apply(proj + r * d, ld: d, rows: 1, heads: c.nAttnHeads)
                }
            }
            attendBatch(queries, shared: shared, heads: c.nAttnHeads, kvHeads: c.nAttnKVHeads, headDim: c.headDim,
                        workspace: workspace)
            s.compute.gemmNT(m: rows, n: d, k: d, a: att, lda: d, b: lw.wo, ldb: d, beta: 1, c: x, ldc: d)
            s.feedForward(x, rows: rows, norm: lw.finalNorm, w13: lw.w13, w2: lw.w2, config: c)
        }
        s.projectLogits(x, rows: rows, norm: w.outNorm, output: w.output, into: logits, config: c)
    }
}
