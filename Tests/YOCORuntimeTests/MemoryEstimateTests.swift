import Foundation
import CAllocatorProbe
import NeedleSupport
import XCTest
@testable import YOCORuntime

/// The memory estimate that refuses grids too large for the machine is held against what the
/// allocator really hands out (glibc's counters of bytes in use), so an allocation added to the
/// runtime without its term in the estimate fails here.
final class MemoryEstimateTests: XCTestCase {
    private func bytesInUse() -> Int { Int(allocator_bytes_in_use()) }

    private func check(_ config: ModelConfig, options: SessionOptions, capacity: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let before = bytesInUse()
        let model = Model.random(config: config, seed: 5)
        let afterModel = bytesInUse()
        let session = InferenceSession(model: model, options: options, capacity: capacity)
        var rng = SeededRandom(seed: 9)
        try session.prefill((0..<capacity).map { _ in Int32(rng.next() % 256) })
        let afterSession = bytesInUse()
        let weights = afterModel - before, used = afterSession - afterModel
        let estimatedWeights = MemoryEstimate.weightBytes(config)
        let estimated = MemoryEstimate.sessionBytes(config, options: options, capacity: capacity)
        // Weights: the random tensors are built as arrays first, so only a lower bound holds.
        XCTAssertGreaterThanOrEqual(weights, estimatedWeights, "weights", file: file, line: line)
        // The session: never more than estimated, and the estimate not loose by more than a
        // quarter (plus 256 KiB of small objects and allocator slack).
        XCTAssertLessThanOrEqual(used, estimated + (256 << 10), "session used \(used), estimated \(estimated)", file: file, line: line)
        XCTAssertLessThanOrEqual(estimated, used + used / 4 + (256 << 10), "session used \(used), estimated \(estimated)", file: file, line: line)
        print("OK memory \(config.architecture) window \(config.slidingWindow.map(String.init) ?? "gRet") kv \(options.kvDType): "
            + "session allocated \(used) bytes, estimated \(estimated); weights \(weights), estimated \(estimatedWeights)")
        withExtendedLifetime((model, session)) {}
    }

    func testSlidingWindowSession() throws {
        try check(ModelConfig.tinyDefault, options: SessionOptions(chunkSize: 1024, threads: 2), capacity: 8192)
    }

    func testGatedRetentionSession() throws {
        try check(ModelConfig(slidingWindow: nil), options: SessionOptions(chunkSize: 512, threads: 2), capacity: 4096)
    }

    func testF16CacheSession() throws {
        try check(ModelConfig.tinyDefault, options: SessionOptions(chunkSize: 1024, kvDType: .f16, threads: 1), capacity: 8192)
    }

    func testTransformerSession() throws {
        try check(ModelConfig(architecture: .transformer), options: SessionOptions(chunkSize: 512, threads: 2), capacity: 2048)
    }

    /// The default random config is the shipped model's shape, as `bench` says.
    func testTinyDefaultIsTheShippedShape() throws {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("models/yoco-niah-tiny/config.json")
        XCTAssertEqual(try ModelConfig.load(from: shipped), ModelConfig.tinyDefault)
    }
}
