import Foundation

extension InferenceSession {
    /// Same context as `reset(); prefill(tokens)` (logits within float rounding, not bitwise), but
    /// reuses every global KV row that `base` already holds for the same tokens (referenced, not
    /// copied: KVCache) and computes only the rows an insertion can reach (SplicePlan).
    /// `lastReusedTokens` says how many were reused.
    /// Falls back to a plain prefill when the base cannot serve (other model or KV type).
    @discardableResult
    public func prefillSplicing(_ tokens: [Int32], base: SpliceBase) throws -> [Float] {
        guard !tokens.isEmpty else { throw RuntimeError.emptyInput("prefill tokens") }
        try tokens.withUnsafeBufferPointer { try validate($0) }
        reset()
        guard let yoco = pass as? YOCOForward, base.model === model, base.kvDType == options.kvDType else {
            return try prefill(tokens)
        }
        let copied = tokens.withUnsafeBufferPointer {
            yoco.splice($0, base: base, chunk: state.chunk, last: .last, logits: state.logits.ptr)
        }
        history = tokens
        aligned = false            // no prefix snapshots: this context was not prefilled from 0
        hasLogits = true
        lastReusedTokens = copied
        return Array(UnsafeBufferPointer(start: state.logits.ptr, count: model.config.vocabSize))
    }
}
