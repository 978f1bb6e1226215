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
        let shapes = Dictionary(uniqueKeysWithValues: TensorNames.expected(c).map { ($0.name, $0.shape) })
        // Allocates one matrix and fills it with the named tensors stacked row-wise in order
        // (tensors that read the same input, fused so one sgemm computes them all).
        func stack(_ names: [String]) throws -> UnsafeMutablePointer<Float> {
            let parts = names.map { name -> (name: String, rows: Int, cols: Int) in
                guard let shape = shapes[name] else { preconditionFailure("\(name) is not in TensorNames.expected") }
                return (name, shape[0], shape.count > 1 ? shape[1] : 1)
            }
            let buf = FloatBuffer(parts.reduce(0) { $0 + $1.rows * $1.cols })
            storage.append(buf)
            var offset = 0
            for part in parts {
                precondition(part.cols == parts[0].cols, "stacked tensors share their input width")
                try fetch(part.name, buf.ptr + offset)
                offset += part.rows * part.cols
            }
            return buf.ptr
        }
        embed = try stack([TensorNames.embed])
        outNorm = try stack([TensorNames.finalNorm])
        output = try stack([TensorNames.output])
        switch c.architecture {
        case .yoco:
            for i in 0..<c.nSelfLayers {
                let l = TensorNames.selfLayer(i)
                let mix = c.usesGatedRetention ? ["q", "k", "v", "g", "gt"] : ["q", "k", "v"]
                selfLayers.append(SelfLayerWeights(
                    mixerNorm: try stack([l.mixerNorm]), finalNorm: try stack([l.finalNorm]),
                    wMix: try stack(mix.map(l.mixer)), wMixRows: mix.reduce(0) { $0 + shapes[l.mixer($1)]![0] },
                    wo: try stack([l.mixer("out")]), w13: try stack([l.fc1, l.gate]), w2: try stack([l.fc2])))
            }
            kvNorm = try stack([TensorNames.kvNorm])
            wkv = try stack([TensorNames.kProj, TensorNames.vProj])
            for i in 0..<c.nCrossLayers {
                let l = TensorNames.crossLayer(i)
                crossLayers.append(CrossLayerWeights(
                    mixerNorm: try stack([l.mixerNorm]), finalNorm: try stack([l.finalNorm]),
                    wq: try stack([l.mixer("q")]), wo: try stack([l.mixer("out")]),
                    w13: try stack([l.fc1, l.gate]), w2: try stack([l.fc2])))
            }
        case .transformer:
            for i in 0..<c.nLayers {
                let l = TensorNames.transformerLayer(i)
                layers.append(TransformerLayerWeights(
                    mixerNorm: try stack([l.mixerNorm]), finalNorm: try stack([l.finalNorm]),
                    wqkv: try stack([l.mixer("q"), l.mixer("k"), l.mixer("v")]), wo: try stack([l.mixer("out")]),
                    w13: try stack([l.fc1, l.gate]), w2: try stack([l.fc2])))
            }
        }
    }

    /// Bytes of f32 weights held (the memory estimate counts them).
    var bytes: Int { storage.reduce(0) { $0 + $1.bytes } }
}
