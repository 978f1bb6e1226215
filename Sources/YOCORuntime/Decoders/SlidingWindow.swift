import Foundation

/// Sliding-window attention mixer of one self-decoder layer. Keeps the last window-1 keys and
/// values (RoPE'd at their absolute positions) across chunks; query i sees keys i-(window-1)…i.
final class SlidingWindowLayer {
    let window, dim, heads, headDim: Int
    private let keep: Int            // window - 1 rows carried from earlier chunks
    private let k: FloatBuffer       // (keep + chunk, dim): carried rows, then this chunk's rows
    private let v: FloatBuffer

    init(config c: ModelConfig, chunk: Int) {
        window = c.slidingWindow!
        dim = c.dim; heads = c.nSelfHeads; headDim = c.selfHeadDim
        keep = window - 1
        k = FloatBuffer((keep + chunk) * dim)
        v = FloatBuffer((keep + chunk) * dim)
    }

    func reset() { k.zero(); v.zero() }

    /// The carried window-1 rows of K and V: all a later chunk reads from earlier ones.
    var stateFloats: Int { 2 * keep * dim }
    func save(into dst: UnsafeMutablePointer<Float>) {
        dst.update(from: k.ptr, count: keep * dim)
        (dst + keep * dim).update(from: v.ptr, count: keep * dim)
    }
    func load(from src: UnsafePointer<Float>) {
        k.ptr.update(from: src, count: keep * dim)
        v.ptr.update(from: src + keep * dim, count: keep * dim)
    }

    /// proj rows r (stride 3·dim) = xb rows r · [Wq;Wk;Wv]ᵀ, q and k rotated. Row-independent, so
    /// the forward pass runs it inside the previous layer's per-tile loop.
    func project(_ xb: UnsafePointer<Float>, rows r: Range<Int>, weights w: SelfLayerWeights, state s: RunState, rope: RopeTable) {
        let d = dim, pw = 3 * d
        let pr = s.proj.ptr + r.lowerBound * pw
        BLAS.gemmNT(m: r.count, n: pw, k: d, a: xb + r.lowerBound * d, lda: d, b: w.wMix, ldb: d, c: pr, ldc: pw)
        rope.apply(pr, ld: pw, rows: r.count, heads: 2 * heads, firstRow: r.lowerBound)   // q and k heads are adjacent
    }

    /// s.att (count, dim) = SWA over the `count` rows `project` wrote into s.proj.
    func attendProjected(count: Int, position p0: Int, state s: RunState, workspace: AttentionWorkspace) {
        let d = dim, pw = 3 * d
        copyRows(k.ptr + keep * d, ldd: d, s.proj.ptr + d, lds: pw, rows: count, n: d)
        copyRows(v.ptr + keep * d, ldd: d, s.proj.ptr + 2 * d, lds: pw, rows: count, n: d)
        let rows = KVRows(store: .f32(k: k.ptr, v: v.ptr), ld: d, headDim: headDim,
                          firstPosition: p0 - keep, count: keep + count)
        attend(AttentionQueries(q: s.proj.ptr, ldq: pw, tokens: count, firstPosition: p0, out: s.att.ptr, ldo: d),
               kv: rows, heads: heads, kvHeads: heads, window: window, workspace: workspace)
        // Carry the last window-1 rows to the front for the next chunk.
        if keep > 0 {
            memmove(k.ptr, k.ptr + count * d, keep * d * MemoryLayout<Float>.size)
            memmove(v.ptr, v.ptr + count * d, keep * d * MemoryLayout<Float>.size)
        }
    }
}
