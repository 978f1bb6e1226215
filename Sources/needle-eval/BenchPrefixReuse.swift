import Foundation
import YOCORuntime

/// `bench --reuse-depths N`: one length's needle grid (N depths 0…100 %, deepest first, the order
/// `run` uses) prefilled fresh (`reset` + `prefill`) and with `prefillReusingPrefix`; checks the
/// logits are bitwise equal and prints both total times.
func benchPrefixReuse(model m: Model, options: SessionOptions, length: Int, depths: Int, seed: UInt64) throws {
    var rng = SplitMix64(seed: seed)
    let needle = Array("The special magic Oslo number is: 4817263. ".utf8).map { Int32($0) }
    let question = Array("What is the special magic Oslo number? The special magic Oslo number is: ".utf8).map { Int32($0) }
    let body = length - 1 - needle.count - question.count
    let hay = (0..<body).map { _ in Int32(rng.next() % 256) }
    let percents = (0..<depths).map { depths == 1 ? 100 : 100 * $0 / (depths - 1) }.reversed()
    let prompts = percents.map { pct -> [Int32] in
        let at = body * pct / 100
        return [m.tokenizer.bosID] + hay[0..<at] + needle + hay[at...] + question
    }
    let fresh = InferenceSession(model: m, options: options, capacity: length + 1)
    let reused = InferenceSession(model: m, options: options, capacity: length + 1)
    var freshTotal = 0.0, reuseTotal = 0.0
    print("prefix reuse, \(formatLength(length)) prompts, \(depths) depths deepest first, chunk \(options.chunkSize)")
    print("depth%   fresh s   reuse s   reused tokens   logits equal")
    for (pct, prompt) in zip(percents, prompts) {
        var t0 = DispatchTime.now().uptimeNanoseconds
        fresh.reset()
        let a = try fresh.prefill(prompt)
        let tf = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        t0 = DispatchTime.now().uptimeNanoseconds
        let b = try reused.prefillReusingPrefix(prompt)
        let tr = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        freshTotal += tf; reuseTotal += tr
        print(String(format: "%5d   %7.3f   %7.3f   %13d   ", pct, tf, tr, reused.lastReusedTokens) + (a == b ? "yes" : "NO"))
        if a != b { throw PrefixReuseMismatch(depthPercent: pct) }
    }
    print(String(format: "total    %7.3f   %7.3f   speed-up %.2fx   snapshots %@", freshTotal, reuseTotal,
                 freshTotal / reuseTotal, formatBytes(reused.prefixCacheBytes)))
}

struct PrefixReuseMismatch: Error, CustomStringConvertible {
    let depthPercent: Int
    var description: String { "prefix reuse changed the logits at depth \(depthPercent)% (a runtime bug: report it)" }
}

/// `bench --grid-depths N`: a whole needle grid (every length × N depths, the order `run` uses) on
/// one random haystack, prefilled with grid-level KV reuse (one base prefill of the longest
/// haystack, then `prefillSplicing` per cell), against one fresh prefill of the longest length.
/// Cells up to `verifyUpTo` tokens are also prefilled fresh and their logits compared.
func benchGridSplice(model m: Model, options: SessionOptions, lengths: [Int], depths: Int, seed: UInt64,
                     verifyUpTo: Int) throws {
    var rng = SplitMix64(seed: seed)
    let needle = Array("The special magic Oslo number is: 4817263. ".utf8).map { Int32($0) }
    let question = Array("What is the special magic Oslo number? The special magic Oslo number is: ".utf8).map { Int32($0) }
    let longest = lengths.max()!
    let hay = [m.tokenizer.bosID] + (1..<longest).map { _ in Int32(rng.next() % 256) }
    func prompt(length: Int, percent: Int) -> [Int32] {
        let body = length - 1 - needle.count - question.count
        let at = 1 + body * percent / 100
        return Array(hay[0..<at]) + needle + hay[at..<(body + 1)] + question
    }
    let percents = Array((0..<depths).map { depths == 1 ? 100 : 100 * $0 / (depths - 1) }.reversed())
    print("grid-level KV reuse: \(lengths.count) lengths × \(depths) depths, chunk \(options.chunkSize), kv \(options.kvDType.rawValue)")

    let fresh = InferenceSession(model: m, options: options, capacity: longest + 1)
    var t0 = DispatchTime.now().uptimeNanoseconds
    try fresh.prefill(prompt(length: longest, percent: 50))
    let oneLongest = seconds(since: t0)
    print(String(format: "one fresh %@ prefill: %.2f s", formatLength(longest), oneLongest))

    ProcessMemory.resetPeak()
    t0 = DispatchTime.now().uptimeNanoseconds
    let base = try SpliceBase(model: m, tokens: hay, options: options)
    let baseSeconds = seconds(since: t0)
    print(String(format: "base (haystack, %@): %.2f s, %@", formatLength(longest), baseSeconds, formatBytes(base.bytes)))
    let spliced = InferenceSession(model: m, options: options, capacity: longest + 1)
    print("length   cells   splice s   rows copied   max |Δlogit| vs fresh")
    var cellsSeconds = 0.0, worst: Float = 0
    for length in lengths.sorted() {
        var t = 0.0, copied = 0, diff: Float? = nil
        for pct in percents {
            let p = prompt(length: length, percent: pct)
            t0 = DispatchTime.now().uptimeNanoseconds
            let a = try spliced.prefillSplicing(p, base: base)
            t += seconds(since: t0)
            copied += spliced.lastReusedTokens
            if length <= verifyUpTo {
                fresh.reset()
                diff = max(diff ?? 0, maxAbsDiff(a, try fresh.prefill(p)))
            }
        }
        cellsSeconds += t
        worst = max(worst, diff ?? 0)
        let rows = String(format: "%.1f%%", 100 * Double(copied) / Double(length * percents.count))
        print(formatLength(length).padding(toLength: 8, withPad: " ", startingAt: 0)
            + String(format: " %6d   %8.3f   %11@   ", percents.count, t, rows) + (diff.map { String(format: "%.2e", $0) } ?? "not checked"))
    }
    let total = baseSeconds + cellsSeconds
    print(String(format: "grid prefill: base %.2f s + cells %.2f s = %.2f s = %.2f× one %@ prefill; peak RSS %@; max |Δlogit| %.2e",
                 baseSeconds, cellsSeconds, total, total / oneLongest, formatLength(longest), formatBytes(ProcessMemory.peakRSSBytes), worst))
}

func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) } }
