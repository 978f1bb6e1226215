/// The Transformer baseline in the same runtime: GQA attention with RoPE on q and k in every
/// layer and a KV cache per layer. Same chunked prefill; it cannot early-exit (every layer's K,V
/// of every prompt token is needed later), only the final norm + logits are skipped.
final class TransformerForward: ForwardPass {
    let c: ModelConfig
    let w: Weights
    let s: RunState
    let workspace: AttentionWorkspace
    let caches: [KVCache]                     // one per layer, (capacity, kvDim) each
    private let rope: RopeTable
    private(set) var position = 0

    init(model: Model, state: RunState, capacity: Int, kvDType: KVDType, keyTile: Int = 1024) {
        let c = model.config
        self.c = c; w = model.weights; s = state
        workspace = AttentionWorkspace(workers: state.compute.threads, keyTile: keyTile)
        caches = (0..<c.nLayers).map { _ in KVCache(width: c.kvDim, capacity: capacity, dtype: kvDType) }
        rope = RopeTable(headDim: c.headDim, theta: c.ropeTheta, capacity: state.chunk)
    }

    var kvBytes: Int { caches.reduce(0) { $0 + $1.bytes } }

    func reset() {
        position = 0
        caches.forEach { $0.reset() }
    }

    // Every layer's state is its KV cache: rewinding is truncation.
    var snapshotFloats: Int { 0 }
    func saveSnapshot(into dst: UnsafeMutablePointer<Float>) {}
    func restore(position p: Int, from src: UnsafePointer<Float>) {
        position = p
        caches.forEach { $0.truncate(to: p) }
    }

    func forward(tokens: UnsafePointer<Int32>, count n: Int, outputs: OutputRows, logits: UnsafeMutablePointer<Float>) {
        let d = c.dim, p0 = position, eps = Float(c.normEps)
        let x = s.x.ptr, xb = s.xb.ptr, proj = s.proj.ptr
        let pw = d + 2 * c.kvDim
        embedTokens(x, w.embed, tokens: tokens, count: n, dim: d)
        rope.prepare(start: p0, count: n)
        for (l, lw) in w.layers.enumerated() {
            rmsnorm(xb, ldo: d, x, ldx: d, weight: lw.mixerNorm, rows: n, n: d, eps: eps)
            // proj (n, dim + 2 kvDim) = xb · [Wq;Wk;Wv]ᵀ
            s.compute.gemmNT(m: n, n: pw, k: d, a: xb, lda: d, b: lw.wqkv, ldb: d, c: proj, ldc: pw)
            rope.apply(proj, ld: pw, rows: n, heads: c.nAttnHeads + c.nAttnKVHeads)  // q heads then k heads
            caches[l].append(k: proj + d, ldk: pw, v: proj + d + c.kvDim, ldv: pw, rows: n)
            attend(AttentionQueries(q: proj, ldq: pw, tokens: n, firstPosition: p0, out: s.att.ptr, ldo: d),
                   kv: caches[l].rows(headDim: c.headDim), heads: c.nAttnHeads, kvHeads: c.nAttnKVHeads,
                   window: nil, workspace: workspace)
            s.compute.gemmNT(m: n, n: d, k: d, a: s.att.ptr, lda: d, b: lw.wo, ldb: d, beta: 1, c: x, ldc: d)
            s.feedForward(x, rows: n, norm: lw.finalNorm, w13: lw.w13, w2: lw.w2, config: c)
        }
        position += n
        guard outputs != .none else { return }
        let r0 = outputs == .all ? 0 : n - 1
        s.projectLogits(x + r0 * d, rows: n - r0, norm: w.outNorm, output: w.output, into: logits, config: c)
    }
}
