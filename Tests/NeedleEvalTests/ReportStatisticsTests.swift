import XCTest
@testable import NeedleEval

/// Fisher's exact test and Holm's adjustment against values computed elsewhere.
final class ReportStatisticsTests: XCTestCase {
    /// Two-sided p-values from SciPy 1.17.1, table [[a, b], [c, d]]:
    ///   python3 -c "from scipy.stats import fisher_exact; print(fisher_exact([[a, b], [c, d]])[1])"
    private let scipy: [(a: Int, b: Int, c: Int, d: Int, p: Double)] = [
        (5, 0, 0, 5, 0.007936507936507938),
        (4, 0, 0, 4, 0.028571428571428567),
        (3, 0, 0, 3, 0.10000000000000002),
        (2, 0, 0, 2, 0.3333333333333333),
        (3, 7, 9, 1, 0.019766611097880443),
        (0, 2, 2, 0, 0.3333333333333333),
        (12, 0, 7, 5, 0.037267080745341616),
        (45, 5, 30, 20, 0.0009668432030628979),
        (1, 4, 4, 1, 0.2063492063492064),
        (2, 3, 2, 3, 1.0),
        (7, 3, 2, 8, 0.06977851869492736),
        (0, 5, 1, 4, 1.0),
        (10, 0, 0, 1, 0.09090909090909091),
        (20, 1, 10, 11, 0.0013928168924235013),
        (5, 0, 1, 4, 0.047619047619047616),
        (3, 1, 0, 5, 0.04761904761904762),
    ]

    func testFisherMatchesSciPy() throws {
        for t in scipy {
            let p = try XCTUnwrap(FisherExactTest.twoSidedP(a: t.a, b: t.b, c: t.c, d: t.d), "\(t)")
            XCTAssertEqual(p, t.p, accuracy: 1e-12 * max(1, t.p), "table \(t)")
            // Swapping the runs (rows) or correct/wrong (columns) gives the same two-sided p.
            XCTAssertEqual(FisherExactTest.twoSidedP(a: t.c, b: t.d, c: t.a, d: t.b)!, t.p, accuracy: 1e-12, "\(t)")
            XCTAssertEqual(FisherExactTest.twoSidedP(a: t.b, b: t.a, c: t.d, d: t.c)!, t.p, accuracy: 1e-12, "\(t)")
        }
    }

    func testFisherRefusesEmptyRowsAndNegativeCounts() {
        XCTAssertNil(FisherExactTest.twoSidedP(a: 0, b: 0, c: 3, d: 2))
        XCTAssertNil(FisherExactTest.twoSidedP(a: 1, b: -1, c: 3, d: 2))
    }

    /// All of one run right and all of the other wrong: 2 / C(2n, n) for n trials a side.
    func testSmallestAttainableP() throws {
        XCTAssertEqual(try XCTUnwrap(FisherExactTest.smallestP(n1: 3, n2: 3)), 2.0 / 20, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(FisherExactTest.smallestP(n1: 4, n2: 4)), 2.0 / 70, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(FisherExactTest.smallestP(n1: 5, n2: 5)), 2.0 / 252, accuracy: 1e-12)
    }

    /// Worked by hand: sorted p 0.01, 0.02, 0.03, 0.5 times 4, 3, 2, 1 = 0.04, 0.06, 0.06, 0.5, each
    /// raised to the largest before it (0.06 stays), returned in the input order.
    func testHolmByHand() {
        let adjusted = HolmAdjustment.adjust([0.03, 0.5, 0.01, 0.02])
        for (value, expected) in zip(adjusted, [0.06, 0.5, 0.04, 0.06]) { XCTAssertEqual(value, expected, accuracy: 1e-12) }
        XCTAssertEqual(HolmAdjustment.adjust([0.4, 0.3]), [0.6, 0.6])   // 0.3·2, then max(0.6, 0.4·1)
        XCTAssertEqual(HolmAdjustment.adjust([0.9, 0.8]), [1, 1])      // capped at 1
        XCTAssertEqual(HolmAdjustment.adjust([]), [])
    }
}
