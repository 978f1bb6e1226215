import Foundation
import NeedleSupport

/// Picks a token from logits by temperature and nucleus (top_p) sampling with a seeded
/// generator: the same seed and the same logits give the same token. `excluded` ids (BOS, PAD)
/// are never picked.
struct TokenSampler {
    let temperature: Double
    let topP: Double
    let excluded: Set<Int32>
    private var random: SeededRandom
    private var weights: [Double] = []
    private var order: [Int] = []

    init(temperature: Double, topP: Double, seed: UInt64, excluded: Set<Int32>) {
        self.temperature = temperature; self.topP = topP; self.excluded = excluded
        random = SeededRandom(seed: seed)
    }

    mutating func pick(_ logits: UnsafeBufferPointer<Float>) -> Int32 {
        let n = logits.count
        if weights.count != n { weights = [Double](repeating: 0, count: n); order = Array(0..<n) }
        var top = -Double.infinity
        for i in 0..<n where !excluded.contains(Int32(i)) { top = max(top, Double(logits[i])) }
        var total = 0.0
        for i in 0..<n {
            let w = excluded.contains(Int32(i)) ? 0 : Foundation.exp((Double(logits[i]) - top) / temperature)
            weights[i] = w
            total += w
        }
        var kept = n
        if topP < 1 {
            // Most likely first (ties by id, so the order is deterministic), keep the smallest
            // head whose mass reaches top_p.
            order = Array(0..<n)
            order.sort { weights[$0] != weights[$1] ? weights[$0] > weights[$1] : $0 < $1 }
            var mass = 0.0
            kept = 0
            while kept < n {
                mass += weights[order[kept]]
                kept += 1
                if mass >= topP * total { break }
            }
            total = mass
        } else {
            for i in 0..<n { order[i] = i }
        }
        var target = Double(random.next() >> 11) / Double(1 << 53) * total
        for j in 0..<kept {
            let i = order[j]
            target -= weights[i]
            if target < 0 && weights[i] > 0 { return Int32(i) }
        }
        // Rounding left a sliver: the last kept token with any weight.
        return Int32(order[..<kept].last(where: { weights[$0] > 0 }) ?? 0)
    }
}
