extension YOCOForward {
    /// Fills this (reset) pass with the context `tokens`, taking every global KV row `base`
    /// already holds for the same tokens (referenced, not copied: KVCache) and computing only the
    /// rows an insertion can reach (SplicePlan), in chunks of `chunk`. The last chunk writes
    /// logits per `last` (batched decode asks for none: its cross-decoder runs with the batch).
    /// Returns the rows taken from the base.
    func splice(_ buf: UnsafeBufferPointer<Int32>, base: SpliceBase, chunk: Int, last: OutputRows,
                logits: UnsafeMutablePointer<Float>) -> Int {
        precondition(position == 0 && cache.count == 0, "splice into an empty context")
        let reach: Int? = c.slidingWindow.map { c.nSelfLayers * ($0 - 1) }
        let plan = SplicePlan(tokens: Array(buf), base: base.tokens, reach: reach)
        let t = buf.baseAddress!
        func warm(from start: Int, to end: Int) {
            for p in stride(from: start, to: end, by: chunk) { warmUp(tokens: t + p, count: min(chunk, end - p)) }
        }
        for step in plan.steps {
            switch step {
            case let .copy(_, baseStart, n):
                appendRows(from: base.cache, baseStart: baseStart, count: n)
            case let .compute(start, end):
                if let reach {
                    // Windows rebuilt from the `reach` tokens before: the first outputs of each
                    // layer are wrong, but only rows before `start` see them, and those are not kept.
                    let from = max(0, start - reach)
                    restartSelfDecoder(at: from)
                    warm(from: from, to: start)
                } else {
                    // Retention: only the leading run is copied, so tokens before `start` are the base's.
                    let snap = base.snapshot(atOrBefore: start)
                    if let s = snap.state {
                        s.withUnsafeBufferPointer { restartSelfDecoder(at: snap.position, snapshot: $0.baseAddress!) }
                    } else {
                        restartSelfDecoder(at: 0)
                    }
                    warm(from: snap.position, to: start)
                }
                for p in stride(from: start, to: end, by: chunk) {
                    let n = min(chunk, end - p)
                    forward(tokens: t + p, count: n, outputs: p + n == buf.count ? last : .none, logits: logits)
                }
            }
        }
        return plan.copiedRows
    }
}
