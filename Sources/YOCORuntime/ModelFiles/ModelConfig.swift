import Foundation

/// config.json of a model directory: the YOCO authors' params.json fields plus `architecture` and
/// `cross_attention_rope` (docs/MODEL_FORMAT.md). Unknown fields are an error, never ignored.
public struct ModelConfig: Codable, Equatable, Sendable {
    public enum Architecture: String, Codable, Sendable { case yoco, transformer }

    public var dim: Int
    public var nLayers: Int
    public var hiddenDim: Int
    public var nSelfHeads: Int
    public var nAttnHeads: Int
    public var nAttnKVHeads: Int
    public var vocabSize: Int
    public var ropeTheta: Double
    public var normEps: Double
    /// SWA window in tokens (keys i-(window-1)…i); nil = gated retention self-decoder.
    public var slidingWindow: Int?
    public var architecture: Architecture
    /// false = no rotation on the global (cross-attention) q and K ("NoPE" global layers).
    public var crossAttentionRope: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case dim, nLayers = "n_layers", hiddenDim = "hidden_dim", nSelfHeads = "n_self_heads"
        case nAttnHeads = "n_attn_heads", nAttnKVHeads = "n_attn_kv_heads", vocabSize = "vocab_size"
        case ropeTheta = "rope_theta", normEps = "norm_eps", slidingWindow = "sliding_window"
        case architecture, crossAttentionRope = "cross_attention_rope"
    }

    public init(dim: Int = 128, nLayers: Int = 4, hiddenDim: Int = 384, nSelfHeads: Int = 4,
                nAttnHeads: Int = 4, nAttnKVHeads: Int = 2, vocabSize: Int = 264,
                ropeTheta: Double = 1e8, normEps: Double = 1e-5, slidingWindow: Int? = 128,
                architecture: Architecture = .yoco, crossAttentionRope: Bool = true) {
        self.dim = dim; self.nLayers = nLayers; self.hiddenDim = hiddenDim
        self.nSelfHeads = nSelfHeads; self.nAttnHeads = nAttnHeads; self.nAttnKVHeads = nAttnKVHeads
        self.vocabSize = vocabSize; self.ropeTheta = ropeTheta; self.normEps = normEps
        self.slidingWindow = slidingWindow; self.architecture = architecture
        self.crossAttentionRope = crossAttentionRope
    }

    /// The shape of the shipped model, models/yoco-niah-tiny (a test holds the two equal): the
    /// default for random weights in `bench`. The initializer's defaults are a smaller test shape.
    public static let tinyDefault = ModelConfig(nLayers: 6, nAttnKVHeads: 4, crossAttentionRope: false)

    // MARK: derived sizes
    public var selfHeadDim: Int { dim / nSelfHeads }        // SWA / gRet head size
    public var headDim: Int { dim / nAttnHeads }            // cross (and transformer) head size
    public var kvDim: Int { nAttnKVHeads * headDim }        // width of one K (or V) row
    public var nSelfLayers: Int { architecture == .yoco ? nLayers / 2 : 0 }
    public var nCrossLayers: Int { architecture == .yoco ? nLayers - nLayers / 2 : 0 }
    public var usesGatedRetention: Bool { slidingWindow == nil }

    public init(from decoder: Decoder) throws {
        let any = try decoder.container(keyedBy: AnyCodingKey.self)
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = any.allKeys.map(\.stringValue).filter({ !known.contains($0) }).sorted().first {
            throw ConfigDecodingIssue.unknownField(unknown)
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dim = try c.decode(Int.self, forKey: .dim)
        nLayers = try c.decode(Int.self, forKey: .nLayers)
        hiddenDim = try c.decode(Int.self, forKey: .hiddenDim)
        nAttnHeads = try c.decode(Int.self, forKey: .nAttnHeads)
        nSelfHeads = try c.decodeIfPresent(Int.self, forKey: .nSelfHeads) ?? nAttnHeads
        nAttnKVHeads = try c.decodeIfPresent(Int.self, forKey: .nAttnKVHeads) ?? nAttnHeads
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        ropeTheta = try c.decodeIfPresent(Double.self, forKey: .ropeTheta) ?? 10000
        normEps = try c.decodeIfPresent(Double.self, forKey: .normEps) ?? 1e-5
        slidingWindow = try c.decodeIfPresent(Int.self, forKey: .slidingWindow)
        architecture = try c.decodeIfPresent(Architecture.self, forKey: .architecture) ?? .yoco
        crossAttentionRope = try c.decodeIfPresent(Bool.self, forKey: .crossAttentionRope) ?? true
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(dim, forKey: .dim); try c.encode(nLayers, forKey: .nLayers)
        try c.encode(hiddenDim, forKey: .hiddenDim); try c.encode(nSelfHeads, forKey: .nSelfHeads)
        try c.encode(nAttnHeads, forKey: .nAttnHeads); try c.encode(nAttnKVHeads, forKey: .nAttnKVHeads)
        try c.encode(vocabSize, forKey: .vocabSize); try c.encode(ropeTheta, forKey: .ropeTheta)
        try c.encode(normEps, forKey: .normEps)
        if let w = slidingWindow { try c.encode(w, forKey: .slidingWindow) } else { try c.encodeNil(forKey: .slidingWindow) }
        try c.encode(architecture, forKey: .architecture)
        try c.encode(crossAttentionRope, forKey: .crossAttentionRope)
    }

    /// Reads and validates config.json.
    public static func load(from url: URL) throws -> ModelConfig {
        let path = url.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RuntimeError.missingFile(path: path, fix: "a model directory needs config.json (docs/MODEL_FORMAT.md lists its fields)")
        }
        let config: ModelConfig
        do {
            config = try JSONDecoder().decode(ModelConfig.self, from: data)
        } catch ConfigDecodingIssue.unknownField(let field) {
            throw RuntimeError.config(path: path, field: field, problem: "is not a known config field",
                                      fix: "remove it; known fields: \(CodingKeys.allCases.map(\.rawValue).joined(separator: ", "))")
        } catch let DecodingError.keyNotFound(key, _) {
            throw RuntimeError.config(path: path, field: key.stringValue, problem: "is missing", fix: "add it (an integer)")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw RuntimeError.config(path: path, field: ctx.codingPath.last?.stringValue ?? "?",
                                      problem: "has the wrong type", fix: "use the JSON type docs/MODEL_FORMAT.md gives (integers, numbers, booleans)")
        } catch let DecodingError.valueNotFound(_, ctx) {
            throw RuntimeError.config(path: path, field: ctx.codingPath.last?.stringValue ?? "?",
                                      problem: "is null", fix: "give it a value (only sliding_window may be null)")
        } catch let DecodingError.dataCorrupted(ctx) {
            let field = ctx.codingPath.last?.stringValue ?? "(file)"
            throw RuntimeError.config(path: path, field: field, problem: "is not valid: \(ctx.debugDescription)",
                                      fix: field == "architecture" ? "use \"yoco\" or \"transformer\"" : "write config.json as a JSON object")
        }
        try config.validate(path: path)
        return config
    }

    /// The largest value of each size field `validate` accepts.
    static let limits = (dim: 1 << 16, layers: 1 << 10, hiddenDim: 1 << 18, heads: 1 << 10, vocab: 1 << 22, window: 1 << 24)

    /// Checks sizes that the runtime relies on; throws naming the field.
    public func validate(path: String = "config.json") throws {
        func fail(_ field: String, _ problem: String, _ fix: String) -> RuntimeError {
            .config(path: path, field: field, problem: problem, fix: fix)
        }
        for (name, value) in [("dim", dim), ("n_layers", nLayers), ("hidden_dim", hiddenDim),
                              ("n_self_heads", nSelfHeads), ("n_attn_heads", nAttnHeads),
                              ("n_attn_kv_heads", nAttnKVHeads), ("vocab_size", vocabSize)] where value < 1 {
            throw fail(name, "is \(value)", "use a positive integer")
        }
        // Sizes the runtime's byte counts (weights, a 1M-token KV cache) can hold without
        // overflowing; far above any model a CPU runs. A corrupt or hostile config.json with
        // huge numbers must be refused here, not trap in an estimate later.
        for (name, value, limit) in [("dim", dim, Self.limits.dim), ("n_layers", nLayers, Self.limits.layers),
                                     ("hidden_dim", hiddenDim, Self.limits.hiddenDim), ("n_self_heads", nSelfHeads, Self.limits.heads),
                                     ("n_attn_heads", nAttnHeads, Self.limits.heads), ("n_attn_kv_heads", nAttnKVHeads, Self.limits.heads),
                                     ("vocab_size", vocabSize, Self.limits.vocab), ("sliding_window", slidingWindow ?? 1, Self.limits.window)]
            where value > limit {
            throw fail(name, "is \(value), above the largest this runtime supports (\(limit))", "check the file: it is corrupt or not a config.json of this format")
        }
        if architecture == .yoco && nLayers < 2 {
            throw fail("n_layers", "is \(nLayers)", "a YOCO model needs at least 2 layers (self + cross decoder)")
        }
        if dim % nAttnHeads != 0 || headDim % 2 != 0 {
            throw fail("n_attn_heads", "does not split dim \(dim) into even-sized heads", "pick n_attn_heads dividing dim with an even head size")
        }
        if architecture == .yoco && (dim % nSelfHeads != 0 || selfHeadDim % 2 != 0) {
            throw fail("n_self_heads", "does not split dim \(dim) into even-sized heads", "pick n_self_heads dividing dim with an even head size")
        }
        if nAttnHeads % nAttnKVHeads != 0 {
            throw fail("n_attn_kv_heads", "(\(nAttnKVHeads)) does not divide n_attn_heads (\(nAttnHeads))", "use a divisor of n_attn_heads")
        }
        if let w = slidingWindow, w < 1 {
            throw fail("sliding_window", "is \(w)", "use a positive window, or null for gated retention")
        }
        if !(ropeTheta > 0) { throw fail("rope_theta", "is \(ropeTheta)", "use a positive number, e.g. 10000") }
        if !(normEps > 0) { throw fail("norm_eps", "is \(normEps)", "use a small positive number, e.g. 1e-5") }
    }
}

enum ConfigDecodingIssue: Error { case unknownField(String) }

struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}
