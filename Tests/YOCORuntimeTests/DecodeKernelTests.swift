import XCTest
@testable import YOCORuntime

/// The SIMD decode kernels (head_dim 32, two query heads per kv head: the shipped model's shape,
/// which TestModels' head_dim 8 does not reach) against the naive float64 reference.
final class DecodeKernelTests: XCTestCase {
    func testHeadDim32DecodeMatchesNaiveReference() throws {
        // 2 kv heads (two query rows per kv head), then 4 (one: the shipped model's shape)
        for (kind, kvHeads) in [("yoco_swa", 2), ("yoco_swa_nope", 2), ("transformer", 2), ("yoco_swa_nope", 4), ("transformer", 4)] {
            var c = TestModels.config(kind)
            c.dim = 128; c.hiddenDim = 96; c.nAttnKVHeads = kvHeads   // 4 heads of 32
            let tensors = Model.randomTensors(config: c, seed: 12)
            let model = Model(config: c, tensors: tensors)
            let tokens = TestModels.tokens(41)
            let expected = NaiveReference(c: c, t: tensors).logits(tokens)
            for (tile, kv) in [(1024, KVDType.f32), (20, .f32), (13, .f32), (20, .f16)] {
                var opts = SessionOptions(chunkSize: 16, kvDType: kv, threads: 2)
                opts.attentionKeyTile = tile   // 20, 13: 8-key blocks plus a remainder, several splits
                let s = InferenceSession(model: model, options: opts, capacity: 41)
                var got = [try s.prefill(Array(tokens[0..<3]))]
                for t in tokens[3...].dropLast() { got.append(try s.prefill([t])) }
                assertClose(got, Array(expected[2...].dropLast()), tol: kv == .f32 ? 1e-4 : 5e-2,
                            "decode hd32 \(kind) kv heads \(kvHeads) tile=\(tile) kv=\(kv)")
            }
        }
    }
}
