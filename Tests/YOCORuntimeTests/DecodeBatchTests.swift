import XCTest
@testable import YOCORuntime

/// Batched decode: prompts of several lengths, needles at the start, middle and end, decoded
/// together over one splice base, must give the logits and greedy answers each prompt gets on its
/// own (fresh prefill, then step by step) within 1e-4 — for NoPE and RoPE global keys (RoPE'd
/// rows that moved are the member's own, re-rotated copies), gated retention, small key tiles
/// that cut through the referenced ranges, and no base at all.
final class DecodeBatchTests: XCTestCase {
    typealias P = SpliceTests

    static let cases: [(name: String, length: Int, offsets: [Int])] = [
        ("start", 1200, [1]), ("middle", 1200, [600]), ("end", 1200, [1200 - 1 - P.question.count - P.needle.count]),
        ("two needles", 1400, [300, 900]), ("short", 200, [100]), ("no needle", 1000, []), ("past the base", 1600, [700]),
    ]

    func check(kind: String, keyTile: Int = 1024, kv: KVDType = .f32, withBase: Bool = true, tolerance: Float = 1e-4) throws {
        let model = Model.random(config: TestModels.config(kind), seed: 21)
        var options = SessionOptions(chunkSize: 64, kvDType: kv, threads: 2, retentionChunk: 16)
        options.attentionKeyTile = keyTile
        let base = withBase ? try SpliceBase(model: model, tokens: P.hay, options: options) : nil
        let batch = try DecodeBatch(model: model, options: options, base: base)
        let prompts = Self.cases.map { P.prompt(length: $0.length, at: $0.offsets) }
        for p in prompts { try batch.add(prompt: p) }
        let fresh = prompts.map { _ in InferenceSession(model: model, options: options, capacity: 1700) }
        var worst: Float = 0
        func compare(_ i: Int, _ expected: [Float], _ what: String) {
            let d = maxDiff(batch.logits(of: i), expected)
            worst = max(worst, d)
            XCTAssertLessThanOrEqual(d, tolerance, "\(kind) \(Self.cases[i].name) \(what): logits differ by \(d)")
        }
        for (i, p) in prompts.enumerated() { compare(i, try fresh[i].prefill(p), "prompt") }
        if withBase { XCTAssertGreaterThan((0..<prompts.count).map(batch.reusedTokens(of:)).reduce(0, +), 0, "\(kind): nothing reused") }

        // Forced decode steps: every member takes a token, then one batched pass.
        for (s, token) in ([7, 81, 200] as [Int32]).enumerated() {
            for i in prompts.indices { try batch.append([token], to: i) }
            for i in prompts.indices { compare(i, try fresh[i].prefill([token]), "step \(s)") }
        }
        // Greedy answers together, then a follow-up after each answer (its last token not yet run).
        let answers = try batch.generate(maxNewTokens: 5)
        for i in prompts.indices {
            XCTAssertEqual(answers[i], try fresh[i].generate(maxNewTokens: 5), "\(kind) \(Self.cases[i].name): answers differ")
            XCTAssertEqual(batch.stopReason(of: i), fresh[i].lastStopReason)
        }
        let follow: [Int32] = [5, 6, 7]
        for i in prompts.indices { try batch.append(follow, to: i) }
        for i in prompts.indices { compare(i, try fresh[i].prefill(follow), "follow-up") }
        print("OK batch \(kind) tile \(keyTile) \(kv) base \(withBase): maxdiff \(worst)")
    }

    func testSWANoPE() throws { try check(kind: "yoco_swa_nope") }
    func testSWARoPE() throws { try check(kind: "yoco_swa") }
    func testGatedRetention() throws { try check(kind: "yoco_gret") }
    /// Key tiles of 48 rows: a member's hole (where its needle's reach was recomputed) and its
    /// end fall inside tiles other members read whole.
    func testSmallKeyTiles() throws {
        try check(kind: "yoco_swa_nope", keyTile: 48)
        try check(kind: "yoco_swa", keyTile: 48)
    }
    func testWithoutBase() throws { try check(kind: "yoco_swa_nope", withBase: false) }
    func testF16Cache() throws { try check(kind: "yoco_swa_nope", kv: .f16, tolerance: 1e-3) }

    /// More members due than one cross-decoder pass takes (the chunk) run in several passes.
    func testMoreMembersThanOnePass() throws {
        let model = Model.random(config: TestModels.config("yoco_swa_nope"), seed: 21)
        let options = SessionOptions(chunkSize: 4, threads: 2)
        let base = try SpliceBase(model: model, tokens: P.hay, options: options)
        let batch = try DecodeBatch(model: model, options: options, base: base)
        let fresh = InferenceSession(model: model, options: options, capacity: 1700)
        let prompts = (0..<9).map { P.prompt(length: 300 + 100 * $0, at: [50 + 20 * $0]) }
        for p in prompts { try batch.add(prompt: p) }
        let answers = try batch.generate(maxNewTokens: 4)
        for (i, p) in prompts.enumerated() {
            fresh.reset()
            try fresh.prefill(p)
            XCTAssertEqual(answers[i], try fresh.generate(maxNewTokens: 4), "member \(i)")
        }
    }

    func testTransformerIsRefused() {
        let model = Model.random(config: TestModels.config("transformer"), seed: 21)
        XCTAssertThrowsError(try DecodeBatch(model: model, base: nil))
    }
}
