import Foundation

/// Queries for `attend`: `tokens` rows of q (stride ldq), token t at absolute position
/// firstPosition + t; head h at columns h·headDim. Output has the same layout (stride ldo).
struct AttentionQueries {
    var q: UnsafePointer<Float>
    var ldq: Int
    var tokens: Int
    var firstPosition: Int
    var out: UnsafeMutablePointer<Float>
    var ldo: Int
}

/// Per-thread scratch and split-K partials, reused across calls (no per-token allocation).
final class AttentionWorkspace {
    let workers: Int
    let keyTile: Int           // keys per sgemm tile
    private(set) var rows = 0  // max query rows per task
    private(set) var headDim = 0
    private var scores: [FloatBuffer] = []   // (rows, keyTile) per worker
    private var kTiles: [FloatBuffer] = []   // (keyTile, headDim) per worker, f16 conversion
    private var vTiles: [FloatBuffer] = []
    private var accs: [FloatBuffer] = []     // (rows, headDim + 2) per worker: acc | m | l
    private var bands: [FloatBuffer] = []    // attendBand's scratch per worker (sliding window)
    private(set) var partials = FloatBuffer(1)

    init(workers: Int, keyTile: Int = 1024) {
        self.workers = max(1, workers)
        self.keyTile = keyTile
    }

    func ensure(rows: Int, headDim: Int, tasks: Int) {
        if rows > self.rows || headDim > self.headDim {
            self.rows = max(rows, self.rows)
            self.headDim = max(headDim, self.headDim)
            scores = (0..<workers).map { _ in FloatBuffer(self.rows * keyTile) }
            kTiles = (0..<workers).map { _ in FloatBuffer(keyTile * self.headDim) }
            vTiles = (0..<workers).map { _ in FloatBuffer(keyTile * self.headDim) }
            accs = (0..<workers).map { _ in FloatBuffer(self.rows * (self.headDim + 2)) }
            bands = (0..<workers).map { _ in FloatBuffer(attendBandScratch(n: keyTile, hd: self.headDim)) }
        }
        let need = tasks * self.rows * (self.headDim + 2)
        if need > partials.count { partials = FloatBuffer(need) }
    }

    func scratch(_ w: Int) -> (s: UnsafeMutablePointer<Float>, k: UnsafeMutablePointer<Float>,
                               v: UnsafeMutablePointer<Float>, acc: UnsafeMutablePointer<Float>) {
        (scores[w].ptr, kTiles[w].ptr, vTiles[w].ptr, accs[w].ptr)
    }

    func bandScratch(_ w: Int) -> UnsafeMutablePointer<Float> { bands[w].ptr }
}

/// One block of query rows of one kv-head group: row r is at position pos0 + r·posStep.
private struct AttentionUnit {
    var kvHead: Int
    var q: UnsafePointer<Float>, ldq: Int
    var out: UnsafeMutablePointer<Float>, ldo: Int
    var rows: Int, pos0: Int, posStep: Int
    var keyLo: Int, keyHi: Int     // kv rows [keyLo, keyHi) this block may read
    var kvHeadCount = 1            // kv heads kvHead ..< kvHead+count, `group` rows each
}

/// Causal grouped-query attention of `queries` over `kv`, optionally limited to a sliding
/// `window` (query i sees keys i-(window-1)…i), tiled flash-style: scores of a query block
/// against a key tile by sgemm, online softmax, P·V by sgemm. Parallel over (kv head, query
/// block, key split); a single decode token splits its keys across threads and merges.
/// Memory: O(workers · rows · keyTile), never O(tokens · keys).
func attend(_ queries: AttentionQueries, kv: KVRows, heads: Int, kvHeads: Int, window: Int?,
            workspace ws: AttentionWorkspace) {
    let hd = kv.headDim, group = heads / kvHeads
    let scale = 1 / Float(hd).squareRoot()
    let block = window.map { min(128, max(16, $0)) } ?? 64
    var units: [AttentionUnit] = []
    func addUnit(_ kvh: Int, q: UnsafePointer<Float>, ldq: Int, out: UnsafeMutablePointer<Float>, ldo: Int,
                 rows: Int, pos0: Int, posStep: Int) {
        let last = pos0 + (rows - 1) * posStep
        let lowest = window.map { max(0, pos0 - ($0 - 1)) } ?? 0
        let lo = max(0, lowest - kv.firstPosition), hi = min(kv.count, last - kv.firstPosition + 1)
        precondition(hi > lo, "attention query past the cached keys")
        units.append(AttentionUnit(kvHead: kvh, q: q, ldq: ldq, out: out, ldo: ldo, rows: rows,
                                   pos0: pos0, posStep: posStep, keyLo: lo, keyHi: hi))
    }
    if queries.tokens == 1 {
        // One token: one unit for all heads (adjacent rows, stride hd, same position), so each
        // task streams whole K and V rows once instead of once per kv head.
        addUnit(0, q: queries.q, ldq: hd, out: queries.out, ldo: hd, rows: heads, pos0: queries.firstPosition, posStep: 0)
        units[0].kvHeadCount = kvHeads
    } else {
        for h in 0..<heads {
            for b in stride(from: 0, to: queries.tokens, by: block) {
                addUnit(h / group, q: queries.q + b * queries.ldq + h * hd, ldq: queries.ldq,
                        out: queries.out + b * queries.ldo + h * hd, ldo: queries.ldo,
                        rows: min(block, queries.tokens - b), pos0: queries.firstPosition + b, posStep: 1)
            }
        }
    }
    // Each unit's key tiles, once (split tasks share them); a tile stays inside one KV segment.
    let unitTiles = units.map { kv.tiles(from: $0.keyLo, to: $0.keyHi, size: ws.keyTile) }
    let maxTiles = max(1, unitTiles.map(\.count).max() ?? 1)
    let target = 4 * ws.workers
    let splits = units.count >= target ? 1 : min(maxTiles, (target + units.count - 1) / units.count)
    let rowsMax = max(block, units.map(\.rows).max() ?? 1)
    ws.ensure(rows: rowsMax, headDim: hd, tasks: units.count * splits)
    let slot = rowsMax * (hd + 2)

    parallelFor(units.count * splits, workers: ws.workers) { task, worker in
        let u = units[task / splits], tiles = unitTiles[task / splits], split = task % splits
        let (s, kScratch, vScratch, acc) = ws.scratch(worker)
        if let window, u.posStep == 1, u.kvHeadCount == 1, splits == 1, tiles.count == 1 {
            // Consecutive positions over one tile (prefill): only the band of keys each row sees.
            let (row0, n) = tiles[0]
            let (k, ldk) = kv.keys(head: u.kvHead, row: row0, n: n, scratch: kScratch)
            let (v, ldv) = kv.values(head: u.kvHead, row: row0, n: n, scratch: vScratch)
            attendBand(rows: u.rows, q: u.q, ldq: u.ldq, out: u.out, ldo: u.ldo, firstQuery: u.pos0,
                       k: k, ldk: ldk, v: v, ldv: ldv, firstKey: kv.firstPosition + row0, n: n,
                       window: window, hd: hd, scratch: ws.bandScratch(worker), t: acc)
            return
        }
        let m = acc + rowsMax * hd, l = m + rowsMax
        acc.update(repeating: 0, count: u.rows * hd)
        m.update(repeating: -.infinity, count: u.rows)
        l.update(repeating: 0, count: u.rows)
        for t in (split * tiles.count / splits)..<((split + 1) * tiles.count / splits) {
            let (row0, n) = tiles[t]
            let gr = u.rows / u.kvHeadCount   // query rows per kv head
            // s (rows, n) = scale · q kᵀ, kv head by kv head
            let direct = gr <= 4 && hd % 16 == 0   // SIMD kernels; sgemm packing costs more at few rows
            for g in 0..<u.kvHeadCount {
                let (k, ld) = kv.keys(head: u.kvHead + g, row: row0, n: n, scratch: kScratch)
                let qg = u.q + g * gr * u.ldq, sg = s + g * gr * n
                if direct {
                    smallScores(rows: gr, n: n, hd: hd, scale: scale, q: qg, ldq: u.ldq, k: k, ldk: ld, s: sg)
                } else {
                    BLAS.gemmNT(m: gr, n: n, k: hd, alpha: scale, a: qg, lda: u.ldq, b: k, ldb: ld, c: sg, ldc: n)
                }
            }
            let tileAbs = kv.firstPosition + row0
            for r in 0..<u.rows {
                let qpos = u.pos0 + r * u.posStep
                let lowAbs = window.map { max(0, qpos - ($0 - 1)) } ?? 0
                let c0 = max(0, lowAbs - tileAbs), c1 = min(n, qpos - tileAbs + 1)
                let row = s + r * n
                if c1 <= c0 { row.update(repeating: 0, count: n); continue }
                let mNew = max(m[r], rowMax(row + c0, c1 - c0))
                let correction = exp(m[r] - mNew)
                if c0 > 0 { row.update(repeating: 0, count: c0) }
                let sum = expShiftSum(row + c0, c1 - c0, shift: mNew)
                if c1 < n { (row + c1).update(repeating: 0, count: n - c1) }
                l[r] = l[r] * correction + sum
                m[r] = mNew
                if correction != 1 { for i in 0..<hd { acc[r * hd + i] *= correction } }
            }
            // acc (rows, hd) += p v   (f16: each head's V converted just before its use)
            for g in 0..<u.kvHeadCount {
                let (v, ld) = kv.values(head: u.kvHead + g, row: row0, n: n, scratch: vScratch)
                let sg = s + g * gr * n, ag = acc + g * gr * hd
                if direct {
                    smallPV(rows: gr, n: n, hd: hd, p: sg, v: v, ldv: ld, acc: ag)
                } else {
                    BLAS.gemmNN(m: gr, n: hd, k: n, a: sg, lda: n, b: v, ldb: ld, beta: 1, c: ag, ldc: hd)
                }
            }
        }
        if splits == 1 {
            for r in 0..<u.rows {
                let inv = 1 / l[r], o = u.out + r * u.ldo
                for i in 0..<hd { o[i] = acc[r * hd + i] * inv }
            }
        } else {
            let p = ws.partials.ptr + task * slot
            p.update(from: acc, count: u.rows * hd)
            (p + rowsMax * hd).update(from: m, count: u.rows)
            (p + rowsMax * hd + rowsMax).update(from: l, count: u.rows)
        }
    }
    guard splits > 1 else { return }
    // Merge the key splits of each unit: out = Σ acc_s e^{m_s-M} / Σ l_s e^{m_s-M}.
    for (ui, u) in units.enumerated() {
        for r in 0..<u.rows {
            var mMax = -Float.infinity
            for sp in 0..<splits { mMax = max(mMax, ws.partials.ptr[(ui * splits + sp) * slot + rowsMax * hd + r]) }
            let o = u.out + r * u.ldo
            for i in 0..<hd { o[i] = 0 }
            var total: Float = 0
            for sp in 0..<splits {
                let p = ws.partials.ptr + (ui * splits + sp) * slot
                let ms = p[rowsMax * hd + r]
                if ms == -.infinity { continue }
                let w = exp(ms - mMax)
                total += p[rowsMax * hd + rowsMax + r] * w
                for i in 0..<hd { o[i] += p[r * hd + i] * w }
            }
            let inv = 1 / total
            for i in 0..<hd { o[i] *= inv }
        }
    }
}
