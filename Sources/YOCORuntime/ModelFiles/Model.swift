import Foundation
import NeedleSupport
import Tokenizers

/// A loaded model: config, tokenizer and f32 weights (converted from F16/BF16 at load).
public final class Model {
    public let config: ModelConfig
    public let tokenizer: ByteTokenizer
    let weights: Weights

    /// Number of scalar parameters (all tensors of TensorNames.expected).
    public var parameterCount: Int { TensorNames.expected(config).reduce(0) { $0 + $1.shape.reduce(1, *) } }

    /// Loads config.json, tokenizer.json and model.safetensors from `directory`.
    public convenience init(directory: URL) throws {
        let config = try ModelConfig.load(from: directory.appendingPathComponent("config.json"))
        let tokenizer = try ByteTokenizer.load(from: directory.appendingPathComponent("tokenizer.json"), vocabSize: config.vocabSize)
        let file = try SafeTensorsFile(url: directory.appendingPathComponent("model.safetensors"))
        let expected = TensorNames.expected(config)
        let why = "config.json has architecture \(config.architecture.rawValue), n_layers \(config.nLayers), "
            + (config.usesGatedRetention ? "sliding_window null (gated retention)" : "sliding_window \(config.slidingWindow!)")
        let expectedNames = Set(expected.map(\.name))
        if let extra = file.tensors.keys.filter({ !expectedNames.contains($0) }).sorted().first {
            throw RuntimeError.safetensors(path: file.path, tensor: extra, problem: "is not a tensor of this model (\(why))",
                                           fix: "remove it, or fix config.json to match the weights")
        }
        for e in expected {
            guard let info = file.tensors[e.name] else {
                throw RuntimeError.safetensors(path: file.path, tensor: e.name, problem: "is missing (\(why))",
                                               fix: "export it with shape \(e.shape), or fix config.json to match the weights")
            }
            guard info.shape == e.shape else {
                throw RuntimeError.safetensors(path: file.path, tensor: e.name,
                                               problem: "has shape \(info.shape), expected \(e.shape) from config.json",
                                               fix: "fix config.json (dim, hidden_dim, heads, vocab_size) or re-export the weights")
            }
            guard [.F32, .F16, .BF16].contains(info.dtype) else {
                throw RuntimeError.safetensors(path: file.path, tensor: e.name, problem: "has dtype \(info.dtype.rawValue)",
                                               fix: "store weights as F32, F16 or BF16")
            }
        }
        let weights = try Weights(config: config) { name, dst in try file.readFloats(file.require(name), into: dst) }
        self.init(config: config, tokenizer: tokenizer, weights: weights)
    }

    init(config: ModelConfig, tokenizer: ByteTokenizer, weights: Weights) {
        self.config = config
        self.tokenizer = tokenizer
        self.weights = weights
    }

    /// Builds a model from named tensors (the layout of TensorNames); used by random init and tests.
    convenience init(config: ModelConfig, tokenizer: ByteTokenizer = ByteTokenizer(), tensors: [String: [Float]]) {
        precondition((try? config.validate()) != nil, "invalid config")
        let weights = try! Weights(config: config) { name, dst in
            guard let values = tensors[name] else { preconditionFailure("no tensor \(name)") }
            values.withUnsafeBufferPointer { dst.update(from: $0.baseAddress!, count: $0.count) }
        }
        self.init(config: config, tokenizer: tokenizer, weights: weights)
    }

    /// A model with deterministic random weights (for benchmarks and tests). `config` must be valid.
    public static func random(config: ModelConfig, seed: UInt64) -> Model {
        Model(config: config, tensors: randomTensors(config: config, seed: seed))
    }

    /// Random tensors by name: linear weights uniform with std ≈ 1/sqrt(in), norms near 1.
    static func randomTensors(config: ModelConfig, seed: UInt64) -> [String: [Float]] {
        var rng = SeededRandom(seed: seed)
        var out: [String: [Float]] = [:]
        for e in TensorNames.expected(config) {
            let n = e.shape.reduce(1, *)
            if e.shape.count == 1 {
                out[e.name] = (0..<n).map { _ in 1 + 0.1 * rng.symmetric() }
            } else {
                let bound = Float(3).squareRoot() / Float(e.shape[1]).squareRoot()
                let gain: Float = e.name.hasSuffix("gt_proj.weight") ? 4 : 1   // spread the retention gates
                out[e.name] = (0..<n).map { _ in gain * bound * rng.symmetric() }
            }
        }
        return out
    }

    /// Writes a model directory (config.json, tokenizer.json, model.safetensors) from named tensors.
    static func write(config: ModelConfig, tensors: [String: [Float]], to directory: URL,
                      dtype: SafeTensorsWriter.StoreAs = .F32) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(config).write(to: directory.appendingPathComponent("config.json"))
        try Data(ByteTokenizer().json.utf8).write(to: directory.appendingPathComponent("tokenizer.json"))
        let list = TensorNames.expected(config).map { (name: $0.name, shape: $0.shape, values: tensors[$0.name]!) }
        try SafeTensorsWriter.encode(list, as: dtype).write(to: directory.appendingPathComponent("model.safetensors"))
    }

    /// Throws for a token id outside the vocabulary.
    func checkTokens<S: Sequence<Int32>>(_ tokens: S) throws {
        let vocab = config.vocabSize
        for t in tokens where t < 0 || Int(t) >= vocab { throw RuntimeError.invalidToken(id: t, vocabSize: vocab) }
    }

    /// Whether generated `output` now contains `stop` (only its tail is decoded: the text before
    /// was checked when it was generated).
    func outputContainsStop(_ output: [Int32], stop: String?) -> Bool {
        guard let stop, !stop.isEmpty else { return false }
        return tokenizer.decode(Array(output.suffix(stop.utf8.count + 4))).contains(stop)
    }
}
