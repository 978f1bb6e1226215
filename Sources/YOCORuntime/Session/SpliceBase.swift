import Foundation

/// A context prefilled once — the haystack of a run, without needles or question — whose global
/// KV rows every prompt of the run reuses (`InferenceSession.prefillSplicing`). YOCO makes this
/// cheap: the one global cache is all the cross-decoder reads, so a prompt needs the base's rows
/// (shifted past its insertions) plus the few rows its insertions can reach (SplicePlan).
public final class SpliceBase {
    public let tokens: [Int32]
    let model: Model
    let cache: KVCache
    let chunk: Int
    /// Gated retention only: self-decoder states at multiples of `chunk`, to restart the recurrence
    /// anywhere in the base (SWA rebuilds its windows from the tokens instead).
    private let snapshots: [Int: [Float]]

    /// Prefills `tokens` with `options`' chunk size, KV type and threads. YOCO models only.
    public init(model: Model, tokens: [Int32], options: SessionOptions = SessionOptions()) throws {
        guard model.config.architecture == .yoco else {
            throw RuntimeError.config(path: "config.json", field: "architecture", problem: "is transformer: it has no global KV cache to reuse",
                                      fix: "use a YOCO model, or prefill each prompt independently")
        }
        guard !tokens.isEmpty else { throw RuntimeError.emptyInput("splice base tokens") }
        self.tokens = tokens
        self.model = model
        let chunk = max(1, options.chunkSize)
        self.chunk = chunk
        let state = RunState(config: model.config, chunk: chunk, compute: ComputeContext(threads: options.threads))
        let pass = YOCOForward(model: model, state: state, capacity: tokens.count, kvDType: options.kvDType,
                               retentionChunk: options.retentionChunk, keyTile: options.attentionKeyTile)
        var snapshots: [Int: [Float]] = [:]
        try tokens.withUnsafeBufferPointer { buf in
            let vocab = model.config.vocabSize
            for t in buf where t < 0 || Int(t) >= vocab { throw RuntimeError.invalidToken(id: t, vocabSize: vocab) }
            for start in stride(from: 0, to: buf.count, by: chunk) {
                let n = min(chunk, buf.count - start)
                pass.forward(tokens: buf.baseAddress! + start, count: n, outputs: .none, logits: state.logits.ptr)
                if model.config.usesGatedRetention && n == chunk {
                    var s = [Float](repeating: 0, count: pass.snapshotFloats)
                    s.withUnsafeMutableBufferPointer { pass.saveSnapshot(into: $0.baseAddress!) }
                    snapshots[start + n] = s
                }
            }
        }
        cache = pass.cache
        self.snapshots = snapshots
    }

    public var kvDType: KVDType { cache.dtype }
    /// Bytes held: the KV rows plus the retention snapshots.
    public var bytes: Int { cache.bytes + snapshots.values.reduce(0) { $0 + $1.count * MemoryLayout<Float>.size } }

    /// The latest retention snapshot at or before `position` (position 0: the empty state, nil).
    func snapshot(atOrBefore position: Int) -> (position: Int, state: [Float]?) {
        var p = position / chunk * chunk
        while p > 0 && snapshots[p] == nil { p -= chunk }
        return (p, p > 0 ? snapshots[p] : nil)
    }
}
