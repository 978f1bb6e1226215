/// Scores and P·V for a handful of query rows (decode: one token's group heads) with SIMD dot
/// products: for so few rows, sgemm spends its time packing the key tile, while this streams K
/// and V once at memory speed. Requires headDim % 16 == 0.

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
