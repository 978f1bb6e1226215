/// Prefill's sliding-window attention, one head, a block of consecutive query rows over one key
/// tile. Row i (position p) sees keys p-(window-1) … p, a band about `window` wide; a sgemm over
/// the whole tile (the block's rows × window + rows keys) spends half its work on masked scores
/// and packs both operands for k = headDim. Here the keys are transposed once per tile and each
/// group of `bandRows` query rows scores only the keys its band covers (rounded out to 16), with
/// a plain softmax (all of a row's keys are in the tile) and P·V over the same columns.

/// Query rows per band group: a multiple of the score kernel's 4 and P·V's 3.
let bandRows = 12

/// Floats of scratch `attendBand` needs: transposed keys, then scores of one group.
func attendBandScratch(n: Int, hd: Int) -> Int { transposedKeysCount(n: n, hd: hd) + bandRows * paddedColumns(n) }

/// out[r] = softmax over the window of q[r]·k / √hd, times V, for query rows r < rows at positions
/// firstQuery + r. Keys/values rows j < n are at positions firstKey + j and must cover every row's
/// window (clipped at position 0). scratch: `attendBandScratch(n:hd:)` floats; t: bandRows·hd.
func attendBand(rows: Int, q: UnsafePointer<Float>, ldq: Int, out: UnsafeMutablePointer<Float>, ldo: Int, firstQuery: Int,
                k: UnsafePointer<Float>, ldk: Int, v: UnsafePointer<Float>, ldv: Int, firstKey: Int, n: Int,
                window: Int, hd: Int, scratch: UnsafeMutablePointer<Float>, t: UnsafeMutablePointer<Float>) {
    let np = paddedColumns(n), scale = 1 / Float(hd).squareRoot()
    let kt = scratch, s = scratch + transposedKeysCount(n: n, hd: hd)
    transposeKeys(n: n, np: np, hd: hd, k: k, ldk: ldk, kt: kt)
    withUnsafeTemporaryAllocation(of: Float.self, capacity: bandRows) { inverse in
        var r0 = 0
        while r0 < rows {
            let count = min(bandRows, rows - r0), p0 = firstQuery + r0
            func low(_ i: Int) -> Int { max(0, p0 + i - (window - 1)) - firstKey }   // row i's first column
            precondition(low(0) >= 0 && p0 + count - firstKey <= n, "sliding window outside the key tile")
            let lo = low(0) & ~15, width = p0 + count - firstKey - lo   // the group's columns, from a 16 boundary
            transposedScores(rows: count, n: width, ldkt: np, hd: hd, scale: scale, q: q + r0 * ldq, ldq: ldq,
                             kt: kt + lo, s: s)
            for i in 0..<count {
                let row = s + i * width
                let c0 = low(i) - lo, c1 = p0 + i + 1 - firstKey - lo
                let mx = rowMax(row + c0, c1 - c0)
                if c0 > 0 { row.update(repeating: 0, count: c0) }
                inverse[i] = 1 / expShiftSum(row + c0, c1 - c0, shift: mx)
                if c1 < width { (row + c1).update(repeating: 0, count: width - c1) }
            }
            tilePV(rows: count, n: width, hd: hd, p: s, v: v + lo * ldv, ldv: ldv, t: t)
            for i in 0..<count {
                let o = out + (r0 + i) * ldo, ti = t + i * hd, w = inverse[i]
                for c in 0..<hd { o[c] = ti[c] * w }
            }
            r0 += count
        }
    }
}
