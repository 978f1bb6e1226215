/// The central table of tensor names and shapes (YOCO_REFERENCE.md, "Tensor names"); linear
/// weights are [out, in]. Loading, random init, saving and parameter counting all read this.
enum TensorNames {
    struct Entry { let name: String; let shape: [Int] }

    static func selfLayer(_ i: Int) -> String { "self_decoder.layers.\(i)." }
    static func crossLayer(_ i: Int) -> String { "cross_decoder.layers.\(i)." }
    static func transformerLayer(_ i: Int) -> String { "layers.\(i)." }
    static let embed = "embed_tokens.weight"
    static let output = "output_projection.weight"
    static let finalNorm = "layer_norm.weight"
    static let kvNorm = "cross_decoder.kv_layer_norm.weight"
    static let kProj = "cross_decoder.k_proj.weight"
    static let vProj = "cross_decoder.v_proj.weight"

    /// Every tensor model.safetensors must hold for `c`, in a stable order.
    static func expected(_ c: ModelConfig) -> [Entry] {
        let d = c.dim, h = c.hiddenDim
        var list = [Entry(name: embed, shape: [c.vocabSize, d])]
        func norms(_ p: String) -> [Entry] {
            [Entry(name: p + "mixer_layer_norm.weight", shape: [d]), Entry(name: p + "final_layer_norm.weight", shape: [d])]
        }
        func ffn(_ p: String) -> [Entry] {
            [Entry(name: p + "ffn.fc1.weight", shape: [h, d]), Entry(name: p + "ffn.gate.weight", shape: [h, d]),
             Entry(name: p + "ffn.fc2.weight", shape: [d, h])]
        }
        switch c.architecture {
        case .yoco:
            for i in 0..<c.nSelfLayers {
                let p = selfLayer(i)
                list += norms(p)
                for proj in ["q", "k", "v", "out"] { list.append(Entry(name: p + "mixer.\(proj)_proj.weight", shape: [d, d])) }
                if c.usesGatedRetention {
                    list.append(Entry(name: p + "mixer.g_proj.weight", shape: [d, d]))
                    list.append(Entry(name: p + "mixer.gt_proj.weight", shape: [c.nSelfHeads, d]))
                }
                list += ffn(p)
            }
            list.append(Entry(name: kvNorm, shape: [d]))
            list.append(Entry(name: kProj, shape: [c.kvDim, d]))
            list.append(Entry(name: vProj, shape: [c.kvDim, d]))
            for i in 0..<c.nCrossLayers {
                let p = crossLayer(i)
                list += norms(p)
                list.append(Entry(name: p + "mixer.q_proj.weight", shape: [d, d]))
                list.append(Entry(name: p + "mixer.out_proj.weight", shape: [d, d]))
                list += ffn(p)
            }
        case .transformer:
            for i in 0..<c.nLayers {
                let p = transformerLayer(i)
                list += norms(p)
                list.append(Entry(name: p + "mixer.q_proj.weight", shape: [d, d]))
                list.append(Entry(name: p + "mixer.k_proj.weight", shape: [c.kvDim, d]))
                list.append(Entry(name: p + "mixer.v_proj.weight", shape: [c.kvDim, d]))
                list.append(Entry(name: p + "mixer.out_proj.weight", shape: [d, d]))
                list += ffn(p)
            }
        }
        list.append(Entry(name: finalNorm, shape: [d]))
        list.append(Entry(name: output, shape: [c.vocabSize, d]))
        return list
    }
}
