/// Scores and P·V of `attendBand` (prefill's sliding window): 12 query rows against the ~140
/// keys of their band, head dimension 32. A sgemm there has k = headDim, where OpenBLAS spends
/// much of each call packing both operands; here a tile's keys are transposed once for all of its
/// query rows, each group of rows runs a register-blocked FMA loop over the columns it needs, and
/// P·V reads V rows in place. (Tried for batched decode's scores too, whose tiles have fewer rows
/// to share a transpose: slower than sgemm there.)
/// Built for AVX2 + FMA (Package.swift): 16 vector registers, 8 floats each. Any head dimension;
/// hd = 32 (the shipped model) has the register-blocked P·V.

/// Columns of a transposed key tile of n keys: the score kernels read whole 16-key blocks.
@inline(__always) func paddedColumns(_ n: Int) -> Int { (n + 15) & ~15 }

/// Floats of `transposeKeys`' output for `n` keys of `hd` dims.
func transposedKeysCount(n: Int, hd: Int) -> Int { hd * paddedColumns(n) }

/// s[r·n + j] = scale · q[r]·kt[·, j]  for j < n, from keys already transposed (row stride ldkt,
/// readable and zero-padded up to n rounded up to 16).
@inline(__always)
func transposedScores(rows: Int, n: Int, ldkt: Int, hd: Int, scale: Float, q: UnsafePointer<Float>, ldq: Int,
                      kt: UnsafePointer<Float>, s: UnsafeMutablePointer<Float>) {
    var r = 0
    while r + 4 <= rows {
        scores4(n: n, ldkt: ldkt, hd: hd, scale: scale, q: q + r * ldq, ldq: ldq, kt: kt, s: s + r * n)
        r += 4
    }
    while r < rows {
        scores1(n: n, ldkt: ldkt, hd: hd, scale: scale, q: q + r * ldq, kt: kt, s: s + r * n)
        r += 1
    }
}

/// kt[d·np + j] = k[j·ldk + d]; columns n ..< np zero. Eight keys at a time: each key row is read
/// as contiguous vectors, each kt row written as contiguous 8-float runs.
@inline(__always)
func transposeKeys(n: Int, np: Int, hd: Int, k: UnsafePointer<Float>, ldk: Int, kt: UnsafeMutablePointer<Float>) {
    var j = 0
    while j + 8 <= n {
        for d in 0..<hd {
            let src = k + j * ldk + d
            store8(Vec8(src[0], src[ldk], src[2 * ldk], src[3 * ldk], src[4 * ldk], src[5 * ldk], src[6 * ldk], src[7 * ldk]),
                   kt + d * np + j)
        }
        j += 8
    }
    for d in 0..<hd {
        let row = kt + d * np
        for c in j..<n { row[c] = k[c * ldk + d] }
        for c in n..<np { row[c] = 0 }
    }
}

/// Four query rows × 16 keys per step: 8 accumulators, 2 key loads and 4 broadcasts per dim.
@inline(__always)
private func scores4(n: Int, ldkt: Int, hd: Int, scale: Float, q: UnsafePointer<Float>, ldq: Int,
                     kt: UnsafePointer<Float>, s: UnsafeMutablePointer<Float>) {
    let q0 = q, q1 = q + ldq, q2 = q + 2 * ldq, q3 = q + 3 * ldq
    var j = 0
    while j < n {
        var a0 = Vec8(), a1 = Vec8(), b0 = Vec8(), b1 = Vec8()
        var c0 = Vec8(), c1 = Vec8(), d0 = Vec8(), d1 = Vec8()
        var col = kt + j
        for d in 0..<hd {
            let k0 = load8(col), k1 = load8(col + 8)
            let x0 = Vec8(repeating: q0[d]), x1 = Vec8(repeating: q1[d])
            let x2 = Vec8(repeating: q2[d]), x3 = Vec8(repeating: q3[d])
            a0.addProduct(x0, k0); a1.addProduct(x0, k1)
            b0.addProduct(x1, k0); b1.addProduct(x1, k1)
            c0.addProduct(x2, k0); c1.addProduct(x2, k1)
            d0.addProduct(x3, k0); d1.addProduct(x3, k1)
            col += ldkt
        }
        let sc = Vec8(repeating: scale)
        put16(a0 * sc, a1 * sc, s, j, n)
        put16(b0 * sc, b1 * sc, s + n, j, n)
        put16(c0 * sc, c1 * sc, s + 2 * n, j, n)
        put16(d0 * sc, d1 * sc, s + 3 * n, j, n)
        j += 16
    }
}

/// One query row × 16 keys per step (the rows left over after blocks of four).
@inline(__always)
private func scores1(n: Int, ldkt: Int, hd: Int, scale: Float, q: UnsafePointer<Float>,
                     kt: UnsafePointer<Float>, s: UnsafeMutablePointer<Float>) {
    var j = 0
    while j < n {
        var a0 = Vec8(), a1 = Vec8()
        var col = kt + j
        for d in 0..<hd {
            let x = Vec8(repeating: q[d])
            a0.addProduct(x, load8(col)); a1.addProduct(x, load8(col + 8))
            col += ldkt
        }
        let sc = Vec8(repeating: scale)
        put16(a0 * sc, a1 * sc, s, j, n)
        j += 16
    }
}

/// row[j ..< j+16] = (lo, hi), cut at n (the tile's last block may be partial).
@inline(__always)
private func put16(_ lo: Vec8, _ hi: Vec8, _ row: UnsafeMutablePointer<Float>, _ j: Int, _ n: Int) {
    if j + 16 <= n {
        store8(lo, row + j); store8(hi, row + j + 8)
        return
    }
    for i in 0..<min(8, n - j) { row[j + i] = lo[i] }
    for i in 0..<max(0, min(8, n - j - 8)) { row[j + 8 + i] = hi[i] }
}

/// t[r] = Σ_j p[r·n + j] · v[j]  for r < rows (t rows stride hd, overwritten); v rows stride ldv.
/// hd = 32: three rows × four vectors per step, 12 accumulators; a key whose weights are all zero
/// in the block (most of a peaked softmax, see `negligibleWeight`) is skipped.
func tilePV(rows: Int, n: Int, hd: Int, p: UnsafePointer<Float>, v: UnsafePointer<Float>, ldv: Int,
            t: UnsafeMutablePointer<Float>) {
    guard hd == 32 else {
        t.update(repeating: 0, count: rows * hd)
        for r in 0..<rows {
            let pr = p + r * n, tr = t + r * hd
            for j in 0..<n where pr[j] != 0 {
                let x = Vec8(repeating: pr[j]), vj = v + j * ldv
                var i = 0
                while i + 8 <= hd { store8(load8(tr + i).addingProduct(x, load8(vj + i)), tr + i); i += 8 }
                while i < hd { tr[i] += pr[j] * vj[i]; i += 1 }
            }
        }
        return
    }
    var r = 0
    while r + 3 <= rows {
        pv3(n: n, p: p + r * n, v: v, ldv: ldv, t: t + r * hd)
        r += 3
    }
    while r < rows {
        pv1(n: n, p: p + r * n, v: v, ldv: ldv, t: t + r * hd)
        r += 1
    }
}

@inline(__always)
private func pv3(n: Int, p: UnsafePointer<Float>, v: UnsafePointer<Float>, ldv: Int, t: UnsafeMutablePointer<Float>) {
    let p0 = p, p1 = p + n, p2 = p + 2 * n
    var a0 = Vec8(), a1 = Vec8(), a2 = Vec8(), a3 = Vec8()
    var b0 = Vec8(), b1 = Vec8(), b2 = Vec8(), b3 = Vec8()
    var c0 = Vec8(), c1 = Vec8(), c2 = Vec8(), c3 = Vec8()
    for j in 0..<n {
        let w0 = p0[j], w1 = p1[j], w2 = p2[j]
        if w0 == 0 && w1 == 0 && w2 == 0 { continue }
        let vj = v + j * ldv
        let v0 = load8(vj), v1 = load8(vj + 8), v2 = load8(vj + 16), v3 = load8(vj + 24)
        let x = Vec8(repeating: w0), y = Vec8(repeating: w1), z = Vec8(repeating: w2)
        a0.addProduct(x, v0); a1.addProduct(x, v1); a2.addProduct(x, v2); a3.addProduct(x, v3)
        b0.addProduct(y, v0); b1.addProduct(y, v1); b2.addProduct(y, v2); b3.addProduct(y, v3)
        c0.addProduct(z, v0); c1.addProduct(z, v1); c2.addProduct(z, v2); c3.addProduct(z, v3)
    }
    store8(a0, t); store8(a1, t + 8); store8(a2, t + 16); store8(a3, t + 24)
    store8(b0, t + 32); store8(b1, t + 40); store8(b2, t + 48); store8(b3, t + 56)
    store8(c0, t + 64); store8(c1, t + 72); store8(c2, t + 80); store8(c3, t + 88)
}

@inline(__always)
private func pv1(n: Int, p: UnsafePointer<Float>, v: UnsafePointer<Float>, ldv: Int, t: UnsafeMutablePointer<Float>) {
    var a0 = Vec8(), a1 = Vec8(), a2 = Vec8(), a3 = Vec8()
    for j in 0..<n where p[j] != 0 {
        let vj = v + j * ldv, x = Vec8(repeating: p[j])
        a0.addProduct(x, load8(vj)); a1.addProduct(x, load8(vj + 8))
        a2.addProduct(x, load8(vj + 16)); a3.addProduct(x, load8(vj + 24))
    }
    store8(a0, t); store8(a1, t + 8); store8(a2, t + 16); store8(a3, t + 24)
}
