import Foundation
import XCTest
@testable import YOCORuntime

/// Parity with the PyTorch reference (training/export_fixtures.py): each fixture is a model
/// directory plus expected.safetensors with `tokens` (I32 [T], BOS first) and `logits` (F32 [T, vocab]).
final class FixtureParityTests: XCTestCase {
    static let cases = ["yoco_swa", "yoco_swa_nope", "yoco_gret", "transformer", "yoco_swa_f16", "yoco_swa_bf16"]

    func fixture(_ name: String) throws -> (model: Model, tokens: [Int32], logits: [[Float]], info: [String: Any]) {
        // Missing fixtures fail: they are committed, and a parity test that skips proves nothing.
        let root = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil),
                                 "Fixtures folder missing from the test bundle")
        let dir = root.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("expected.safetensors").path) else {
            struct MissingFixture: Error, CustomStringConvertible { let description: String }
            throw MissingFixture(description: "fixture \(name) absent: regenerate it with training/export_fixtures.py and commit it")
        }
        let model = try Model(directory: dir)
        let expected = try SafeTensorsFile(url: dir.appendingPathComponent("expected.safetensors"))
        let tokens = try expected.int32s("tokens")
        let flat = try expected.floats("logits")
        let vocab = model.config.vocabSize
        XCTAssertEqual(flat.count, tokens.count * vocab)
        let logits = (0..<tokens.count).map { Array(flat[($0 * vocab)..<(($0 + 1) * vocab)]) }
        let info = (try? JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("case.json")))) as? [String: Any] ?? [:]
        return (model, tokens, logits, info)
    }

    func check(_ name: String) throws {
        let f = try fixture(name)
        let gretChunk = f.info["gret_chunk"] as? Int ?? 128
        // Full forward at every position, one chunk and chunks of 64 (chunk and window boundaries crossed).
        for chunk in [4096, 64] {
            let s = InferenceSession(model: f.model, options: SessionOptions(chunkSize: chunk, threads: 2, retentionChunk: gretChunk),
                                     capacity: f.tokens.count)
            assertClose(s.logitsForAllPositions(f.tokens), f.logits, tol: 1e-4, "\(name) all-positions chunk=\(chunk)")
        }
        // Chunked prefill with early exit: the last token's logits.
        let s = InferenceSession(model: f.model, options: SessionOptions(chunkSize: 64, threads: 2), capacity: f.tokens.count)
        assertClose([try s.prefill(f.tokens)], [f.logits.last!], tol: 1e-4, "\(name) chunked-prefill last")
        // Prefill part, then token by token (decode path: recurrent gRet, one-query attention).
        let p = f.tokens.count - 24
        let d = InferenceSession(model: f.model, options: SessionOptions(chunkSize: 64, threads: 2), capacity: f.tokens.count)
        var got = [try d.prefill(Array(f.tokens[0..<p]))]
        for t in f.tokens[p...].dropLast() { got.append(try d.prefill([t])) }
        assertClose(got, Array(f.logits[(p - 1)...].dropLast()), tol: 1e-4, "\(name) incremental-decode")
    }

    func testYOCOSlidingWindow() throws { try check("yoco_swa") }
    func testYOCOSlidingWindowNoPE() throws { try check("yoco_swa_nope") }
    func testYOCOGatedRetention() throws { try check("yoco_gret") }
    func testTransformer() throws { try check("transformer") }
    func testF16Weights() throws { try check("yoco_swa_f16") }
    func testBF16Weights() throws { try check("yoco_swa_bf16") }
}
