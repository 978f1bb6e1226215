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
