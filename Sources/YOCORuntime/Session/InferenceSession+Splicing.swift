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
        let c = model.config
        let reach: Int? = c.slidingWindow.map { c.nSelfLayers * ($0 - 1) }
        let plan = SplicePlan(tokens: tokens, base: base.tokens, reach: reach)
        let chunk = state.chunk
        tokens.withUnsafeBufferPointer { buf in
            let t = buf.baseAddress!
            func warm(from start: Int, to end: Int) {
                for p in stride(from: start, to: end, by: chunk) { yoco.warmUp(tokens: t + p, count: min(chunk, end - p)) }
            }
            for step in plan.steps {
                switch step {
                case let .copy(_, baseStart, n):
                    yoco.appendRows(from: base.cache, baseStart: baseStart, count: n)
                case let .compute(start, end):
                    if let reach {
                        // Windows rebuilt from the `reach` tokens before: the first outputs of each
                        // layer are wrong, but only rows before `start` see them, and those are not kept.
                        let from = max(0, start - reach)
                        yoco.restartSelfDecoder(at: from)
                        warm(from: from, to: start)
                    } else {
                        // Retention: only the leading run is copied, so tokens before `start` are the base's.
                        let snap = base.snapshot(atOrBefore: start)
                        if let s = snap.state {
                            s.withUnsafeBufferPointer { yoco.restartSelfDecoder(at: snap.position, snapshot: $0.baseAddress!) }
                        } else {
                            yoco.restartSelfDecoder(at: 0)
                        }
                        warm(from: snap.position, to: start)
                    }
                    for p in stride(from: start, to: end, by: chunk) {
                        let n = min(chunk, end - p)
                        pass.forward(tokens: t + p, count: n, outputs: p + n == buf.count ? .last : .none, logits: state.logits.ptr)
                    }
                }
            }
        }
        history = tokens
        aligned = false            // no prefix snapshots: this context was not prefilled from 0
        hasLogits = true
        lastReusedTokens = plan.copiedRows
        return Array(UnsafeBufferPointer(start: state.logits.ptr, count: c.vocabSize))
    }
}
