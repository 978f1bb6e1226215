import Foundation
import NeedleSupport

/// Many contexts decoded together (batched decode): the cells of a needle grid are one haystack
/// with different needles, so their global KV caches are almost all the same rows — a splice
/// base's. Each member's cache references those rows (SplicePlan, KVCache) and holds only what
/// its needles, question and answer reach. A decode step runs each member's self-decoder on its
/// new token, then one cross-decoder pass for all of them: the dense steps as one matrix, and
/// attention reading every shared key tile once for the whole batch (`attendBatch`) instead of
/// once per member. A prompt's last token goes through that batched pass too, so no member reads
/// the shared rows on its own.
///
/// Logits equal `InferenceSession.prefillSplicing` (or `prefill`, without a base) + `step`
/// within float rounding. YOCO models only. Members share one forward pass: between their turns
/// each is parked (its cache and the self-decoder's windows or states set aside).
public final class DecodeBatch {
    public let model: Model
    public let options: SessionOptions
    /// The context every member splices into; nil: members are prefilled on their own.
    public let base: SpliceBase?
    private let state: RunState
    private let pass: YOCOForward
    private let rope: RopeTable
    private let workspace: BatchAttentionWorkspace
    private let sharedRows: KVRows?
    private var logits = FloatBuffer(1)
    private var members: [Member] = []

    private final class Member {
        var cache: KVCache
        var position: Int
        var selfState: [Float]
        /// The self-decoder output of the last context token while its cross-decoder has not run.
        var x: [Float]?
        var logits: [Float] = []
        var hasLogits = false
        /// Generated tokens in the context but not yet run through the model (the last answer token).
        var unrun: [Int32] = []
        var reusedTokens: Int
        var stopReason: StopReason?
        var decodeSeconds = 0.0
        var generated = 0

        init(cache: KVCache, position: Int, selfState: [Float], x: [Float], reusedTokens: Int) {
            (self.cache, self.position, self.selfState, self.x, self.reusedTokens) = (cache, position, selfState, x, reusedTokens)
        }
    }

    /// `base` must come from the same model with the same KV type (else it is not used).
    public init(model: Model, options: SessionOptions = SessionOptions(), base: SpliceBase?) throws {
        guard model.config.architecture == .yoco else {
            throw RuntimeError.config(path: "config.json", field: "architecture", problem: "is transformer: batched decode shares a YOCO model's one global KV cache",
                                      fix: "use a YOCO model, or decode each prompt in its own session")
        }
        self.model = model
        self.options = options
        let usable = base.flatMap { $0.model === model && $0.kvDType == options.kvDType ? $0 : nil }
        self.base = usable
        let compute = ComputeContext(threads: options.threads)
        state = RunState(config: model.config, chunk: max(1, options.chunkSize), compute: compute)
        pass = YOCOForward(model: model, state: state, capacity: 1, kvDType: options.kvDType,
                           retentionChunk: options.retentionChunk, keyTile: options.attentionKeyTile)
        rope = RopeTable(headDim: model.config.headDim, theta: model.config.ropeTheta, capacity: 1)
        workspace = BatchAttentionWorkspace(workers: compute.threads, keyTile: options.attentionKeyTile)
        sharedRows = usable?.cache.rows(headDim: model.config.headDim)
    }

    /// Members added so far.
    public var count: Int { members.count }
    /// Most members one cross-decoder pass takes (more are run in several passes).
    public var passRows: Int { state.chunk }

    /// Adds a member whose context is `prompt`: spliced into the base (or prefilled) through the
    /// self-decoder; its last token's logits come with the next batched pass. Returns its index.
    @discardableResult
    public func add(prompt: [Int32]) throws -> Int {
        guard !prompt.isEmpty else { throw RuntimeError.emptyInput("prefill tokens") }
        try model.checkTokens(prompt)
        pass.reset()
        var reused = 0
        prompt.withUnsafeBufferPointer { buf in
            if let base {
                reused = pass.splice(buf, base: base, chunk: state.chunk, last: .none, logits: state.logits.ptr)
            } else {
                run(buf)
            }
        }
        let x = lastOutput()
        var selfState = [Float](repeating: 0, count: pass.snapshotFloats)
        let next = KVCache(width: model.config.kvDim, capacity: 1024, dtype: options.kvDType)
        let parked = selfState.withUnsafeMutableBufferPointer { pass.park(state: $0.baseAddress!, replacement: next) }
        members.append(Member(cache: parked.cache, position: parked.position, selfState: selfState, x: x, reusedTokens: reused))
        return members.count - 1
    }

    /// Appends `tokens` to member `m`'s context (after any answer token not yet run); their last
    /// one's logits come with the next batched pass.
    public func append(_ tokens: [Int32], to m: Int) throws {
        try model.checkTokens(tokens)
        let member = members[m]
        let all = member.unrun + tokens
        guard !all.isEmpty else { return }
        member.unrun = []
        let spare = member.selfState.withUnsafeBufferPointer {
            pass.unpark(cache: member.cache, position: member.position, state: $0.baseAddress!)
        }
        all.withUnsafeBufferPointer { run($0) }
        member.x = lastOutput()
        member.hasLogits = false
        let parked = member.selfState.withUnsafeMutableBufferPointer { pass.park(state: $0.baseAddress!, replacement: spare) }
        member.cache = parked.cache
        member.position = parked.position
    }

    /// The logits of member `m`'s last context token (runs the batched pass if they are due).
    public func logits(of m: Int) -> [Float] {
        if members[m].x != nil { computeLogits() }
        return members[m].logits
    }

    /// Runs the batched pass for every member whose logits are due (`generate` and `logits(of:)`
    /// do it when needed; this lets a caller time it).
    public func flush() { computeLogits() }

    /// Prompt tokens of member `m` taken from the base instead of computed.
    public func reusedTokens(of m: Int) -> Int { members[m].reusedTokens }
    /// Why member `m`'s last `generate` stopped.
    public func stopReason(of m: Int) -> StopReason? { members[m].stopReason }
    /// Member `m`'s share of the decode time of `generate` calls: each batched step's time split
    /// evenly over the members it served.
    public func decodeSeconds(of m: Int) -> Double { members[m].decodeSeconds }
    /// Tokens member `m` generated.
    public func generatedTokens(of m: Int) -> Int { members[m].generated }
    /// Bytes of KV rows the members hold themselves (the base's rows they reference excluded).
    public var ownKVBytes: Int { members.reduce(0) { $0 + $1.cache.bytes } }

    /// Drops every member.
    public func removeAll() { members.removeAll() }

    /// Greedy decoding of `which` members (nil: all) together, each until EOS, `stop` appears in
    /// its output, or `maxNewTokens` — the rules of `InferenceSession.generate(maxNewTokens:stop:)`.
    /// Generated tokens (stop text included, EOS excluded) join each context.
    public func generate(maxNewTokens: Int, stop: String? = nil, members which: [Int]? = nil) throws -> [[Int32]] {
        let chosen = which ?? Array(members.indices)
        let tk = model.tokenizer, vocab = model.config.vocabSize
        let masked = [tk.bosID, tk.padID]
        var out = [[Int32]](repeating: [], count: chosen.count)
        computeLogits()
        if chosen.contains(where: { !members[$0].hasLogits }) { throw RuntimeError.noContext }
        var active = Array(chosen.indices)
        for i in active { members[chosen[i]].stopReason = .maxTokens }
        if maxNewTokens <= 0 { active = [] }
        while !active.isEmpty {
            var next: [Int] = []
            for i in active {
                let member = members[chosen[i]]
                let token = member.logits.withUnsafeBufferPointer { argmax($0.baseAddress!, count: vocab, masked: masked) }
                if token == tk.eosID { member.stopReason = .eos; continue }
                if token < 0 || Int(token) >= vocab { throw RuntimeError.invalidToken(id: token, vocabSize: vocab) }
                out[i].append(token)
                member.generated += 1
                member.unrun = [token]
                member.hasLogits = false
                if model.outputContainsStop(out[i], stop: stop) {
                    member.stopReason = .stopString
                    continue
                }
                if out[i].count < maxNewTokens { next.append(i) }
            }
            active = next
            guard !active.isEmpty else { break }
            let clock = Stopwatch()
            for i in active { try append([], to: chosen[i]) }
            computeLogits()
            let share = clock.seconds / Double(active.count)
            for i in active { members[chosen[i]].decodeSeconds += share }
        }
        return out
    }

    /// One batched cross-decoder pass (several when more members are due than a pass takes)
    /// for every member whose last token's logits are due.
    private func computeLogits() {
        let due = members.indices.filter { members[$0].x != nil }
        guard !due.isEmpty else { return }
        let c = model.config, d = c.dim, vocab = c.vocabSize
        for start in stride(from: 0, to: due.count, by: passRows) {
            let slice = due[start..<min(due.count, start + passRows)]
            if logits.count < slice.count * vocab { logits = FloatBuffer(slice.count * vocab) }
            var positions: [Int] = [], views: [(shared: [Range<Int>], own: KVRows?)] = []
            for (r, m) in slice.enumerated() {
                let member = members[m]
                member.x!.withUnsafeBufferPointer { (state.x.ptr + r * d).update(from: $0.baseAddress!, count: d) }
                positions.append(member.position - 1)
                if let base {
                    views.append(member.cache.rows(headDim: c.headDim, sharedWith: base.cache))
                } else {
                    views.append(([], member.cache.rows(headDim: c.headDim)))
                }
            }
            pass.crossDecode(rows: slice.count, positions: positions, views: views, shared: sharedRows, rope: rope,
                             workspace: workspace, logits: logits.ptr)
            for (r, m) in slice.enumerated() {
                let member = members[m]
                member.logits = Array(UnsafeBufferPointer(start: logits.ptr + r * vocab, count: vocab))
                member.x = nil
                member.hasLogits = true
            }
        }
    }

    /// Runs `tokens` through the self-decoder (writing their KV rows) in chunks; no logits.
    private func run(_ tokens: UnsafeBufferPointer<Int32>) {
        for p in stride(from: 0, to: tokens.count, by: state.chunk) {
            pass.forward(tokens: tokens.baseAddress! + p, count: min(state.chunk, tokens.count - p), outputs: .none,
                         logits: state.logits.ptr)
        }
    }

    /// The self-decoder output of the last token the pass ran.
    private func lastOutput() -> [Float] {
        let d = model.config.dim
        return Array(UnsafeBufferPointer(start: state.x.ptr + (pass.lastChunkRows - 1) * d, count: d))
    }
}
