extension YOCOForward {
    /// The cross-decoder for the last token of each of `rows` contexts at once (batched decode):
    /// s.x rows 0 ..< rows hold their self-decoder outputs; row r's query sits at `positions[r]`
    /// and attends over `views[r]` (rows of `shared` plus rows of its own). The dense steps run
    /// on all rows together; attention reads each shared key tile once for the whole batch, with
    /// the tiles planned once for all layers. Writes (rows, vocab) logits.
    func crossDecode(rows: Int, positions: [Int], views: [(shared: [Range<Int>], own: KVRows?)], shared: KVRows?,
                     rope: RopeTable, workspace: BatchAttentionWorkspace, logits: UnsafeMutablePointer<Float>) {
        precondition(rows <= s.chunk && positions.count == rows && views.count == rows, "a decode batch larger than the chunk")
        let d = c.dim
        let plan = BatchTilePlan(views: views, shared: shared, keyTile: workspace.keyTile)
        crossDecoder(s.x.ptr, rows: rows, logits: logits, rotate: { q in
            for r in 0..<rows {
                rope.prepare(start: positions[r], count: 1)
                rope.apply(q + r * d, ld: d, rows: 1, heads: c.nAttnHeads)
            }
        }, attention: { q, out in
            attendBatch(q: q, out: out, ld: d, plan: plan, views: views, shared: shared, heads: c.nAttnHeads,
                        kvHeads: c.nAttnKVHeads, headDim: c.headDim, workspace: workspace)
        })
    }
}
