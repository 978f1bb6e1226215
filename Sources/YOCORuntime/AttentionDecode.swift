/// Scores and P·V for a handful of query rows (decode: one token's group heads) over a short key
/// tile (SWA windows, short contexts), where a sgemm call costs more than the arithmetic. Long
/// tiles go to sgemm: OpenBLAS's AVX-512 kernels beat this baseline-x86-64 SIMD. headDim % 16 == 0.

typealias Vec16 = SIMD16<Float>

@inline(__always) private func load16(_ p: UnsafePointer<Float>) -> Vec16 {
    UnsafeRawPointer(p).loadUnaligned(as: Vec16.self)
}

/// s[r, j] = scale · q[r]·k[j]   for r < rows, j < n.   q rows stride ldq, k rows stride ldk.
@inline(__always)
func smallScores(rows: Int, n: Int, hd: Int, scale: Float, q: UnsafePointer<Float>, ldq: Int,
                 k: UnsafePointer<Float>, ldk: Int, s: UnsafeMutablePointer<Float>) {
    for r in 0..<rows {
        let qr = q + r * ldq, sr = s + r * n
        if hd == 32 {
            let q0 = load16(qr), q1 = load16(qr + 16)
            for j in 0..<n {
                let kj = k + j * ldk
                sr[j] = scale * (q0 * load16(kj) + q1 * load16(kj + 16)).sum()
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

/// acc[r] += Σ_j p[r, j] · v[j]   for r < rows (acc rows stride hd).
@inline(__always)
func smallPV(rows: Int, n: Int, hd: Int, p: UnsafePointer<Float>, v: UnsafePointer<Float>, ldv: Int,
             acc: UnsafeMutablePointer<Float>) {
    for r in 0..<rows {
        let pr = p + r * n, ar = acc + r * hd
        for i in stride(from: 0, to: hd, by: 16) {
            var sum = load16(ar + i)
            for j in 0..<n where pr[j] != 0 { sum += pr[j] * load16(v + j * ldv + i) }
            UnsafeMutableRawPointer(ar + i).storeBytes(of: sum, as: Vec16.self)
        }
    }
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

/// p[i] = e^(p[i] - shift) for i < n; returns their sum (16 lanes at a time).
@inline(__always)
func expShiftSum(_ p: UnsafeMutablePointer<Float>, _ n: Int, shift: Float) -> Float {
    for i in 0..<n { p[i] = fastExp(p[i] - shift) }
    var acc = Vec16(), i = 0
    while i + 16 <= n { acc += load16(p + i); i += 16 }
    var sum = acc.sum()
    while i < n { sum += p[i]; i += 1 }
    return sum
}
