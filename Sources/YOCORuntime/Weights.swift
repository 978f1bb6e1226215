/// Weights laid out for the forward pass: f32, with the projections that read the same input
/// fused into one [sum of outs, in] matrix so that one sgemm computes them all.
/// Built from the per-tensor names of TensorNames by a `fetch(name, dst)` that fills `dst`.

struct SelfLayerWeights {
    let mixerNorm: UnsafeMutablePointer<Float>  // (dim)
    let finalNorm: UnsafeMutablePointer<Float>  // (dim)
    let wMix: UnsafeMutablePointer<Float>       // SWA (3dim, dim) q;k;v — gRet (4dim + n_self_heads, dim) q;k;v;g;gt
    let wMixRows: Int
    let wo: UnsafeMutablePointer<Float>         // (dim, dim)
    let w13: UnsafeMutablePointer<Float>        // (2 hidden, dim) fc1;gate
    let w2: UnsafeMutablePointer<Float>         // (dim, hidden)
}

struct CrossLayerWeights {
    let mixerNorm: UnsafeMutablePointer<Float>  // (dim)
    let finalNorm: UnsafeMutablePointer<Float>  // (dim)
    let wq: UnsafeMutablePointer<Float>         // (dim, dim)
    let wo: UnsafeMutablePointer<Float>         // (dim, dim)
    let w13: UnsafeMutablePointer<Float>        // (2 hidden, dim)
    let w2: UnsafeMutablePointer<Float>         // (dim, hidden)
}

struct TransformerLayerWeights {
    let mixerNorm: UnsafeMutablePointer<Float>  // (dim)
    let finalNorm: UnsafeMutablePointer<Float>  // (dim)
    let wqkv: UnsafeMutablePointer<Float>       // (dim + 2 kvDim, dim) q;k;v
    let wo: UnsafeMutablePointer<Float>         // (dim, dim)
    let w13: UnsafeMutablePointer<Float>        // (2 hidden, dim)
    let w2: UnsafeMutablePointer<Float>         // (dim, hidden)
}

final class Weights {
    private var storage: [FloatBuffer] = []
    var embed: UnsafeMutablePointer<Float>!          // (vocab, dim)
    var outNorm: UnsafeMutablePointer<Float>!        // (dim)
    var output: UnsafeMutablePointer<Float>!         // (vocab, dim)
    var kvNorm: UnsafeMutablePointer<Float>?         // (dim)             YOCO only
    var wkv: UnsafeMutablePointer<Float>?            // (2 kvDim, dim) k;v YOCO only
    var selfLayers: [SelfLayerWeights] = []
    var crossLayers: [CrossLayerWeights] = []
    var layers: [TransformerLayerWeights] = []

    typealias Fetch = (_ name: String, _ dst: UnsafeMutablePointer<Float>) throws -> Void

    init(config c: ModelConfig, fetch: Fetch) throws {
        let d = c.dim, h = c.hiddenDim
        // Allocates rows×cols and fills it with the named tensors stacked in order.
        func stack(_ parts: [(String, Int)], cols: Int) throws -> UnsafeMutablePointer<Float> {
            let buf = FloatBuffer(parts.reduce(0) { $0 + $1.1 } * cols)
            storage.append(buf)
            var row = 0
            for (name, rows) in parts {
                try fetch(name, buf.ptr + row * cols)
                row += rows
            }
            return buf.ptr
        }
        func one(_ name: String, _ count: Int) throws -> UnsafeMutablePointer<Float> { try stack([(name, count)], cols: 1) }
        embed = try stack([(TensorNames.embed, c.vocabSize)], cols: d)
        outNorm = try one(TensorNames.finalNorm, d)
        output = try stack([(TensorNames.output, c.vocabSize)], cols: d)
        func ffn(_ p: String) throws -> (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) {
            (try stack([(p + "ffn.fc1.weight", h), (p + "ffn.gate.weight", h)], cols: d),
             try stack([(p + "ffn.fc2.weight", d)], cols: h))
        }
        switch c.architecture {
        case .yoco:
            for i in 0..<c.nSelfLayers {
                let p = TensorNames.selfLayer(i) + "mixer."
                var parts = [(p + "q_proj.weight", d), (p + "k_proj.weight", d), (p + "v_proj.weight", d)]
                if c.usesGatedRetention { parts += [(p + "g_proj.weight", d), (p + "gt_proj.weight", c.nSelfHeads)] }
                let (w13, w2) = try ffn(TensorNames.selfLayer(i))
                selfLayers.append(SelfLayerWeights(
                    mixerNorm: try one(TensorNames.selfLayer(i) + "mixer_layer_norm.weight", d),
                    finalNorm: try one(TensorNames.selfLayer(i) + "final_layer_norm.weight", d),
                    wMix: try stack(parts, cols: d), wMixRows: parts.reduce(0) { $0 + $1.1 },
                    wo: try stack([(p + "out_proj.weight", d)], cols: d), w13: w13, w2: w2))
            }
            kvNorm = try one(TensorNames.kvNorm, d)
            wkv = try stack([(TensorNames.kProj, c.kvDim), (TensorNames.vProj, c.kvDim)], cols: d)
            for i in 0..<c.nCrossLayers {
                let p = TensorNames.crossLayer(i)
                let (w13, w2) = try ffn(p)
                crossLayers.append(CrossLayerWeights(
                    mixerNorm: try one(p + "mixer_layer_norm.weight", d),
                    finalNorm: try one(p + "final_layer_norm.weight", d),
                    wq: try stack([(p + "mixer.q_proj.weight", d)], cols: d),
                    wo: try stack([(p + "mixer.out_proj.weight", d)], cols: d), w13: w13, w2: w2))
            }
        case .transformer:
            for i in 0..<c.nLayers {
                let p = TensorNames.transformerLayer(i)
                let (w13, w2) = try ffn(p)
                layers.append(TransformerLayerWeights(
                    mixerNorm: try one(p + "mixer_layer_norm.weight", d),
                    finalNorm: try one(p + "final_layer_norm.weight", d),
                    wqkv: try stack([(p + "mixer.q_proj.weight", d), (p + "mixer.k_proj.weight", c.kvDim),
                                     (p + "mixer.v_proj.weight", c.kvDim)], cols: d),
                    wo: try stack([(p + "mixer.out_proj.weight", d)], cols: d), w13: w13, w2: w2))
            }
        }
    }
}
