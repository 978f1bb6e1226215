import Foundation
import NeedleSupport
import Tokenizers
import XCTest
@testable import YOCORuntime

/// Small configurations covering every architecture; windows and chunks are small so that
/// chunk and window boundaries are crossed by short sequences.
enum TestModels {
    static func config(_ kind: String) -> ModelConfig {
        var c = ModelConfig(dim: 32, nLayers: 4, hiddenDim: 48, nSelfHeads: 4, nAttnHeads: 4, nAttnKVHeads: 2,
                            vocabSize: 264, ropeTheta: 10000, normEps: 1e-5, slidingWindow: 8)
        switch kind {
        case "yoco_swa": break
        case "yoco_swa_nope": c.crossAttentionRope = false
        case "yoco_gret": c.slidingWindow = nil
        case "transformer": c.architecture = .transformer
        default: fatalError(kind)
        }
        return c
    }
    static let kinds = ["yoco_swa", "yoco_swa_nope", "yoco_gret", "transformer"]

    static func tokens(_ count: Int, seed: UInt64 = 7) -> [Int32] {
        var rng = SeededRandom(seed: seed)
        return [256] + (1..<count).map { _ in Int32(rng.next() % 256) }
    }

    static func tempDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("yoco-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

func maxDiff(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "length \(a.count) vs \(b.count)")
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

func maxDiff(_ a: [[Float]], _ b: [[Float]]) -> Float {
    precondition(a.count == b.count, "rows \(a.count) vs \(b.count)")
    return zip(a, b).reduce(0) { max($0, maxDiff($1.0, $1.1)) }
}

/// Asserts a ≈ b within tol and prints `OK <name> maxdiff=…` (llm.c style).
func assertClose(_ a: [[Float]], _ b: [[Float]], tol: Float, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
    let d = maxDiff(a, b)
    XCTAssert(d <= tol, "\(name): maxdiff \(d) > \(tol)", file: file, line: line)
    print("\(d <= tol ? "OK" : "FAIL") \(name) maxdiff=\(d)")
}
