/// The one table of tensor names and shapes (docs/MODEL_FORMAT.md lists them); linear weights
/// are [out, in]. Loading, the fused weight layout, random init, saving and parameter counting
/// all read it, so a name is spelled in one place.
enum TensorNames {
    struct Entry { let name: String; let shape: [Int] }

    /// The names of one layer's tensors under its prefix (e.g. "self_decoder.layers.0.").
    struct Layer {
        let prefix: String
        var mixerNorm: String { prefix + "mixer_layer_norm.weight" }
        var finalNorm: String { prefix + "final_layer_norm.weight" }
        func mixer(_ projection: String) -> String { prefix + "mixer.\(projection)_proj.weight" }
        var fc1: String { prefix + "ffn.fc1.weight" }
        var gate: String { prefix + "ffn.gate.weight" }
        var fc2: String { prefix + "ffn.fc2.weight" }
    }

    static func selfLayer(_ i: Int) -> Layer { Layer(prefix: "self_decoder.layers.\(i).") }
    static func crossLayer(_ i: Int) -> Layer { Layer(prefix: "cross_decoder.layers.\(i).") }
    static func transformerLayer(_ i: Int) -> Layer { Layer(prefix: "layers.\(i).") }
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
        func norms(_ l: Layer) -> [Entry] { [Entry(name: l.mixerNorm, shape: [d]), Entry(name: l.finalNorm, shape: [d])] }
        func ffn(_ l: Layer) -> [Entry] {
            [Entry(name: l.fc1, shape: [h, d]), Entry(name: l.gate, shape: [h, d]), Entry(name: l.fc2, shape: [d, h])]
        }
        switch c.architecture {
        case .yoco:
            for i in 0..<c.nSelfLayers {
                let l = selfLayer(i)
                list += norms(l)
                for proj in ["q", "k", "v", "out"] { list.append(Entry(name: l.mixer(proj), shape: [d, d])) }
                if c.usesGatedRetention {
                    list.append(Entry(name: l.mixer("g"), shape: [d, d]))
                    list.append(Entry(name: l.mixer("gt"), shape: [c.nSelfHeads, d]))
                }
                list += ffn(l)
            }
            list.append(Entry(name: kvNorm, shape: [d]))
            list.append(Entry(name: kProj, shape: [c.kvDim, d]))
            list.append(Entry(name: vProj, shape: [c.kvDim, d]))
            for i in 0..<c.nCrossLayers {
                let l = crossLayer(i)
                list += norms(l)
                list.append(Entry(name: l.mixer("q"), shape: [d, d]))
                list.append(Entry(name: l.mixer("out"), shape: [d, d]))
                list += ffn(l)
            }
        case .transformer:
            for i in 0..<c.nLayers {
                let l = transformerLayer(i)
                list += norms(l)
                list.append(Entry(name: l.mixer("q"), shape: [d, d]))
                list.append(Entry(name: l.mixer("k"), shape: [c.kvDim, d]))
                list.append(Entry(name: l.mixer("v"), shape: [c.kvDim, d]))
                list.append(Entry(name: l.mixer("out"), shape: [d, d]))
                list += ffn(l)
            }
        }
        list.append(Entry(name: finalNorm, shape: [d]))
        list.append(Entry(name: output, shape: [c.vocabSize, d]))
        return list
    }
}
