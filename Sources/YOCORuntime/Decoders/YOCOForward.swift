/// The YOCO decoder-decoder forward pass (docs/ARCHITECTURE.md).
/// Prompt chunks run the self-decoder and the KV projection only; the cross-decoder runs just for
/// the rows whose logits are wanted (early exit) — no later computation reads the others.
final class YOCOForward: ForwardPass {
    let c: ModelConfig
    let w: Weights
    let s: RunState
    let workspace: AttentionWorkspace
    private(set) var cache: KVCache           // the one global KV cache, (capacity, kvDim) each
    private let swa: [SlidingWindowLayer]
    let retention: [RetentionLayer]
    private let ropeSelf: RopeTable
    private let ropeCross: RopeTable
    private(set) var position = 0
    /// Rows of the last chunk the self-decoder ran: its output for them is in s.x.
    private(set) var lastChunkRows = 0

    init(model: Model, state: RunState, capacity: Int, kvDType: KVDType, retentionChunk: Int, keyTile: Int = 1024) {
        let c = model.config
        self.c = c; w = model.weights; s = state
        let workers = state.compute.threads
        workspace = AttentionWorkspace(workers: workers, keyTile: keyTile)
        cache = KVCache(width: c.kvDim, capacity: capacity, dtype: kvDType)
        if c.usesGatedRetention {
            swa = []
            retention = (0..<c.nSelfLayers).map { _ in
                RetentionLayer(config: c, chunk: state.chunk, subChunk: retentionChunk, workers: workers)
            }
        } else {
            swa = (0..<c.nSelfLayers).map { _ in SlidingWindowLayer(config: c, chunk: state.chunk) }
            retention = []
        }
        ropeSelf = RopeTable(headDim: c.selfHeadDim, theta: c.ropeTheta, capacity: state.chunk)
        ropeCross = c.selfHeadDim == c.headDim ? ropeSelf : RopeTable(headDim: c.headDim, theta: c.ropeTheta, capacity: state.chunk)
    }

    var kvBytes: Int { cache.bytes }

    func reset() {
        position = 0
        cache.reset()
        swa.forEach { $0.reset() }
        retention.forEach { $0.reset() }
    }

    /// Self layers' windows (SWA) or d×d states (gRet); the global KV cache is truncated instead.
    var snapshotFloats: Int { swa.reduce(0) { $0 + $1.stateFloats } + retention.reduce(0) { $0 + $1.stateFloats } }

    func saveSnapshot(into dst: UnsafeMutablePointer<Float>) {
        var p = dst
        for l in swa { l.save(into: p); p += l.stateFloats }
        for l in retention { l.save(into: p); p += l.stateFloats }
    }

    func restore(position p: Int, from src: UnsafePointer<Float>) {
        loadSelfStates(from: src)
        position = p
        cache.truncate(to: p)
    }

    /// Hands out this pass's context — its KV cache and position, and the self-decoder state
    /// (written into `state`, snapshotFloats floats) — and goes on with `replacement`, an empty
    /// cache. Batched decode keeps many contexts parked and runs their self-decoders here in turn.
    func park(state: UnsafeMutablePointer<Float>, replacement: KVCache) -> (cache: KVCache, position: Int) {
        precondition(replacement.count == 0 && replacement.width == c.kvDim, "park needs an empty cache of this model")
        saveSnapshot(into: state)
        let parked = (cache, position)
        cache = replacement
        position = 0
        return parked
    }

    /// Resumes a context `park` handed out; returns the cache this pass held until now.
    func unpark(cache parked: KVCache, position p: Int, state: UnsafePointer<Float>) -> KVCache {
        precondition(p == parked.count, "a parked context's position is its cache's row count")
        let previous = cache
        cache = parked
        loadSelfStates(from: state)
        position = p
        return previous
    }

    private func loadSelfStates(from src: UnsafePointer<Float>) {
        var q = src
        for l in swa { l.load(from: q); q += l.stateFloats }
        for l in retention { l.load(from: q); q += l.stateFloats }
    }

    // MARK: splicing (SplicePlan): the KV cache is filled out of order with respect to the
    // self-decoder, so the self-decoder can be restarted behind the cache's last row.

    /// Restarts the self-decoder at position `p` ≤ the cached rows, from empty windows/states
    /// (`snapshot` nil) or from a snapshot saved at `p`. The KV cache keeps its rows.
    func restartSelfDecoder(at p: Int, snapshot: UnsafePointer<Float>? = nil) {
        precondition(p <= cache.count, "self-decoder restart past the cached rows")
        if let snapshot { loadSelfStates(from: snapshot) } else { swa.forEach { $0.reset() }; retention.forEach { $0.reset() } }
        position = p
    }

    /// Runs the self-decoder over tokens already in the KV cache (positions position ..< +n) to
    /// rebuild its windows/states; writes no KV.
    func warmUp(tokens: UnsafePointer<Int32>, count n: Int) {
        precondition(position + n <= cache.count, "warm-up past the cached rows")
        runSelfDecoder(tokens: tokens, count: n, writeKV: false)
    }

    /// Appends base rows baseStart ..< +n as the next rows: references to the base's rows (no
    /// copy) when the global keys carry no position or keep theirs; a copy re-rotated to the new
    /// positions (R(p+δ) = R(δ)·R(p)) when RoPE'd keys move.
    func appendRows(from base: KVCache, baseStart: Int, count n: Int) {
        precondition(position == cache.count, "append rows at the end of the cache only")
        let delta = position - baseStart
        if c.crossAttentionRope && delta != 0 {
            cache.appendCopy(from: base, start: baseStart, count: n)
            let shift = RopeTable(headDim: c.headDim, theta: c.ropeTheta, capacity: 1)
            shift.prepare(start: delta, count: 1)
            cache.transformK(start: position, count: n) { shift.apply($0, ld: c.kvDim, rows: 1, heads: c.nAttnKVHeads) }
        } else {
            cache.append(from: base, start: baseStart, count: n)
        }
        position += n
    }

    func forward(tokens: UnsafePointer<Int32>, count n: Int, outputs: OutputRows, logits: UnsafeMutablePointer<Float>) {
        let d = c.dim, p0 = position
        runSelfDecoder(tokens: tokens, count: n, writeKV: true)

        guard outputs != .none else { return }
        // Cross-decoder on the rows that need logits; its input is the self-decoder output X.
        let r0 = outputs == .all ? 0 : n - 1, rows = n - r0
        let kvRows = cache.rows(headDim: c.headDim)
        crossDecoder(s.x.ptr + r0 * d, rows: rows, logits: logits, rotate: { q in
            ropeCross.apply(q, ld: d, rows: rows, heads: c.nAttnHeads, firstRow: r0)
        }, attention: { q, out in
            attend(AttentionQueries(q: q, ldq: d, tokens: rows, firstPosition: p0 + r0, out: out, ldo: d),
                   kv: kvRows, heads: c.nAttnHeads, kvHeads: c.nAttnKVHeads, window: nil, workspace: workspace)
        })
    }

    /// The cross-decoder on `rows` rows of x (stride dim), then their logits: per layer,
    /// q = norm(x)·Wqᵀ, rotated by `rotate` when the global keys carry RoPE, `attention` writes
    /// q's attention output, x += out·Woᵀ, then the FFN. Prompt prefill and batched decode differ
    /// only in how the queries are rotated and what they attend over.
    func crossDecoder(_ x: UnsafeMutablePointer<Float>, rows: Int, logits: UnsafeMutablePointer<Float>,
                      rotate: (UnsafeMutablePointer<Float>) -> Void,
                      attention: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
        let d = c.dim, eps = Float(c.normEps)
        let xb = s.xb.ptr, proj = s.proj.ptr, att = s.att.ptr
        for lw in w.crossLayers {
            rmsnorm(xb, ldo: d, x, ldx: d, weight: lw.mixerNorm, rows: rows, n: d, eps: eps)
            s.compute.gemmNT(m: rows, n: d, k: d, a: xb, lda: d, b: lw.wq, ldb: d, c: proj, ldc: d)
            if c.crossAttentionRope { rotate(proj) }
            attention(proj, att)
            s.compute.gemmNT(m: rows, n: d, k: d, a: att, lda: d, b: lw.wo, ldb: d, beta: 1, c: x, ldc: d)
            s.feedForward(x, rows: rows, norm: lw.finalNorm, w13: lw.w13, w2: lw.w2, config: c)
        }
        s.projectLogits(x, rows: rows, norm: w.outNorm, output: w.output, into: logits, config: c)
    }

    /// Self-decoder over positions position ..< +n, then (writeKV) the global KV rows, once.
    /// Leaves the self-decoder output X in s.x and prepares ropeCross for these positions.
    private func runSelfDecoder(tokens: UnsafePointer<Int32>, count n: Int, writeKV: Bool) {
        let d = c.dim, p0 = position, eps = Float(c.normEps)
        let x = s.x.ptr, xb = s.xb.ptr, proj = s.proj.ptr
        lastChunkRows = n
        embedTokens(x, w.embed, tokens: tokens, count: n, dim: d)
        ropeSelf.prepare(start: p0, count: n)
        ropeCross.prepare(start: p0, count: n)

        // Self-decoder: h = x + mixer(norm(x)); x = h + ffn(norm(h)). Only the mixer's attention
        // needs all rows at once; everything between two attentions is row-independent and runs
        // fused per tile of rows: out-projection, FFN, then the next layer's norm and projection
        // (or, after the last layer, the global K/V projection).
        let kv2 = 2 * c.kvDim
        func globalKV(_ r: Range<Int>) {   // K, V = norm_kv(X)·[Wk;Wv]ᵀ, K rotated at absolute positions
            let xbr = xb + r.lowerBound * d, pr = proj + r.lowerBound * kv2
            rmsnorm(xbr, ldo: d, x + r.lowerBound * d, ldx: d, weight: w.kvNorm!, rows: r.count, n: d, eps: eps)
            BLAS.gemmNT(m: r.count, n: kv2, k: d, a: xbr, lda: d, b: w.wkv!, ldb: d, c: pr, ldc: kv2)
            if c.crossAttentionRope { ropeCross.apply(pr, ld: kv2, rows: r.count, heads: c.nAttnKVHeads, firstRow: r.lowerBound) }
        }
        func selfHead(_ l: Int, _ r: Range<Int>) {
            let lw = w.selfLayers[l]
            rmsnorm(xb + r.lowerBound * d, ldo: d, x + r.lowerBound * d, ldx: d, weight: lw.mixerNorm, rows: r.count, n: d, eps: eps)
            if !c.usesGatedRetention { swa[l].project(xb, rows: r, weights: lw, state: s, rope: ropeSelf) }
        }
        let layers = w.selfLayers.count
        s.compute.forRowTiles(n) { selfHead(0, $0) }
        for (l, lw) in w.selfLayers.enumerated() {
            if c.usesGatedRetention {
                retention[l].mix(xb, count: n, position: p0, weights: lw, state: s, rope: ropeSelf)
            } else {
                swa[l].attendProjected(count: n, position: p0, state: s, workspace: workspace)
            }
            s.compute.forRowTiles(n) { r in
                BLAS.gemmNT(m: r.count, n: d, k: d, a: s.att.ptr + r.lowerBound * d, lda: d, b: lw.wo, ldb: d, beta: 1,
                            c: x + r.lowerBound * d, ldc: d)
                s.feedForwardRows(x, r, norm: lw.finalNorm, w13: lw.w13, w2: lw.w2, config: c)
                if l + 1 < layers { selfHead(l + 1, r) } else if writeKV { globalKV(r) }
            }
        }

        position += n
        guard writeKV else { return }
        cache.append(k: proj, ldk: kv2, v: proj + c.kvDim, ldv: kv2, rows: n)
    }
}
