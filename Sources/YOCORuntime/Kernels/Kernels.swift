import Foundation

// Small named kernels over row-major f32 matrices (llama2.c style). `ld` = floats between rows.

/// out[r] = x[r] · rsqrt(mean(x[r]²) + eps) · w   for each of `rows` rows of width n (fp32).
/// `w == nil` = no weight (gRet's per-head norm). out may alias x.
@inline(__always)
func rmsnorm(_ out: UnsafeMutablePointer<Float>, ldo: Int, _ x: UnsafePointer<Float>, ldx: Int,
             weight w: UnsafePointer<Float>?, rows: Int, n: Int, eps: Float) {
    for r in 0..<rows {
        let xr = x + r * ldx, o = out + r * ldo
        var ss: Float = 0
        for i in 0..<n { ss += xr[i] * xr[i] }
        let inv = 1 / (ss / Float(n) + eps).squareRoot()
        if let w {
            for i in 0..<n { o[i] = xr[i] * inv * w[i] }
        } else {
            for i in 0..<n { o[i] = xr[i] * inv }
        }
    }
}

/// e^x clamped to x ∈ [-87, 88], branch-free so loops vectorize (glibc's expf is a call per
/// element); relative error ≈ 2e-7. e^x = 2^n · e^f with n = round(x·log2 e), |f| ≤ ln2/2,
/// e^f by its degree-7 series.
@inline(__always) func fastExp(_ x: Float) -> Float {
    let xc = min(max(x, -87), 88)
    // Adding 1.5·2^23 rounds x·log2 e to an integer n held in the low mantissa bits: n comes out
    // with wrapping integer ops only (Int32(Float) would trap-check and stop vectorization).
    let shifted = xc * 1.442_695_04 + 12_582_912
    let n = shifted - 12_582_912
    let f = (xc - n * 0.693_145_751_953_125) - n * 1.428_606_765_330_187e-6   // Cody–Waite x − n·ln2
    var p: Float = 1.0 / 5040
    p = p * f + 1.0 / 720
    p = p * f + 1.0 / 120
    p = p * f + 1.0 / 24
    p = p * f + 1.0 / 6
    p = p * f + 0.5
    p = p * f + 1
    p = p * f + 1
    let exponent = (shifted.bitPattern &- 0x4B40_0000 &+ 127) << 23   // 2^n as float bits
    return p * Float(bitPattern: exponent)
}

@inline(__always) func silu(_ x: Float) -> Float { x / (1 + fastExp(-x)) }

/// log σ(x), stable for large |x|.
@inline(__always) func logSigmoid(_ x: Float) -> Float { min(x, 0) - log1p(exp(-abs(x))) }

/// SwiGLU: h[r, i] = silu(ab[r, i]) · ab[r, hidden + i]   (ab = [fc1 | gate], (rows, 2 hidden)).
func swiglu(_ h: UnsafeMutablePointer<Float>, ldh: Int, _ ab: UnsafePointer<Float>, ldab: Int, rows: Int, hidden: Int) {
    for r in 0..<rows {
        let a = ab + r * ldab, b = a + hidden, o = h + r * ldh
        for i in 0..<hidden { o[i] = silu(a[i]) * b[i] }
    }
}

/// x[t] = embed[tokens[t]] · sqrt(dim)   x: (count, dim)
func embedTokens(_ x: UnsafeMutablePointer<Float>, _ embed: UnsafePointer<Float>, tokens: UnsafePointer<Int32>,
                 count: Int, dim: Int) {
    let scale = Float(dim).squareRoot()
    for t in 0..<count {
        let src = embed + Int(tokens[t]) * dim, dst = x + t * dim
        for i in 0..<dim { dst[i] = src[i] * scale }
    }
}

/// Copies `rows` rows of width n between strided matrices.
@inline(__always)
func copyRows(_ dst: UnsafeMutablePointer<Float>, ldd: Int, _ src: UnsafePointer<Float>, lds: Int, rows: Int, n: Int) {
    for r in 0..<rows { (dst + r * ldd).update(from: src + r * lds, count: n) }
}

/// Index of the largest logit, skipping `masked` ids (BOS, PAD are never generated).
func argmax(_ logits: UnsafePointer<Float>, count: Int, masked: [Int32]) -> Int32 {
    var best: Int32 = -1
    var bestValue = -Float.infinity
    for i in 0..<count {
        if masked.contains(Int32(i)) { continue }
        if best < 0 || logits[i] > bestValue { best = Int32(i); bestValue = logits[i] }
    }
    return best
}
