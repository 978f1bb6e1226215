import Foundation
import Tokenizers

/// Settings of an inference session.
public struct SessionOptions: Sendable {
    /// Prompt tokens per forward chunk (memory is O(chunk), not O(length)).
    public var chunkSize: Int
    /// KV cache storage type (compute is always f32).
    public var kvDType: KVDType
    /// Threads for OpenBLAS and the runtime's parallel loops; nil = all cores.
    public var threads: Int?
    /// Sub-chunk of the chunkwise gated-retention form (the YOCO authors use 256; the size does
    /// not change the outputs, only speed).
    public var retentionChunk: Int
    /// Keys per attention tile (tests shrink it to exercise key splitting).
    var attentionKeyTile = 1024
    /// Byte budget of the chunk-boundary snapshots kept for `prefillReusingPrefix`; 0 disables it.
    public var prefixCacheBytes = 64 << 20

    public init(chunkSize: Int = 4096, kvDType: KVDType = .f32, threads: Int? = nil, retentionChunk: Int = 128) {
        self.chunkSize = chunkSize; self.kvDType = kvDType; self.threads = threads
        self.retentionChunk = retentionChunk
    }
}

/// Why the last `generate` stopped.
public enum StopReason: String, Sendable { case eos, stopString, maxTokens }

/// A conversation with a model: a growing context (KV cache + recurrent states), chunked prefill
/// with early exit, greedy generation.
public final class InferenceSession {
    public let model: Model
    public let options: SessionOptions
    public var threads: Int { compute.threads }
    let compute: ComputeContext
    let pass: ForwardPass
    let state: RunState
    var pending: Int32?         // generated but not yet run through the model
    var hasLogits = false       // state.logits holds the last context token's logits
    var history: [Int32] = []   // every token in the context, pending included
    var aligned = true          // every forward so far ran one full chunk from position 0
    private let snapshots: PrefixSnapshots
    public private(set) var lastStopReason: StopReason?
    /// Prompt tokens the last `prefillReusingPrefix` or `prefillSplicing` did not prefill.
    public internal(set) var lastReusedTokens = 0

    /// `capacity` = context tokens expected (prompt + generation); the KV cache is reserved for it
    /// up front and grows if exceeded.
    public init(model: Model, options: SessionOptions = SessionOptions(), capacity: Int) {
        self.model = model
        self.options = options
        compute = ComputeContext(threads: options.threads)
        let chunk = max(1, options.chunkSize)
        state = RunState(config: model.config, chunk: chunk, compute: compute)
        switch model.config.architecture {
        case .yoco:
            pass = YOCOForward(model: model, state: state, capacity: capacity, kvDType: options.kvDType,
                               retentionChunk: options.retentionChunk,
                               keyTile: options.attentionKeyTile)
        case .transformer:
            pass = TransformerForward(model: model, state: state, capacity: capacity, kvDType: options.kvDType,
                                      keyTile: options.attentionKeyTile)
        }
        snapshots = PrefixSnapshots(chunk: chunk, floatsPerSnapshot: pass.snapshotFloats, budgetBytes: options.prefixCacheBytes)
    }

    /// Tokens in the context.
    public var position: Int { pass.position + (pending == nil ? 0 : 1) }
    /// Bytes of KV cache allocated (YOCO: one cache; Transformer: one per layer).
    public var kvCacheBytes: Int { pass.kvBytes }
    /// Bytes held by prefix-reuse snapshots (self-decoder states at chunk boundaries).
    public var prefixCacheBytes: Int { snapshots.bytes }

    public func reset() {
        pass.reset()
        pending = nil
        hasLogits = false
        lastStopReason = nil
        history = []
        aligned = true
        snapshots.removeAll()
        lastReusedTokens = 0
    }

    /// Same result as `reset(); prefill(tokens)` — bitwise — but resumes from the last chunk
    /// boundary inside the prefix `tokens` shares with the current context, and prefills only
    /// the rest with the same chunk alignment. `lastReusedTokens` says how many were skipped.
    @discardableResult
    public func prefillReusingPrefix(_ tokens: [Int32]) throws -> [Float] {
        guard !tokens.isEmpty else { throw RuntimeError.emptyInput("prefill tokens") }
        try tokens.withUnsafeBufferPointer { try validate($0) }
        var shared = 0
        let limit = min(history.count, tokens.count - 1)   // the last token must run for its logits
        while shared < limit && history[shared] == tokens[shared] { shared += 1 }
        guard let resume = snapshots.latest(atOrBefore: shared) else {
            reset()
            return try prefill(tokens)
        }
        resume.state.withUnsafeBufferPointer { pass.restore(position: resume.position, from: $0.baseAddress!) }
        snapshots.dropAfter(resume.position)
        history.removeSubrange(resume.position...)
        pending = nil
        hasLogits = false
        lastStopReason = nil
        aligned = true
        let result = try prefill(Array(tokens[resume.position...]))
        lastReusedTokens = resume.position
        return result
    }

    /// Appends `tokens` to the context and returns the logits of the last one. Prompt tokens
    /// skip the cross-decoder (early exit); only the last goes through it.
    @discardableResult
    public func prefill(_ tokens: [Int32]) throws -> [Float] {
        try run(tokens, outputs: .last)
        return Array(UnsafeBufferPointer(start: state.logits.ptr, count: model.config.vocabSize))
    }

    /// Test helper: appends `tokens` like `prefill` but runs the full forward (no early exit) and
    /// returns the logits at every one of their positions.
    public func logitsForAllPositions(_ tokens: [Int32]) -> [[Float]] {
        guard !tokens.isEmpty else { return [] }
        var result: [[Float]] = []
        do { result = try run(tokens, outputs: .all) } catch { preconditionFailure("\(error)") }
        return result
    }

    /// Runs one token (a decode step) and keeps its logits; allocation-free.
    public func step(_ token: Int32) throws {
        if let p = pending { pending = nil; try runOne(p) }
        let vocab = model.config.vocabSize
        if token < 0 || Int(token) >= vocab { throw RuntimeError.invalidToken(id: token, vocabSize: vocab) }
        history.append(token)
        try runOne(token)
    }

    /// Greedy decoding from the current context until EOS, `stop` appears in the output, or
    /// `maxNewTokens`. BOS and PAD are never generated. Generated tokens (stop text included,
    /// EOS excluded) join the context.
    public func generate(maxNewTokens: Int, stop: String? = nil) throws -> [Int32] {
        var out: [Int32] = []
        return try generate(maxNewTokens: maxNewTokens, choose: nil) { token in
            out.append(token)
            return !model.outputContainsStop(out, stop: stop)
        }
    }

    /// Decoding one token at a time from the current context until EOS, `maxNewTokens`, or
    /// `emitted` (shown each generated token as it joins the context) returns false, which
    /// `lastStopReason` reports as `.stopString`. `choose` picks each token from the logits of the
    /// last context token (nil: greedy, BOS and PAD never chosen, what `generate(maxNewTokens:stop:)` does).
    public func generate(maxNewTokens: Int, choose: ((UnsafeBufferPointer<Float>) -> Int32)?,
                         emitted: (Int32) throws -> Bool) throws -> [Int32] {
        if let p = pending { pending = nil; try runOne(p) }
        guard hasLogits else { throw RuntimeError.noContext }
        let tk = model.tokenizer
        let masked = [tk.bosID, tk.padID]
        let vocab = model.config.vocabSize
        var out: [Int32] = []
        lastStopReason = .maxTokens
        while out.count < maxNewTokens {
            if let p = pending { pending = nil; try runOne(p) }
            let token = choose.map { $0(UnsafeBufferPointer(start: state.logits.ptr, count: vocab)) }
                ?? argmax(state.logits.ptr, count: vocab, masked: masked)
            if token == tk.eosID { lastStopReason = .eos; break }
            if token < 0 || Int(token) >= vocab { throw RuntimeError.invalidToken(id: token, vocabSize: vocab) }
            out.append(token)
            pending = token          // in the context; run lazily (the last one may never need it)
            history.append(token)
            hasLogits = false
            if try !emitted(token) {
                lastStopReason = .stopString
                break
            }
        }
        return out
    }

    private func runOne(_ token: Int32) throws {
        let vocab = model.config.vocabSize
        if token < 0 || Int(token) >= vocab { throw RuntimeError.invalidToken(id: token, vocabSize: vocab) }
        var t = token
        pass.forward(tokens: &t, count: 1, outputs: .last, logits: state.logits.ptr)
        afterForward(count: 1)
        hasLogits = true
    }

    /// Keeps a prefix snapshot while the context is still a run of full chunks from 0.
    private func afterForward(count: Int) {
        if aligned && count == state.chunk {
            snapshots.offer(position: pass.position, pass: pass)
        } else {
            aligned = false
        }
    }

    func validate(_ tokens: UnsafeBufferPointer<Int32>) throws { try model.checkTokens(tokens) }

    /// Runs pending + tokens in chunks; logits per `outputs` for the final chunk (.last) or every
    /// chunk (.all, returned for `tokens` only).
    @discardableResult
    private func run(_ tokens: [Int32], outputs: OutputRows) throws -> [[Float]] {
        var all = tokens
        if let p = pending { all.insert(p, at: 0) }
        guard !all.isEmpty else { throw RuntimeError.emptyInput("prefill tokens") }
        try all.withUnsafeBufferPointer { try validate($0) }
        let skip = pending == nil ? 0 : 1
        pending = nil
        history.append(contentsOf: tokens)
        hasLogits = false
        let vocab = model.config.vocabSize, chunk = state.chunk
        var result: [[Float]] = []
        var allLogits = outputs == .all ? [Float](repeating: 0, count: chunk * vocab) : []
        all.withUnsafeBufferPointer { buf in
            for start in stride(from: 0, to: buf.count, by: chunk) {
                let n = min(chunk, buf.count - start)
                let isLast = start + n == buf.count
                if outputs == .all {
                    allLogits.withUnsafeMutableBufferPointer { lp in
                        pass.forward(tokens: buf.baseAddress! + start, count: n, outputs: .all, logits: lp.baseAddress!)
                    }
                    for r in 0..<n where start + r >= skip {
                        result.append(Array(allLogits[(r * vocab)..<((r + 1) * vocab)]))
                    }
                    if isLast {
                        allLogits.withUnsafeBufferPointer { state.logits.ptr.update(from: $0.baseAddress! + (n - 1) * vocab, count: vocab) }
                    }
                } else {
                    pass.forward(tokens: buf.baseAddress! + start, count: n, outputs: isLast ? .last : .none,
                                 logits: state.logits.ptr)
                }
                afterForward(count: n)
            }
        }
        hasLogits = true
        return result
    }
}
