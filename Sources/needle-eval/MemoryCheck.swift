import ArgumentParser
import Foundation
import YOCORuntime

/// Sizes written like 8G, 512M, 1024K or plain bytes.
enum ByteSize {
    static func parse(_ text: String) -> Int? {
        let t = text.uppercased().replacingOccurrences(of: "B", with: "")
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        if let last = t.last, let unit = units[last], let n = Double(t.dropLast()), n > 0 { return Int(n * Double(unit)) }
        if let n = Int(t), n > 0 { return n }
        return nil
    }

    static func label(_ bytes: Int) -> String {
        bytes >= 1 << 30 ? String(format: "%.2f GiB", Double(bytes) / Double(1 << 30)) : String(format: "%.0f MiB", Double(bytes) / Double(1 << 20))
    }
}

/// Refuses, before any work, a grid whose longest prompt cannot fit in memory.
enum MemoryCheck {
    /// Whether the grid fits with a splice base of `baseTokens` on top (a second KV cache).
    static func fits(model: Model, options: SessionOptions, capacity: Int, baseTokens: Int, maxMemory: Int?) -> Bool {
        guard let limit = maxMemory ?? availableMemory() else { return true }
        let base = kvBytes(model.config, options: options, tokens: baseTokens) + 4 * baseTokens
        return estimate(model.config, options: options, capacity: capacity, parameters: model.parameterCount) + base <= limit
    }

    static func ensureFits(model: Model, options: SessionOptions, capacity: Int, maxMemory: Int?) throws {
        let needed = estimate(model.config, options: options, capacity: capacity, parameters: model.parameterCount)
        let limit = maxMemory ?? availableMemory()
        guard let limit else { return }
        if needed > limit {
            throw UsageError("the longest prompt (\(capacity) tokens) needs about \(ByteSize.label(needed)) (KV cache, weights and buffers) but \(maxMemory == nil ? "only \(ByteSize.label(limit)) is available" : "--max-memory is \(ByteSize.label(limit))"); use shorter --lengths, --kv f16, or raise --max-memory")
        }
    }

    /// KV cache (once for YOCO, per layer for a Transformer) + f32 weights + chunk buffers + the
    /// prompt's token arrays (prompt, the haystack it is cut from, a copy: Int32 each).
    static func estimate(_ c: ModelConfig, options: SessionOptions, capacity: Int, parameters: Int) -> Int {
        let kv = kvBytes(c, options: options, tokens: capacity)
        let chunk = min(options.chunkSize, capacity)
        let window = c.slidingWindow ?? options.retentionChunk
        let buffers = chunk * (8 * c.dim + 3 * c.hiddenDim + c.nSelfHeads * (window + chunk)) * 4
        return kv + parameters * 4 + buffers + capacity * 4 * 3 + (64 << 20)
    }

    /// KV cache bytes for `tokens` (once for YOCO, per layer for a Transformer).
    static func kvBytes(_ c: ModelConfig, options: SessionOptions, tokens: Int) -> Int {
        let kvLayers = c.architecture == .transformer ? c.nLayers : 1
        return 2 * c.nAttnKVHeads * (c.dim / c.nAttnHeads) * (options.kvDType == .f16 ? 2 : 4) * kvLayers * tokens
    }

    /// MemAvailable from /proc/meminfo (Linux); nil where unknown.
    static func availableMemory() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let parts = line.split(separator: " ")
            if parts.count >= 2, let kb = Int(parts[1]) { return kb * 1024 }
        }
        return nil
    }
}
