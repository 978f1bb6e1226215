/// Scores and P·V for a handful of query rows (decode: the query heads sharing one kv head) over
/// a key tile, where a sgemm call (packing, m ≤ 4) costs more than the arithmetic. Built for AVX2 +
/// FMA (Package.swift); hd = 32 has register-blocked paths. headDim % 16 == 0.

typealias Vec16 = SIMD16<Float>

@inline(__always) private func load16(_ p: UnsafePointer<Float>) -> Vec16 {
    UnsafeRawPointer(p).loadUnaligned(as: Vec16.self)
}

/// s[r, j] = scale · q[r]·k[j]   for r < rows, j < n.   q rows stride ldq, k rows stride ldk.
/// Each key row is read once for all rows (GQA: the query heads sharing a kv head).
@inline(__always)
func smallScores(rows: Int, n: Int, hd: Int, scale: Float, q: UnsafePointer<Float>, ldq: Int,
                 k: UnsafePointer<Float>, ldk: Int, s: UnsafeMutablePointer<Float>) {
    if hd == 32 && rows == 2 {
        let a0 = load16(q) * scale, a1 = load16(q + 16) * scale
        let b0 = load16(q + ldq) * scale, b1 = load16(q + ldq + 16) * scale
        let qa = (a0.lowHalf, a0.highHalf, a1.lowHalf, a1.highHalf)
        let qb = (b0.lowHalf, b0.highHalf, b1.lowHalf, b1.highHalf)
        // 8 keys at a time: 8-lane partial dot products, then one transposing tree reduction
        // gives the 8 scores of a row in one vector (no per-key horizontal sums). The partials go
        // through a stack buffer and a non-inlined reduction: inlined, LLVM's SLP vectorizer
        // rewrites the whole thing into scalar gathers.
        var j0 = 0
        withUnsafeTemporaryAllocation(of: Vec8.self, capacity: 16) { part in
            let pp = part.baseAddress!
            while j0 + 8 <= n {
                for u in 0..<8 {
                    let kj = k + (j0 + u) * ldk
                    let k0 = load8(kj), k1 = load8(kj + 8), k2 = load8(kj + 16), k3 = load8(kj + 24)
                    pp[u] = qa.0 * k0 + qa.1 * k1 + qa.2 * k2 + qa.3 * k3
                    pp[8 + u] = qb.0 * k0 + qb.1 * k1 + qb.2 * k2 + qb.3 * k3
                }
                reduce8(pp, s + j0)
                reduce8(pp + 8, s + n + j0)
                j0 += 8
            }
        }
        for j in j0..<n {
            let kj = k + j * ldk, k0 = load16(kj), k1 = load16(kj + 16)
            s[j] = (a0 * k0 + a1 * k1).sum()
            s[n + j] = (b0 * k0 + b1 * k1).sum()
        }
        return
    }
    if hd == 32 && rows == 1 {
        // One query row per kv head (the shipped model: 4 query heads over 4 kv heads): the same
        // 8-key transposed reduction, so no key pays a horizontal sum of its own.
        let a0 = load16(q) * scale, a1 = load16(q + 16) * scale
        let qa = (a0.lowHalf, a0.highHalf, a1.lowHalf, a1.highHalf)
        var j0 = 0
        withUnsafeTemporaryAllocation(of: Vec8.self, capacity: 8) { part in
            let pp = part.baseAddress!
            while j0 + 8 <= n {
                for u in 0..<8 {
                    let kj = k + (j0 + u) * ldk
                    pp[u] = qa.0 * load8(kj) + qa.1 * load8(kj + 8) + qa.2 * load8(kj + 16) + qa.3 * load8(kj + 24)
                }
                reduce8(pp, s + j0)
                j0 += 8
            }
        }
        for j in j0..<n {
            let kj = k + j * ldk
            s[j] = (a0 * load16(kj) + a1 * load16(kj + 16)).sum()
        }
        return
    }
    for r in 0..<rows {
        let qr = q + r * ldq, sr = s + r * n
        if hd == 32 {
            let q0 = load16(qr) * scale, q1 = load16(qr + 16) * scale
            for j in 0..<n {
                let kj = k + j * ldk
                sr[j] = (q0 * load16(kj) + q1 * load16(kj + 16)).sum()
            }
        } else {
            for j in 0..<n {
                let kj = k + j * ldk
                var acc = Vec16()
                for i in stride(from: 0, to: hd, by: 16) { acc += load16(qr + i) * load16(kj + i) }
                sr[j] = scale * acc.sum()
            }
        }
    }
}

/// acc[r] += Σ_j p[r, j] · v[j]   for r < rows (acc rows stride hd). Each V row is read once
/// for all rows; hd = 32 keeps the accumulators in registers.
@inline(__always)
func smallPV(rows: Int, n: Int, hd: Int, p: UnsafePointer<Float>, v: UnsafePointer<Float>, ldv: Int,
             acc: UnsafeMutablePointer<Float>) {
    if hd == 32 && rows <= 2 {
        var a0 = load16(acc), a1 = load16(acc + 16)
        var b0 = Vec16(), b1 = Vec16()
        if rows == 2 { b0 = load16(acc + 32); b1 = load16(acc + 48) }
        let p1 = p + (rows == 2 ? n : 0)
        for j in 0..<n {
            let vj = v + j * ldv, v0 = load16(vj), v1 = load16(vj + 16)
            let x = p[j], y = p1[j]
            a0 += x * v0; a1 += x * v1
            b0 += y * v0; b1 += y * v1
        }
        store16(a0, acc); store16(a1, acc + 16)
        if rows == 2 { store16(b0, acc + 32); store16(b1, acc + 48) }
        return
    }
    for r in 0..<rows {
        let pr = p + r * n, ar = acc + r * hd
        for i in stride(from: 0, to: hd, by: 16) {
            var sum = load16(ar + i)
            for j in 0..<n where pr[j] != 0 { sum += pr[j] * load16(v + j * ldv + i) }
            store16(sum, ar + i)
        }
    }
}

typealias Vec8 = SIMD8<Float>

@inline(__always) func load8(_ p: UnsafePointer<Float>) -> Vec8 {
    UnsafeRawPointer(p).loadUnaligned(as: Vec8.self)
}

@inline(__always) func store8(_ x: Vec8, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: x, as: Vec8.self)
}

/// Sums of adjacent lane pairs of a then b: [a0+a1, a2+a3, …, b6+b7].
@inline(__always) private func pairSums(_ a: Vec8, _ b: Vec8) -> Vec8 {
    let ab = SIMD16(lowHalf: a, highHalf: b)
    return ab.evenHalf + ab.oddHalf
}

/// out[0..<8] = [Σ p[0], Σ p[1], …, Σ p[7]]: the lane sums of eight vectors in one vector.
@inline(never) private func reduce8(_ p: UnsafePointer<Vec8>, _ out: UnsafeMutablePointer<Float>) {
    store8(pairSums(pairSums(pairSums(p[0], p[1]), pairSums(p[2], p[3])),
                    pairSums(pairSums(p[4], p[5]), pairSums(p[6], p[7]))), out)
}

@inline(__always) private func store16(_ x: Vec16, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: x, as: Vec16.self)
}

/// max of p[0..<n] (n ≥ 1) with 8 independent scalar chains (SIMD16's pointwiseMax compiles to
/// a per-lane loop through memory on the baseline x86-64 target).
@inline(__always)
func rowMax(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var m0 = -Float.infinity, m1 = m0, m2 = m0, m3 = m0, m4 = m0, m5 = m0, m6 = m0, m7 = m0
    var i = 0
    while i + 8 <= n {
        m0 = max(m0, p[i]); m1 = max(m1, p[i + 1]); m2 = max(m2, p[i + 2]); m3 = max(m3, p[i + 3])
        m4 = max(m4, p[i + 4]); m5 = max(m5, p[i + 5]); m6 = max(m6, p[i + 6]); m7 = max(m7, p[i + 7])
        i += 8
    }
    while i < n { m0 = max(m0, p[i]); i += 1 }
    return max(max(max(m0, m1), max(m2, m3)), max(max(m4, m5), max(m6, m7)))
}

/// Softmax weights below this are stored as 0. A peaked attention row (a retrieval) has most
/// weights near e^-80; their products with V are subnormal floats, which x86 handles in
/// microcode ~100× slower — measured: the 1M-key P·V loop ran 2.5× slower than its memory
/// bound. Dropping weights < e^-46 changes a softmax over 1M keys by < 1e-13 relative.
let negligibleWeight: Float = 1e-20

/// p[i] = e^(p[i] - shift) for i < n (0 when negligible); returns their sum (16 lanes at a time).
@inline(__always)
func expShiftSum(_ p: UnsafeMutablePointer<Float>, _ n: Int, shift: Float) -> Float {
    for i in 0..<n {
        let e = fastExp(p[i] - shift)
        p[i] = e < negligibleWeight ? 0 : e
    }
    var acc = Vec16(), i = 0
    while i + 16 <= n { acc += load16(p + i); i += 16 }
    var sum = acc.sum()
    while i < n { sum += p[i]; i += 1 }
    return sum
}
