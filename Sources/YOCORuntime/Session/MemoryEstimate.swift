import Foundation

/// Bytes the runtime will allocate, predicted from the config before anything is allocated, so
/// that a grid too large for the machine is refused at once instead of failing an hour in. Each
/// term mirrors one allocation of the session (a test holds the sum against the bytes the
/// allocator actually hands out).
public enum MemoryEstimate {
    /// f32 weights of a loaded model (every tensor is converted to f32 at load).
    public static func weightBytes(_ c: ModelConfig) -> Int {
        TensorNames.expected(c).reduce(0) { $0 + $1.shape.reduce(1, *) } * MemoryLayout<Float>.size
    }

    /// KV cache bytes for `tokens` (YOCO: the one global cache; Transformer: one per layer).
    public static func kvBytes(_ c: ModelConfig, kvDType: KVDType, tokens: Int) -> Int {
        let caches = c.architecture == .transformer ? c.nLayers : 1
        return caches * KVCache.bytes(rows: max(tokens, 1), width: c.kvDim, dtype: kvDType)
    }

    /// An `InferenceSession` with room for `capacity` tokens, after prefilling that many: KV
    /// cache, chunk activations, self-decoder windows or states, attention scratch, RoPE tables
    /// and the prefix-reuse snapshots (at most their byte budget).
    public static func sessionBytes(_ c: ModelConfig, options: SessionOptions, capacity: Int) -> Int {
        let chunk = max(1, options.chunkSize)
        return kvBytes(c, kvDType: options.kvDType, tokens: capacity)
            + forwardScratchBytes(c, options: options, chunk: chunk)
            + min(options.prefixCacheBytes, capacity / chunk * snapshotBytes(c))
    }

    /// A `SpliceBase` of `tokens` tokens: its KV rows, the retention snapshots it keeps, and the
    /// scratch of the forward pass that builds it (freed when it is built, but held meanwhile).
    public static func spliceBaseBytes(_ c: ModelConfig, options: SessionOptions, tokens: Int) -> Int {
        let chunk = max(1, options.chunkSize)
        let snapshots = c.usesGatedRetention ? tokens / chunk * snapshotBytes(c) : 0
        return kvBytes(c, kvDType: options.kvDType, tokens: tokens) + snapshots + forwardScratchBytes(c, options: options, chunk: chunk)
    }

    /// One self-decoder snapshot: SWA windows or retention states of every self layer.
    static func snapshotBytes(_ c: ModelConfig) -> Int {
        guard c.architecture == .yoco else { return 0 }
        let perLayer = c.slidingWindow.map { 2 * ($0 - 1) * c.dim } ?? c.nSelfHeads * c.selfHeadDim * c.selfHeadDim
        return c.nSelfLayers * perLayer * MemoryLayout<Float>.size
    }

    /// Everything a forward pass allocates besides its KV cache.
    static func forwardScratchBytes(_ c: ModelConfig, options: SessionOptions, chunk: Int) -> Int {
        let workers = max(1, options.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let d = c.dim, h = c.hiddenDim
        // RunState: x, xb, att (chunk, dim); proj (chunk, projWidth); hb (chunk, 2h); hb2 (chunk, h); logits.
        let projWidth = max(4 * d + c.nSelfHeads, d + 2 * c.kvDim)
        var floats = chunk * (3 * d + projWidth + 3 * h) + c.vocabSize
        // Self-decoder layers.
        if c.architecture == .yoco {
            if let w = c.slidingWindow {
                floats += c.nSelfLayers * 2 * (w - 1 + chunk) * d
            } else {
                let hd = c.selfHeadDim, b = max(1, options.retentionChunk)
                let scratch = max(1, min(workers, c.nSelfHeads)) * (b * b + 2 * b * hd)
                floats += c.nSelfLayers * (c.nSelfHeads * (hd * hd + chunk) + scratch)
            }
        }
        // RoPE cos/sin tables of `chunk` positions (self and cross heads may differ in size).
        floats += 2 * chunk * (c.selfHeadDim / 2 + c.headDim / 2)
        // Attention workspace: per worker a score tile, K/V tiles, accumulators and the sliding
        // window's band scratch; split partials.
        let block = c.slidingWindow.map { min(128, max(16, $0)) } ?? 64
        let rows = max(block, c.nAttnHeads)
        let hd = max(c.headDim, c.selfHeadDim)
        let heads = max(c.nAttnHeads, c.nSelfHeads)
        let tasks = max(heads * ((chunk + block - 1) / block), 4 * workers * max(1, c.nAttnKVHeads))
        floats += workers * (rows * options.attentionKeyTile + 2 * options.attentionKeyTile * hd + rows * (hd + 2)
                             + attendBandScratch(n: options.attentionKeyTile, hd: hd))
        floats += tasks * rows * (hd + 2)
        return floats * MemoryLayout<Float>.size
    }
}
