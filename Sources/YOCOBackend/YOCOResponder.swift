import Foundation
import NeedleSupport
import NeedleEval
import YOCORuntime

/// Binds the YOCO runtime to NeedleEval's Responder: one inference session reused across trials
/// (its KV cache is allocated once for the longest prompt), timings and memory per trial.
final class YOCOResponder: Responder {
    let model: Model
    let session: InferenceSession
    private(set) var metrics = ResponderMetrics()
    /// Prompt tokens of the last `begin` taken from the previous prompt's prefix (not prefilled).
    var lastReusedTokens: Int { session.lastReusedTokens }

    init(model: Model, options: SessionOptions, capacity: Int) {
        self.model = model
        self.session = InferenceSession(model: model, options: options, capacity: capacity)
    }

    /// The run's needle-free haystack, prefilled once (grid-level KV reuse); nil: prefix reuse only.
    var spliceBase: SpliceBase?

    /// Starts a trial on `prompt` alone (reset semantics). With a splice base, the global KV rows
    /// the haystack already has are copied and only what the needles and question reach is
    /// computed (logits within float rounding of a fresh prefill); without, the prefix shared with
    /// the previous prompt is reused (bitwise exact). prefill_ms is the time actually spent;
    /// `lastReusedTokens` says how many prompt tokens were not prefilled.
    func begin(prompt: [Int32]) throws {
        _ = ProcessMemory.resetPeak()
        metrics = ResponderMetrics()
        let clock = Stopwatch()
        if let spliceBase {
            _ = try session.prefillSplicing(prompt, base: spliceBase)
        } else {
            _ = try session.prefillReusingPrefix(prompt)
        }
        metrics.prefillMilliseconds += clock.milliseconds
        updateMemory()
    }

    func answer(followUp: [Int32], stop: String?, maxNewTokens: Int) throws -> String {
        if !followUp.isEmpty {
            let clock = Stopwatch()
            _ = try session.prefill(followUp)
            metrics.prefillMilliseconds += clock.milliseconds
        }
        let clock = Stopwatch()
        let tokens = try session.generate(maxNewTokens: maxNewTokens, stop: stop)
        metrics.decodeMilliseconds += clock.milliseconds
        metrics.generatedTokens += tokens.count
        updateMemory()
        return model.tokenizer.decode(tokens)
    }

    private func updateMemory() {
        metrics.peakRSSBytes = max(metrics.peakRSSBytes, ProcessMemory.peakRSSBytes)
        metrics.kvBytes = session.kvCacheBytes
    }

}
