import NeedleSupport
import Tokenizers
import XCTest
@testable import YOCORuntime

final class GenerationTests: XCTestCase {
    func testGreedyGenerationStopsAndContinues() throws {
        let model = Model.random(config: TestModels.config("yoco_swa"), seed: 21)
        let prompt = TestModels.tokens(40)
        let s = InferenceSession(model: model, options: SessionOptions(chunkSize: 16, threads: 2), capacity: 100)
        XCTAssertThrowsError(try s.generate(maxNewTokens: 3)) { XCTAssertEqual($0 as? RuntimeError, .noContext) }
        let logits = try s.prefill(prompt)
        let out = try s.generate(maxNewTokens: 12, stop: nil)
        XCTAssertLessThanOrEqual(out.count, 12)
        XCTAssertFalse(out.contains(256) || out.contains(258), "BOS/PAD generated")
        if s.lastStopReason == .maxTokens { XCTAssertEqual(out.count, 12) }
        XCTAssertEqual(s.position, 40 + out.count)
        // Greedy = argmax of the prefill logits (BOS/PAD masked).
        let first = logits.enumerated().filter { $0.offset != 256 && $0.offset != 258 }.max { $0.element < $1.element }!.offset
        XCTAssertEqual(out.first.map(Int.init) ?? 257, first)

        // Multi-query: a follow-up after the answer == one prefill of the whole transcript.
        let followUp: [Int32] = [10, 20, 30]
        let continued = try s.prefill(followUp)
        let fresh = InferenceSession(model: model, options: SessionOptions(chunkSize: 16, threads: 2), capacity: 100)
        assertClose([continued], [try fresh.prefill(prompt + out + followUp)], tol: 1e-5, "multi-query continuation")

        // Stop string: generation ends as soon as the text contains it, stop text kept.
        if out.count >= 3, let stopByte = out.dropFirst(2).first, stopByte < 128 {
            let stop = String(UnicodeScalar(UInt8(stopByte)))
            let again = InferenceSession(model: model, options: SessionOptions(chunkSize: 16, threads: 2), capacity: 100)
            try again.prefill(prompt)
            let stopped = try again.generate(maxNewTokens: 12, stop: stop)
            XCTAssertEqual(again.lastStopReason, .stopString)
            XCTAssertTrue(model.tokenizer.decode(stopped).hasSuffix(stop))
        }
    }

    func testInvalidTokensAndEmptyInput() {
        let model = Model.random(config: TestModels.config("yoco_swa"), seed: 1)
        let s = InferenceSession(model: model, options: SessionOptions(threads: 1), capacity: 10)
        XCTAssertThrowsError(try s.prefill([])) { XCTAssertTrue("\($0)".contains("empty")) }
        XCTAssertThrowsError(try s.prefill([256, 999])) { XCTAssertEqual($0 as? RuntimeError, .invalidToken(id: 999, vocabSize: 264)) }
        XCTAssertEqual(s.position, 0)
    }

    func testByteTokenizer() {
        let t = ByteTokenizer()
        XCTAssertEqual(t.encode("Hé"), [72, 195, 169])
        XCTAssertEqual(t.decode([256, 72, 195, 169, 257]), "Hé")
    }

    func testProcessMemory() {
        XCTAssertGreaterThan(ProcessMemory.peakRSSBytes, 1 << 20)
        XCTAssertGreaterThan(ProcessMemory.currentRSSBytes, 1 << 20)
        XCTAssertGreaterThanOrEqual(ProcessMemory.peakRSSBytes, ProcessMemory.currentRSSBytes)
    }
}
