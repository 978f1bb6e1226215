import XCTest
@testable import YOCORuntime

/// Grid-level KV reuse: a prompt spliced from a base context must give the logits and greedy
/// answer of an independent prefill (≤ 1e-4), for SWA (RoPE and NoPE global keys) and gated
/// retention, with the needle at the start, middle and end, and with several needles.
final class SpliceTests: XCTestCase {
    static let hay = TestModels.tokens(1500, seed: 11)
    static let needle: [Int32] = (0..<40).map { Int32(200 + $0 % 50) }
    static let question: [Int32] = (0..<20).map { Int32(100 + $0) }

    /// BOS + haystack with `needles` inserted at the given haystack offsets, cut so the whole
    /// prompt is `length` tokens, then the question (needle-eval's prompt shape).
    static func prompt(length: Int, at offsets: [Int]) -> [Int32] {
        var body: [Int32] = [], cursor = 1
        for o in offsets.sorted() {
            body += hay[cursor..<o] + needle
            cursor = o
        }
        body += hay[cursor...]
        return [256] + Array(body.prefix(length - 1 - question.count)) + question
    }

    func check(kind: String, expectReuse: Bool, keyTile: Int = 1024) throws {
        let model = Model.random(config: TestModels.config(kind), seed: 21)
        var options = SessionOptions(chunkSize: 64, threads: 2, retentionChunk: 16)
        options.attentionKeyTile = keyTile
        let base = try SpliceBase(model: model, tokens: Self.hay, options: options)
        let spliced = InferenceSession(model: model, options: options, capacity: 256)   // grows
        let fresh = InferenceSession(model: model, options: options, capacity: 1600)
        var worst: Float = 0, copied = 0, total = 0
        let cases: [(String, Int, [Int])] = [
            ("start", 1200, [1]), ("middle", 1200, [600]), ("end", 1200, [1200 - 1 - Self.question.count - Self.needle.count]),
            ("two needles", 1400, [300, 900]), ("adjacent needles", 900, [400, 401]), ("short", 200, [100]),
            ("no needle", 1000, []), ("past the base", 1600, [700]),
        ]
        for (name, length, offsets) in cases {
            let tokens = Self.prompt(length: length, at: offsets)
            let a = try spliced.prefillSplicing(tokens, base: base)
            fresh.reset()
            let b = try fresh.prefill(tokens)
            let d = maxDiff(a, b)
            worst = max(worst, d)
            XCTAssertLessThanOrEqual(d, 1e-4, "\(kind) \(name): logits differ by \(d)")
            XCTAssertEqual(spliced.position, tokens.count)
            // One KV cache: reused rows are the base's own, referenced; only computed rows are stored
            // (RoPE'd global keys that moved are copied and re-rotated instead).
            let cache = try XCTUnwrap((spliced.pass as? YOCOForward)?.cache)
            if !model.config.crossAttentionRope {
                XCTAssertEqual(cache.ownedRows, tokens.count - spliced.lastReusedTokens, "\(kind) \(name): rows stored")
            }
            XCTAssertEqual(try spliced.generate(maxNewTokens: 6), try fresh.generate(maxNewTokens: 6), "\(kind) \(name): answers differ")
            let follow: [Int32] = [5, 6, 7]
            XCTAssertLessThanOrEqual(maxDiff(try spliced.prefill(follow), try fresh.prefill(follow)), 1e-4, "\(kind) \(name): follow-up")
            copied += spliced.lastReusedTokens
            total += tokens.count
        }
        if expectReuse { XCTAssertGreaterThan(copied, total / 2, "\(kind): most rows should be copied") }
        XCTAssertGreaterThan(copied, 0, "\(kind): nothing reused")
        print("OK splice \(kind): maxdiff \(worst), copied \(copied) of \(total) rows")
    }

    func testSWA() throws { try check(kind: "yoco_swa", expectReuse: true) }
    func testSWANoPE() throws { try check(kind: "yoco_swa_nope", expectReuse: true) }
    /// Key tiles of 48 rows straddle the borders between referenced and computed rows.
    func testSmallKeyTilesAcrossReferencedRows() throws {
        try check(kind: "yoco_swa_nope", expectReuse: true, keyTile: 48)
        try check(kind: "yoco_swa", expectReuse: true, keyTile: 48)
    }
    /// Retention's state carries the needle to the end: only the rows before it are copied.
    func testGatedRetention() throws { try check(kind: "yoco_gret", expectReuse: false) }

    func testF16Cache() throws {
        let model = Model.random(config: TestModels.config("yoco_swa"), seed: 21)
        let options = SessionOptions(chunkSize: 64, kvDType: .f16, threads: 2)
        let base = try SpliceBase(model: model, tokens: Self.hay, options: options)
        let tokens = Self.prompt(length: 1000, at: [500])
        let spliced = InferenceSession(model: model, options: options, capacity: 1000)
        let fresh = InferenceSession(model: model, options: options, capacity: 1000)
        // f16 rounding of re-rotated keys differs from keys rotated before rounding: looser bound.
        XCTAssertLessThanOrEqual(maxDiff(try spliced.prefillSplicing(tokens, base: base), try fresh.prefill(tokens)), 2e-2)
        XCTAssertGreaterThan(spliced.lastReusedTokens, 800)
    }

    func testTransformerHasNoBase() {
        let model = Model.random(config: TestModels.config("transformer"), seed: 21)
        XCTAssertThrowsError(try SpliceBase(model: model, tokens: Self.hay))
    }

    func testPlanCopiesAllButTheReach() {
        let base: [Int32] = (0..<200).map { Int32($0 % 97) + 1 }
        let insert: [Int32] = [250, 251, 252]
        let tokens = Array(base[0..<50]) + insert + Array(base[50..<120]) + [240, 241]
        let plan = SplicePlan(tokens: tokens, base: base, reach: 10)
        XCTAssertEqual(plan.steps, [
            .copy(start: 0, baseStart: 0, count: 50),
            .compute(start: 50, end: 63),
            .copy(start: 63, baseStart: 60, count: 60),
            .compute(start: 123, end: 125),
        ])
        let retention = SplicePlan(tokens: tokens, base: base, reach: nil)
        XCTAssertEqual(retention.steps, [.copy(start: 0, baseStart: 0, count: 50), .compute(start: 50, end: 125)])
        // A prompt equal to the base still computes its last token (its logits are needed).
        XCTAssertEqual(SplicePlan(tokens: base, base: base, reach: 10).steps,
                       [.copy(start: 0, baseStart: 0, count: 199), .compute(start: 199, end: 200)])
    }
}
