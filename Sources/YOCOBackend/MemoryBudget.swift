import Foundation
import NeedleSupport
import YOCORuntime

/// Memory a run of the YOCO runtime needs, against what the machine has: a grid whose longest
/// prompt cannot fit is refused before any work, and grid-level KV reuse (a second KV cache) is
/// used only when it fits too.
struct MemoryBudget {
    let config: ModelConfig
    let options: SessionOptions
    /// Context tokens the session reserves (longest prompt plus follow-ups and answers).
    let capacity: Int
    /// The user's `--max-memory`, or nil for the memory available now.
    let maxMemory: Int?

    /// Weights, the session, and the prompt's token arrays (the prompt, the haystack it is cut
    /// from and a copy, Int32 each), plus the process's own baseline.
    var sessionBytes: Int {
        MemoryEstimate.weightBytes(config) + MemoryEstimate.sessionBytes(config, options: options, capacity: capacity)
            + 3 * capacity * MemoryLayout<Int32>.size + (64 << 20)
    }

    /// A splice base of `tokens` tokens and its token array.
    func baseBytes(tokens: Int) -> Int {
        MemoryEstimate.spliceBaseBytes(config, options: options, tokens: tokens) + tokens * MemoryLayout<Int32>.size
    }

    var limit: Int? { maxMemory ?? ProcessMemory.availableBytes }

    /// Throws when the session alone cannot fit.
    func ensureSessionFits() throws {
        guard let limit, sessionBytes > limit else { return }
        throw UsageError("the longest prompt (\(capacity) tokens) needs about \(ByteSize.label(sessionBytes)) (KV cache, weights and buffers) but "
            + (maxMemory == nil ? "only \(ByteSize.label(limit)) is available" : "--max-memory is \(ByteSize.label(limit))")
            + "; use shorter --lengths, --kv f16, or raise --max-memory")
    }

    /// Whether a splice base of `tokens` fits beside the session.
    func baseFits(tokens: Int) -> Bool {
        guard let limit else { return true }
        return sessionBytes + baseBytes(tokens: tokens) <= limit
    }
}
