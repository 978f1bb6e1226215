import NeedleSupport
import XCTest
@testable import Tokenizers

/// The two merge strategies (scanning for short pieces, a heap for long ones) must agree: a
/// SentencePiece-style text is one long piece, and its tokens must not depend on the strategy.
final class MergeTableTests: XCTestCase {
    /// Scanning, written out naively: the lowest rank, leftmost of equals, until nothing merges.
    func naive(_ input: [Int32], _ table: MergeTable) -> [Int32] {
        var s = input
        while true {
            var best: (rank: UInt32, at: Int, merged: Int32)?
            for i in 0..<max(0, s.count - 1) {
                if let m = table.lookup(s[i], s[i + 1]), best == nil || m.rank < best!.rank { best = (m.rank, i, m.merged) }
            }
            guard let b = best else { return s }
            s[b.at] = b.merged
            s.remove(at: b.at + 1)
        }
    }

    func testHeapAndScanAgreeOnRandomTables() {
        var rng = SeededRandom(seed: 42)
        for trial in 0..<40 {
            // symbols 0..<8 merge pairwise into 8, 9, ... with random ranks (repeated ranks included)
            var table = MergeTable()
            var next: Int32 = 8
            for _ in 0..<30 {
                let l = Int32(rng.below(Int(next))), r = Int32(rng.below(Int(next)))
                table.add(left: l, right: r, merged: next, rank: rng.below(20))
                next += 1
            }
            let length = trial % 2 == 0 ? 40 : 300          // both sides of the scan/heap threshold
            let input = (0..<length).map { _ in Int32(rng.below(8)) }
            var merged = input
            table.apply(&merged)
            XCTAssertEqual(merged, naive(input, table), "trial \(trial)")
        }
    }

    func testTheFirstListingOfAPairWins() {
        var table = MergeTable()
        table.add(left: 1, right: 2, merged: 10, rank: 3)
        table.add(left: 1, right: 2, merged: 11, rank: 7)
        XCTAssertEqual(table.lookup(1, 2)?.merged, 10)
        XCTAssertEqual(table.lookup(1, 2)?.rank, 3)
    }
}
