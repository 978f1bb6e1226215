import Foundation
import XCTest
@testable import YOCORuntime

final class RuntimeInfoTests: XCTestCase {
    /// The core name must be one OpenBLAS really reports (the re-exec decision compares it with
    /// "Prescott"), i.e. the same string the C library gives.
    func testBLASCoreNameIsTheLibrarys() {
        XCTAssertEqual(RuntimeInfo.blasCoreName, BLAS.coreName)
        XCTAssertFalse(RuntimeInfo.blasCoreName.isEmpty)
        XCTAssertEqual(RuntimeInfo.blasCoreName, RuntimeInfo.blasCoreName.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The launcher's report follows the environment it was started with.
    func testLauncherDecisionReflectsTheEnvironment() {
        let value = RuntimeInfo.blasCoreTypeVariable
        XCTAssertEqual(value, ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"])
        if let value { XCTAssertTrue(BLASLauncher.decision.contains("OPENBLAS_CORETYPE=\(value)")) }
        else { XCTAssertEqual(BLASLauncher.decision, "OPENBLAS_CORETYPE unset") }
    }

    /// A session's thread count is its own: two sessions with different settings coexist.
    func testSessionsKeepTheirOwnThreadCounts() throws {
        let model = Model.random(config: ModelConfig(), seed: 3)
        let one = InferenceSession(model: model, options: SessionOptions(chunkSize: 512, threads: 1), capacity: 512)
        let two = InferenceSession(model: model, options: SessionOptions(chunkSize: 512, threads: 2), capacity: 512)
        XCTAssertEqual(one.threads, 1)
        XCTAssertEqual(two.threads, 2)
        let prompt = (0..<400).map { Int32($0 % 256) }     // ≥ 256 rows: the 2-thread session splits its gemms
        let a = try two.prefill(prompt), b = try one.prefill(prompt)
        // Same logits (to float rounding) whatever the split: rows are independent.
        XCTAssertLessThan(zip(a, b).map { abs($0 - $1) }.max()!, 1e-4)
        XCTAssertEqual(one.threads, 1)
    }
}
