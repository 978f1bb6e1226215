import Foundation
import XCTest
@testable import YOCORuntime

/// The runtime against the naive float64 reference, and against itself across chunkings,
/// early exit, incremental decode, thread counts, KV dtypes and gRet forms.
final class ForwardParityTests: XCTestCase {
    func testAllPositionsMatchNaiveReference() {
        for kind in TestModels.kinds {
            let c = TestModels.config(kind)
            let tensors = Model.randomTensors(config: c, seed: 11)
            let model = Model(config: c, tensors: tensors)
            let tokens = TestModels.tokens(37)
            let expected = NaiveReference(c: c, t: tensors).logits(tokens)
            for chunk in [64, 5] {
                let s = InferenceSession(model: model, options: SessionOptions(chunkSize: chunk, threads: 2, retentionChunk: 4), capacity: 8)
                assertClose(s.logitsForAllPositions(tokens), expected, tol: 1e-4, "naive \(kind) chunk=\(chunk)")
            }
        }
    }

    func testChunkedPrefillEarlyExitAndIncrementalDecode() throws {
        for kind in TestModels.kinds {
            let c = TestModels.config(kind)
            let model = Model.random(config: c, seed: 3)
            let tokens = TestModels.tokens(150)
            let full = InferenceSession(model: model, options: SessionOptions(chunkSize: 64, threads: 2), capacity: 150)
                .logitsForAllPositions(tokens)
            // Chunked prefill (chunk and window boundaries crossed) == one-shot == full forward's last row.
            let oneShot = try InferenceSession(model: model, options: SessionOptions(chunkSize: 4096, threads: 2), capacity: 150).prefill(tokens)
            for chunk in [1, 7, 64] {
                let s = InferenceSession(model: model, options: SessionOptions(chunkSize: chunk, threads: 2), capacity: 150)
                assertClose([try s.prefill(tokens)], [oneShot], tol: 1e-5, "chunked==oneshot \(kind) chunk=\(chunk)")
            }
            assertClose([oneShot], [full.last!], tol: 1e-5, "earlyexit==full \(kind)")
            // Prefill P tokens, then one token at a time == full forward of the longer sequence.
            let s = InferenceSession(model: model, options: SessionOptions(chunkSize: 64, threads: 2), capacity: 100)
            var got = [try s.prefill(Array(tokens[0..<100]))]
            for t in tokens[100...] { got.append(try s.prefill([t])) }
            assertClose(got, Array(full[99...]), tol: 1e-4, "incremental \(kind)")
            XCTAssertEqual(s.position, 150)
        }
    }

    func testDecodeKeySplitsMerge() throws {
        // Small key tiles make a decode token split its keys across tasks and merge them.
        for kind in ["yoco_swa", "transformer"] {
            let model = Model.random(config: TestModels.config(kind), seed: 4)
            let tokens = TestModels.tokens(200)
            var tiny = SessionOptions(chunkSize: 64, threads: 2)
            tiny.attentionKeyTile = 16
            let a = InferenceSession(model: model, options: tiny, capacity: 200)
            let b = InferenceSession(model: model, options: SessionOptions(chunkSize: 64, threads: 2), capacity: 200)
            try a.prefill(Array(tokens[0..<150])); try b.prefill(Array(tokens[0..<150]))
            var got: [[Float]] = [], want: [[Float]] = []
            for t in tokens[150...] { got.append(try a.prefill([t])); want.append(try b.prefill([t])) }
            assertClose(got, want, tol: 1e-5, "decode key splits \(kind)")
            let all = InferenceSession(model: model, options: tiny, capacity: 200).logitsForAllPositions(tokens)
            assertClose(all, InferenceSession(model: model, options: SessionOptions(chunkSize: 64, threads: 2), capacity: 200)
                .logitsForAllPositions(tokens), tol: 1e-5, "prefill key tiles \(kind)")
        }
    }

    func testRetentionRecurrentEqualsChunkwise() {
        let c = TestModels.config("yoco_gret")
        let model = Model.random(config: c, seed: 5)
        let tokens = TestModels.tokens(90)
        let chunkwise = InferenceSession(model: model, options: SessionOptions(chunkSize: 64, threads: 2, retentionChunk: 16), capacity: 90)
        let recurrent = InferenceSession(model: model, options: SessionOptions(chunkSize: 64, threads: 2), capacity: 90)
        (recurrent.pass as! YOCOForward).retention.forEach { $0.recurrent = true }
        assertClose(chunkwise.logitsForAllPositions(tokens), recurrent.logitsForAllPositions(tokens), tol: 1e-4, "gret recurrent==chunkwise")
    }

    func testThreadsAndF16Cache() throws {
        for kind in TestModels.kinds {
            let model = Model.random(config: TestModels.config(kind), seed: 9)
            let tokens = TestModels.tokens(120)
            let one = InferenceSession(model: model, options: SessionOptions(chunkSize: 32, threads: 1), capacity: 120).logitsForAllPositions(tokens)
            let two = InferenceSession(model: model, options: SessionOptions(chunkSize: 32, threads: 2), capacity: 120).logitsForAllPositions(tokens)
            assertClose(one, two, tol: 1e-5, "threads1==threads2 \(kind)")
            let half = InferenceSession(model: model, options: SessionOptions(chunkSize: 32, kvDType: .f16, threads: 2), capacity: 120)
            assertClose(half.logitsForAllPositions(tokens), one, tol: 2e-2, "kv f16≈f32 \(kind)")
            XCTAssertEqual(half.kvCacheBytes * 2, InferenceSession(model: model, options: SessionOptions(threads: 1), capacity: 120).kvCacheBytes)
        }
    }

    func testKVBytesAndCapacityGrowth() throws {
        let yoco = Model.random(config: TestModels.config("yoco_swa"), seed: 1)
        let s = InferenceSession(model: yoco, options: SessionOptions(chunkSize: 16, threads: 2), capacity: 1000)
        XCTAssertEqual(s.kvCacheBytes, 2 * 1000 * 2 * 8 * 4)   // K and V, once, kvDim 16, f32
        let tf = Model.random(config: TestModels.config("transformer"), seed: 1)
        XCTAssertEqual(InferenceSession(model: tf, options: SessionOptions(threads: 2), capacity: 1000).kvCacheBytes, 4 * 2 * 1000 * 16 * 4)
        // A session reserved for 4 tokens grows and still matches.
        let tokens = TestModels.tokens(70)
        let small = InferenceSession(model: yoco, options: SessionOptions(chunkSize: 16, threads: 2), capacity: 4)
        let big = InferenceSession(model: yoco, options: SessionOptions(chunkSize: 16, threads: 2), capacity: 70)
        let reference = try big.prefill(tokens)
        assertClose([try small.prefill(tokens)], [reference], tol: 0, "capacity growth")
        XCTAssertGreaterThanOrEqual(small.kvCacheBytes, 70 * 2 * 16 * 4)
        small.reset()
        XCTAssertEqual(small.position, 0)
        assertClose([try small.prefill(tokens)], [reference], tol: 0, "reset")
    }

    func testFastExpAccuracy() {
        var worst: Double = 0
        for i in 0...200_000 {
            let x = -Float(i) * 1e-3 * (i % 2 == 0 ? 1 : 0.37) + (i % 3 == 0 ? 88 : 0)
            let want = Foundation.exp(Double(x))
            guard x <= 88, x >= -87 else { continue }
            worst = max(worst, abs(Double(fastExp(x)) - want) / max(want, 1e-30))
        }
        XCTAssertLessThan(worst, 1e-6)
        XCTAssertEqual(fastExp(-.infinity), fastExp(-200))
        print("OK fast-exp relerr=\(worst)")
    }

    func testRopeAtLargePositions() {
        let table = RopeTable(headDim: 32, theta: 1e8, capacity: 2)
        table.prepare(start: 1_048_575, count: 2)
        var x = [Float](repeating: 0, count: 64)
        for i in 0..<64 { x[i] = Float(i % 5) - 2 }
        let original = x
        x.withUnsafeMutableBufferPointer { table.apply($0.baseAddress!, ld: 32, rows: 2, heads: 1) }
        var worst: Double = 0
        for r in 0..<2 {
            for i in 0..<16 {
                let angle = Double(1_048_575 + r) * pow(1e8, -Double(i) / 15)
                let a = Double(original[r * 32 + 2 * i]), b = Double(original[r * 32 + 2 * i + 1])
                worst = max(worst, abs(Double(x[r * 32 + 2 * i]) - (a * cos(angle) - b * sin(angle))))
                worst = max(worst, abs(Double(x[r * 32 + 2 * i + 1]) - (a * sin(angle) + b * cos(angle))))
            }
        }
        XCTAssertLessThan(worst, 1e-5)
        print("OK rope@1M maxdiff=\(worst)")
    }
}
