import XCTest
@testable import YOCORuntime

/// prefillReusingPrefix must be exact: bitwise the logits and greedy tokens of
/// `reset(); prefill(prompt)` with the same chunk size, whatever the previous context was.
final class PrefixReuseTests: XCTestCase {
    static let chunk = 16

    /// haystack[0..<depth] + needle + haystack[depth...] cut to `length` tokens (needle-eval's shape).
    static func prompt(_ hay: [Int32], length: Int, depth: Int, needle: [Int32]) -> [Int32] {
        Array((Array(hay[0..<depth]) + needle + hay[depth...]).prefix(length))
    }

    /// A run's cells in the order the lead uses (lengths ascending, depths descending), plus
    /// prompts that are prefixes of each other, a follow-up after generation and unrelated prompts.
    static func cases() -> [(prompt: [Int32], generate: Int, followUp: [Int32])] {
        let hay = TestModels.tokens(400, seed: 3), needle: [Int32] = [200, 201, 202, 203, 204, 205, 206]
        var out: [(prompt: [Int32], generate: Int, followUp: [Int32])] = []
        for length in [37, 64, 150] {
            for depth in [length - 8, length / 2, 17, 1] {
                out.append((prompt(hay, length: length, depth: depth, needle: needle), 3, [10, 11]))
            }
        }
        out.append((Array(hay.prefix(150)), 0, []))          // no needle
        out.append((Array(hay.prefix(128)), 2, []))          // a prefix of the previous, on a chunk boundary
        out.append((Array(hay.prefix(129)), 1, []))          // one past it
        out.append((Array(hay.prefix(48)), 1, [30, 31, 32])) // shorter prefix, pending token then follow-up
        out.append((Array(hay.prefix(48)), 0, []))           // the same prompt again
        out.append((Array(hay.prefix(200)), 4, []))          // longer than everything before
        out.append(([256, 9, 9, 9] + Array(hay[1..<100]), 2, []))   // shares only BOS
        out.append((Array(hay[50..<120]), 2, []))            // shares nothing
        out.append((Array(hay.prefix(5)), 1, []))            // shorter than a chunk
        out.append((Array(hay.prefix(150)), 2, []))
        return out
    }

    func checkExact(kind: String, budget: Int = 64 << 20, retentionChunk: Int = 8) throws {
        try checkExact(model: Model.random(config: TestModels.config(kind), seed: 5), name: kind, cases: Self.cases(),
                       budget: budget, retentionChunk: retentionChunk)
    }

    func checkExact(model: Model, name kind: String, cases: [(prompt: [Int32], generate: Int, followUp: [Int32])],
                    budget: Int = 64 << 20, retentionChunk: Int = 8) throws {
        var opts = SessionOptions(chunkSize: Self.chunk, threads: 2, retentionChunk: retentionChunk)
        opts.prefixCacheBytes = budget
        let reused = InferenceSession(model: model, options: opts, capacity: 64)   // grows: exercises KV copy
        let fresh = InferenceSession(model: model, options: opts, capacity: 512)
        var worst: Float = 0, reusedTotal = 0
        for (i, c) in cases.enumerated() {
            let a = try reused.prefillReusingPrefix(c.prompt)
            fresh.reset()
            let b = try fresh.prefill(c.prompt)
            let d = maxDiff(a, b)
            worst = max(worst, d)
            XCTAssertEqual(a, b, "\(kind) case \(i): prefill logits differ, maxdiff \(d) (reused \(reused.lastReusedTokens))")
            XCTAssertEqual(reused.position, c.prompt.count)
            XCTAssertEqual(reused.lastReusedTokens % Self.chunk, 0)
            XCTAssertLessThan(reused.lastReusedTokens, c.prompt.count)
            reusedTotal += reused.lastReusedTokens
            if c.generate > 0 {
                let ga = try reused.generate(maxNewTokens: c.generate), gb = try fresh.generate(maxNewTokens: c.generate)
                XCTAssertEqual(ga, gb, "\(kind) case \(i): generated tokens differ")
            }
            if !c.followUp.isEmpty {
                let fa = try reused.prefill(c.followUp), fb = try fresh.prefill(c.followUp)
                worst = max(worst, maxDiff(fa, fb))
                XCTAssertEqual(fa, fb, "\(kind) case \(i): follow-up logits differ")
            }
        }
        XCTAssertGreaterThan(reusedTotal, 0, "\(kind): nothing was reused")
        XCTAssertLessThanOrEqual(reused.prefixCacheBytes, budget)
        print("OK prefix reuse \(kind) budget \(budget) maxdiff=\(worst) reused tokens \(reusedTotal) snapshot bytes \(reused.prefixCacheBytes)")
    }

    func testExactSWA() throws { try checkExact(kind: "yoco_swa") }
    func testExactSWANoPE() throws { try checkExact(kind: "yoco_swa_nope") }
    func testExactGatedRetention() throws { try checkExact(kind: "yoco_gret") }
    func testExactGatedRetentionWholeChunk() throws { try checkExact(kind: "yoco_gret", retentionChunk: 128) }
    func testExactTransformer() throws { try checkExact(kind: "transformer") }
    /// A budget of 3 snapshots forces thinning (every other boundary dropped, twice).
    func testExactWithThinnedSnapshots() throws {
        let floats = 2 * 2 * 7 * 32   // yoco_swa: 2 self layers × (K, V) × (window-1) rows × dim
        try checkExact(kind: "yoco_swa", budget: 3 * floats * 4)
    }

    func testDisabledCacheStillCorrect() throws {
        let model = Model.random(config: TestModels.config("yoco_swa"), seed: 5)
        var opts = SessionOptions(chunkSize: Self.chunk, threads: 1)
        opts.prefixCacheBytes = 0
        let s = InferenceSession(model: model, options: opts, capacity: 256)
        let p = TestModels.tokens(100)
        let first = try s.prefillReusingPrefix(p)
        XCTAssertEqual(try s.prefillReusingPrefix(p), first)
        XCTAssertEqual(s.lastReusedTokens, 0)
        XCTAssertEqual(s.prefixCacheBytes, 0)
        XCTAssertThrowsError(try s.prefillReusingPrefix([]))
        XCTAssertThrowsError(try s.prefillReusingPrefix([256, 999]))
    }

    /// The PyTorch fixture models, their tokens with a "needle" spliced at several depths.
    func testExactOnFixtureModels() throws {
        for name in ["yoco_swa", "yoco_gret", "transformer"] {
            let f = try FixtureParityTests(name: "fixture", testClosure: { _ in }).fixture(name)
            let t = f.tokens, n = t.count, needle: [Int32] = [65, 66, 67]
            var cases: [(prompt: [Int32], generate: Int, followUp: [Int32])] = []
            for depth in [n - 6, n / 2, n / 4, 1] { cases.append((Self.prompt(t, length: n, depth: depth, needle: needle), 2, [])) }
            cases.append((Array(t.prefix(n / 2)), 1, [70, 71]))
            cases.append((t, 3, []))
            try checkExact(model: f.model, name: "fixture \(name) (\(n) tokens)", cases: cases)
        }
    }

    /// Needle-eval order (depths descending): the last chunk boundary before the needle is reused.
    func testReuseCountsOnNeedleOrder() throws {
        let model = Model.random(config: TestModels.config("yoco_swa"), seed: 9)
        let s = InferenceSession(model: model, options: SessionOptions(chunkSize: Self.chunk, threads: 2), capacity: 512)
        let hay = TestModels.tokens(300, seed: 4), needle: [Int32] = [90, 91, 92]
        _ = try s.prefillReusingPrefix(Self.prompt(hay, length: 200, depth: 180, needle: needle))
        _ = try s.prefillReusingPrefix(Self.prompt(hay, length: 200, depth: 100, needle: needle))
        XCTAssertEqual(s.lastReusedTokens, 96)    // last boundary ≤ 100
        _ = try s.prefillReusingPrefix(Self.prompt(hay, length: 200, depth: 40, needle: needle))
        XCTAssertEqual(s.lastReusedTokens, 32)
    }
}
