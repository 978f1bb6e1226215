import Foundation
import YOCORuntime

/// What `bench --grid-depths` measured (`--json` prints it).
struct GridReuseReport: Codable {
    struct Row: Codable {
        var length: Int
        var cells: Int
        var spliceSeconds: Double
        var rowsCopiedFraction: Double
        var maxLogitDiffVsFresh: Float?
    }
    var depths: Int
    var chunk: Int
    var kv: String
    var oneFreshPrefillSeconds: Double
    var baseSeconds: Double
    var baseBytes: Int
    var rows: [Row] = []
    var cellsSeconds = 0.0          // all cells' splice prefills
    var gridSeconds = 0.0           // base + cells
    var peakRSSBytes = 0
}

/// `bench --grid-depths N`: a whole needle grid (every length × N depths, the order `run` uses) on
/// one random haystack, prefilled with grid-level KV reuse (one base prefill of the longest
/// haystack, then `prefillSplicing` per cell), against one fresh prefill of the longest length.
/// Cells up to `verifyUpTo` tokens are also prefilled fresh and their logits compared.
func benchGridSplice(model m: Model, options: SessionOptions, lengths: [Int], depths: Int, seed: UInt64,
                     verifyUpTo: Int, json: Bool) throws {
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
    func say(_ line: String) { if !json { print(line) } }
    say("grid-level KV reuse: \(lengths.count) lengths × \(depths) depths, chunk \(options.chunkSize), kv \(options.kvDType.rawValue)")

    let fresh = InferenceSession(model: m, options: options, capacity: longest + 1)
    var t0 = DispatchTime.now().uptimeNanoseconds
    try fresh.prefill(prompt(length: longest, percent: 50))
    let oneLongest = seconds(since: t0)
    say(String(format: "one fresh %@ prefill: %.2f s", formatLength(longest), oneLongest))

    ProcessMemory.resetPeak()
    t0 = DispatchTime.now().uptimeNanoseconds
    let base = try SpliceBase(model: m, tokens: hay, options: options)
    var report = GridReuseReport(depths: depths, chunk: options.chunkSize, kv: options.kvDType.rawValue,
                                 oneFreshPrefillSeconds: oneLongest, baseSeconds: seconds(since: t0), baseBytes: base.bytes)
    say(String(format: "base (haystack, %@): %.2f s, %@", formatLength(longest), report.baseSeconds, formatBytes(base.bytes)))
    let spliced = InferenceSession(model: m, options: options, capacity: longest + 1)
    say("length   cells   splice s   rows copied   max |Δlogit| vs fresh")
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
        let row = GridReuseReport.Row(length: length, cells: percents.count, spliceSeconds: t,
                                      rowsCopiedFraction: Double(copied) / Double(length * percents.count), maxLogitDiffVsFresh: diff)
        report.rows.append(row)
        say(formatLength(length).padding(toLength: 8, withPad: " ", startingAt: 0)
            + String(format: " %6d   %8.3f   %10.1f%%   ", row.cells, t, 100 * row.rowsCopiedFraction)
            + (diff.map { String(format: "%.2e", $0) } ?? "not checked"))
    }
    report.peakRSSBytes = ProcessMemory.peakRSSBytes
    report.cellsSeconds = report.rows.reduce(0) { $0 + $1.spliceSeconds }
    report.gridSeconds = report.baseSeconds + report.cellsSeconds
    let worst = report.rows.compactMap(\.maxLogitDiffVsFresh).max() ?? 0
    say(String(format: "grid prefill: base %.2f s + cells %.2f s = %.2f s = %.2f× one %@ prefill; peak RSS %@; max |Δlogit| %.2e",
               report.baseSeconds, report.cellsSeconds, report.gridSeconds, report.gridSeconds / oneLongest,
               formatLength(longest), formatBytes(report.peakRSSBytes), worst))
    if json { try printJSON(report) }
}

func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) } }
