import Foundation
@testable import YOCORuntime

/// A deliberately naive float64 forward pass written straight from docs/ARCHITECTURE.md (full
/// sequence, no caches, no chunking, recurrent gRet) to check the runtime against before and
/// beside the PyTorch fixtures.
struct NaiveReference {
    let c: ModelConfig
    let t: [String: [Float]]

    typealias Mat = [[Double]]

    func w(_ name: String) -> Mat {
        let v = t[name]!
        let shape = TensorNames.expected(c).first { $0.name == name }!.shape
        let inDim = shape[1]
        return (0..<shape[0]).map { r in (0..<inDim).map { Double(v[r * inDim + $0]) } }
    }
    func vec(_ name: String) -> [Double] { t[name]!.map(Double.init) }

    func linear(_ x: Mat, _ name: String) -> Mat {
        let W = w(name)
        return x.map { row in W.map { wr in zip(row, wr).reduce(0) { $0 + $1.0 * $1.1 } } }
    }
    func rmsnorm(_ x: Mat, _ weight: [Double]?) -> Mat {
        x.map { row in
            let ms = row.reduce(0) { $0 + $1 * $1 } / Double(row.count)
            let inv = 1 / (ms + c.normEps).squareRoot()
            return row.enumerated().map { i, v in v * inv * (weight?[i] ?? 1) }
        }
    }
    func rope(_ x: Mat, heads: Int, hd: Int, offset: Int = 0) -> Mat {
        let half = hd / 2
        return x.enumerated().map { pos, row in
            var r = row
            for h in 0..<heads {
                for i in 0..<half {
                    let f = half > 1 ? pow(c.ropeTheta, -Double(i) / Double(half - 1)) : 1
                    let a = Double(pos) * f
                    let j = offset + h * hd + 2 * i
                    let (x0, x1) = (row[j], row[j + 1])
                    r[j] = x0 * cos(a) - x1 * sin(a)
                    r[j + 1] = x0 * sin(a) + x1 * cos(a)
                }
            }
            return r
        }
    }
    func silu(_ v: Double) -> Double { v / (1 + exp(-v)) }
    func add(_ a: Mat, _ b: Mat) -> Mat { zip(a, b).map { zip($0, $1).map { $0 + $1 } } }
    func ffn(_ x: Mat, _ p: String) -> Mat {
        let a = linear(x, p + "ffn.fc1.weight"), g = linear(x, p + "ffn.gate.weight")
        let h = zip(a, g).map { zip($0, $1).map { silu($0) * $1 } }
        return linear(h, p + "ffn.fc2.weight")
    }

    /// Attention: q (T, heads·hd), k, v (T, kvHeads·hd); query i sees keys lo(i)…i.
    func attention(_ q: Mat, _ k: Mat, _ v: Mat, heads: Int, kvHeads: Int, hd: Int, window: Int?) -> Mat {
        let T = q.count, group = heads / kvHeads
        var out = Mat(repeating: [Double](repeating: 0, count: heads * hd), count: T)
        for i in 0..<T {
            let lo = window.map { max(0, i - ($0 - 1)) } ?? 0
            for h in 0..<heads {
                let kh = h / group
                var scores: [Double] = []
                for j in lo...i {
                    var s = 0.0
                    for e in 0..<hd { s += q[i][h * hd + e] * k[j][kh * hd + e] }
                    scores.append(s / Double(hd).squareRoot())
                }
                let m = scores.max()!
                let ex = scores.map { exp($0 - m) }, z = ex.reduce(0, +)
                for (n, j) in (lo...i).enumerated() {
                    for e in 0..<hd { out[i][h * hd + e] += ex[n] / z * v[j][kh * hd + e] }
                }
            }
        }
        return out
    }

    func retention(_ x: Mat, _ p: String) -> Mat {
        let H = c.nSelfHeads, d = c.selfHeadDim, T = x.count
        let q = rope(linear(x, p + "q_proj.weight"), heads: H, hd: d)
        let k = rope(linear(x, p + "k_proj.weight"), heads: H, hd: d).map { $0.map { $0 / Double(d).squareRoot() } }
        let v = linear(x, p + "v_proj.weight"), g = linear(x, p + "g_proj.weight"), gt = linear(x, p + "gt_proj.weight")
        var out = Mat(repeating: [Double](repeating: 0, count: c.dim), count: T)
        for h in 0..<H {
            var S = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
            for t in 0..<T {
                let z = gt[t][h]
                let logGamma = (min(z, 0) - log1p(exp(-abs(z)))) / 16
                let gamma = exp(logGamma)
                for a in 0..<d { for b in 0..<d { S[a][b] = gamma * S[a][b] + k[t][h * d + a] * v[t][h * d + b] } }
                var o = [Double](repeating: 0, count: d)
                for a in 0..<d { for b in 0..<d { o[b] += q[t][h * d + a] * S[a][b] } }
                let ms = o.reduce(0) { $0 + $1 * $1 } / Double(d)
                let inv = 1 / (ms + c.normEps).squareRoot()
                for b in 0..<d { out[t][h * d + b] = o[b] * inv * silu(g[t][h * d + b]) }
            }
        }
        return linear(out, p + "out_proj.weight")
    }

    func logits(_ tokens: [Int32]) -> [[Float]] {
        let E = w(TensorNames.embed)
        var x: Mat = tokens.map { E[Int($0)].map { $0 * Double(c.dim).squareRoot() } }
        switch c.architecture {
        case .yoco:
            for i in 0..<c.nSelfLayers {
                let p = TensorNames.selfLayer(i).prefix
                let xn = rmsnorm(x, vec(p + "mixer_layer_norm.weight"))
                let mixed: Mat
                if c.usesGatedRetention {
                    mixed = retention(xn, p + "mixer.")
                } else {
                    let H = c.nSelfHeads, d = c.selfHeadDim
                    let q = rope(linear(xn, p + "mixer.q_proj.weight"), heads: H, hd: d)
                    let k = rope(linear(xn, p + "mixer.k_proj.weight"), heads: H, hd: d)
                    let v = linear(xn, p + "mixer.v_proj.weight")
                    mixed = linear(attention(q, k, v, heads: H, kvHeads: H, hd: d, window: c.slidingWindow), p + "mixer.out_proj.weight")
                }
                x = add(x, mixed)
                x = add(x, ffn(rmsnorm(x, vec(p + "final_layer_norm.weight")), p))
            }
            let xkv = rmsnorm(x, vec(TensorNames.kvNorm))
            var K = linear(xkv, TensorNames.kProj)
            let V = linear(xkv, TensorNames.vProj)
            if c.crossAttentionRope { K = rope(K, heads: c.nAttnKVHeads, hd: c.headDim) }
            for i in 0..<c.nCrossLayers {
                let p = TensorNames.crossLayer(i).prefix
                var q = linear(rmsnorm(x, vec(p + "mixer_layer_norm.weight")), p + "mixer.q_proj.weight")
                if c.crossAttentionRope { q = rope(q, heads: c.nAttnHeads, hd: c.headDim) }
                let a = attention(q, K, V, heads: c.nAttnHeads, kvHeads: c.nAttnKVHeads, hd: c.headDim, window: nil)
                x = add(x, linear(a, p + "mixer.out_proj.weight"))
                x = add(x, ffn(rmsnorm(x, vec(p + "final_layer_norm.weight")), p))
            }
        case .transformer:
            for i in 0..<c.nLayers {
                let p = TensorNames.transformerLayer(i).prefix
                let xn = rmsnorm(x, vec(p + "mixer_layer_norm.weight"))
                let q = rope(linear(xn, p + "mixer.q_proj.weight"), heads: c.nAttnHeads, hd: c.headDim)
                let k = rope(linear(xn, p + "mixer.k_proj.weight"), heads: c.nAttnKVHeads, hd: c.headDim)
                let v = linear(xn, p + "mixer.v_proj.weight")
                let a = attention(q, k, v, heads: c.nAttnHeads, kvHeads: c.nAttnKVHeads, hd: c.headDim, window: nil)
                x = add(x, linear(a, p + "mixer.out_proj.weight"))
                x = add(x, ffn(rmsnorm(x, vec(p + "final_layer_norm.weight")), p))
            }
        }
        return linear(rmsnorm(x, vec(TensorNames.finalNorm)), TensorNames.output).map { $0.map(Float.init) }
    }
}
