import Foundation

/// The keys one decode token of a batch member sees: rows of the shared view (ascending,
/// disjoint) plus rows of its own. A decode token is the last position of its context, so it sees
/// every one of its rows: no causal mask, no window.
typealias BatchView = (shared: [Range<Int>], own: KVRows?)

/// Scratch of `attendBatch`, grown on demand and reused across calls and layers.
final class BatchAttentionWorkspace {
    let workers: Int
    let keyTile: Int
    private var capacityRows = 0
    private var capacityMembers = 0
    private var headDim = 0
    private var heads = 0
    private var q: [FloatBuffer] = [], s: [FloatBuffer] = [], t: [FloatBuffer] = []
    private var kTile: [FloatBuffer] = [], vTile: [FloatBuffer] = []
    private var shifts: [FloatBuffer] = [], sums: [FloatBuffer] = []
    private(set) var accs: [FloatBuffer] = []   // per worker: members × heads × (headDim + 2): acc | m | l

    init(workers: Int, keyTile: Int) {
        self.workers = max(1, workers)
        self.keyTile = keyTile
    }

    /// Room for tiles of up to `rows` query rows and accumulators of `members` members.
    func ensure(rows: Int, members: Int, heads: Int, headDim: Int) {
        if rows > capacityRows || headDim > self.headDim {
            capacityRows = max(rows, capacityRows)
            self.headDim = max(headDim, self.headDim)
            let r = capacityRows, hd = self.headDim
            q = (0..<workers).map { _ in FloatBuffer(r * hd) }
            s = (0..<workers).map { _ in FloatBuffer(r * keyTile) }
            t = (0..<workers).map { _ in FloatBuffer(r * hd) }
            kTile = (0..<workers).map { _ in FloatBuffer(keyTile * hd) }
            vTile = (0..<workers).map { _ in FloatBuffer(keyTile * hd) }
            shifts = (0..<workers).map { _ in FloatBuffer(r) }
            sums = (0..<workers).map { _ in FloatBuffer(r) }
            capacityMembers = 0
        }
        if members * heads > capacityMembers * self.heads || heads != self.heads {
            capacityMembers = max(members, capacityMembers)
            self.heads = heads
            accs = (0..<workers).map { _ in FloatBuffer(capacityMembers * heads * (self.headDim + 2)) }
        }
    }

    func scratch(_ w: Int) -> (q: UnsafeMutablePointer<Float>, s: UnsafeMutablePointer<Float>, t: UnsafeMutablePointer<Float>,
                               k: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
                               shift: UnsafeMutablePointer<Float>, sum: UnsafeMutablePointer<Float>) {
        (q[w].ptr, s[w].ptr, t[w].ptr, kTile[w].ptr, vTile[w].ptr, shifts[w].ptr, sums[w].ptr)
    }
}

/// A key tile of one view and the members that read it: entry e is member `member`, columns c0 ..< c1.
private struct BatchTile {
    var view: Int        // -1: the shared view; m: member m's own rows
    var row: Int
    var n: Int
    var entries: Range<Int>
}

private struct TileEntry {
    var member: Int
    var c0: Int
    var c1: Int
}

/// Which key tiles a batch reads and which members read each, planned once per batched pass (the
/// keys are the same in every cross-decoder layer; only the queries change).
struct BatchTilePlan {
    fileprivate var tiles: [BatchTile] = []
    fileprivate var entries: [TileEntry] = []
    let members: Int

    init(views: [BatchView], shared: KVRows?, keyTile: Int) {
        members = views.count
        if let shared {
            let hi = views.reduce(0) { max($0, $1.shared.last?.upperBound ?? 0) }
            precondition(hi <= shared.count, "batch member reads past the shared rows")
            let grid = hi > 0 ? shared.tiles(from: 0, to: hi, size: keyTile) : []
            var perTile = [[TileEntry]](repeating: [], count: grid.count)
            for (m, view) in views.enumerated() {
                for range in view.shared where !range.isEmpty {
                    // First tile ending after range.lowerBound (tiles are ascending and contiguous).
                    var lo = 0, up = grid.count
                    while lo < up { let mid = (lo + up) / 2; if grid[mid].row + grid[mid].n <= range.lowerBound { lo = mid + 1 } else { up = mid } }
                    var i = lo
                    while i < grid.count && grid[i].row < range.upperBound {
                        let (row, n) = grid[i]
                        perTile[i].append(TileEntry(member: m, c0: max(range.lowerBound, row) - row, c1: min(range.upperBound, row + n) - row))
                        i += 1
                    }
                }
            }
            for (i, tile) in grid.enumerated() where !perTile[i].isEmpty {
                tiles.append(BatchTile(view: -1, row: tile.row, n: tile.n, entries: entries.count..<(entries.count + perTile[i].count)))
                entries.append(contentsOf: perTile[i])
            }
        }
        for (m, view) in views.enumerated() {
            guard let own = view.own, own.count > 0 else { continue }
            for (row, n) in own.tiles(from: 0, to: own.count, size: keyTile) {
                tiles.append(BatchTile(view: m, row: row, n: n, entries: entries.count..<(entries.count + 1)))
                entries.append(TileEntry(member: m, c0: 0, c1: n))
            }
        }
    }
}

/// Decode attention of many contexts that share most of their keys (the cells of a needle grid
/// over one haystack's KV rows), in one pass over the shared rows: each shared key tile is read
/// once for every member that sees any of it, their scores come from one matrix product (member
/// queries stacked), and each member's softmax covers only its own columns of the tile. A member's
/// own rows (what its needles reach, its question and answer) are tiles read by it alone.
/// Partial softmaxes (sum, max, P·V) are merged per member, so the result equals attention over
/// the member's rows in any order, within float rounding. Member m's query (all heads, head h at
/// columns h·headDim) is row m of q, its output row m of out (stride `ld` both).
func attendBatch(q: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, ld: Int, plan: BatchTilePlan, views: [BatchView],
                 shared: KVRows?, heads: Int, kvHeads: Int, headDim hd: Int, workspace ws: BatchAttentionWorkspace) {
    guard plan.members > 0 else { return }
    let group = heads / kvHeads, scale = 1 / Float(hd).squareRoot()
    let tiles = plan.tiles, entries = plan.entries
    let maxEntries = tiles.map(\.entries.count).max() ?? 1
    ws.ensure(rows: maxEntries * group, members: plan.members, heads: heads, headDim: hd)
    let slot = hd + 2
    for w in 0..<ws.workers {
        let a = ws.accs[w].ptr
        for i in 0..<(plan.members * heads) {
            (a + i * slot).update(repeating: 0, count: hd)
            a[i * slot + hd] = -.infinity
            a[i * slot + hd + 1] = 0
        }
    }

    parallelFor(tiles.count, workers: ws.workers) { task, worker in
        let tile = tiles[task]
        let kv = tile.view < 0 ? shared! : views[tile.view].own!
        let tileEntries = entries[tile.entries]
        let rows = tileEntries.count * group
        let (qs, s, t, kScratch, vScratch, shift, sum) = ws.scratch(worker)
        let acc = ws.accs[worker].ptr
        let direct = rows <= 4 && hd % 16 == 0    // SIMD kernels; sgemm packing costs more at few rows
        for g in 0..<kvHeads {
            // Queries of the heads over kv head g, one block of `group` rows per entry.
            for (e, entry) in tileEntries.enumerated() {
                (qs + e * group * hd).update(from: q + entry.member * ld + g * group * hd, count: group * hd)
            }
            let (k, ldk) = kv.keys(head: g, row: tile.row, n: tile.n, scratch: kScratch)
            if direct {
                smallScores(rows: rows, n: tile.n, hd: hd, scale: scale, q: qs, ldq: hd, k: k, ldk: ldk, s: s)
            } else {
                BLAS.gemmNT(m: rows, n: tile.n, k: hd, alpha: scale, a: qs, lda: hd, b: k, ldb: ldk, c: s, ldc: tile.n)
            }
            // Each row's softmax numerators over its member's columns, shifted by the row's own max.
            for (e, entry) in tileEntries.enumerated() {
                for j in 0..<group {
                    let r = e * group + j, row = s + r * tile.n
                    let mx = rowMax(row + entry.c0, entry.c1 - entry.c0)
                    if entry.c0 > 0 { row.update(repeating: 0, count: entry.c0) }
                    sum[r] = expShiftSum(row + entry.c0, entry.c1 - entry.c0, shift: mx)
                    if entry.c1 < tile.n { (row + entry.c1).update(repeating: 0, count: tile.n - entry.c1) }
                    shift[r] = mx
                }
            }
            let (v, ldv) = kv.values(head: g, row: tile.row, n: tile.n, scratch: vScratch)
            if direct {
                t.update(repeating: 0, count: rows * hd)
                smallPV(rows: rows, n: tile.n, hd: hd, p: s, v: v, ldv: ldv, acc: t)
            } else {
                BLAS.gemmNN(m: rows, n: hd, k: tile.n, a: s, lda: tile.n, b: v, ldb: ldv, c: t, ldc: hd)
            }
            // Merge into this worker's partial of each member and head.
            for (e, entry) in tileEntries.enumerated() {
                for j in 0..<group {
                    let r = e * group + j, h = g * group + j
                    let a = acc + (entry.member * heads + h) * slot
                    mergePartial(into: a, hd: hd, acc: t + r * hd, max: shift[r], sum: sum[r])
                }
            }
        }
    }

    // Each member's output: its workers' partials merged and normalised.
    for m in 0..<plan.members {
        for h in 0..<heads {
            let total = ws.accs[0].ptr + (m * heads + h) * slot
            for w in 1..<ws.workers {
                let a = ws.accs[w].ptr + (m * heads + h) * slot
                mergePartial(into: total, hd: hd, acc: a, max: a[hd], sum: a[hd + 1])
            }
            let inv = 1 / total[hd + 1], o = out + m * ld + h * hd
            for i in 0..<hd { o[i] = total[i] * inv }
        }
    }
}

/// total (acc | max | sum) ⊕= (acc, max, sum): two partial softmaxes over disjoint keys, each
/// relative to its own max, rescaled to the larger one.
@inline(__always)
private func mergePartial(into total: UnsafeMutablePointer<Float>, hd: Int, acc: UnsafePointer<Float>, max m: Float, sum: Float) {
    guard m > -.infinity else { return }
    let mt = total[hd]
    if mt == -.infinity {
        total.update(from: acc, count: hd)
        total[hd] = m
        total[hd + 1] = sum
        return
    }
    let mNew = Swift.max(mt, m)
    let a = exp(mt - mNew), b = exp(m - mNew)
    for i in 0..<hd { total[i] = total[i] * a + acc[i] * b }
    total[hd] = mNew
    total[hd + 1] = total[hd + 1] * a + sum * b
}
