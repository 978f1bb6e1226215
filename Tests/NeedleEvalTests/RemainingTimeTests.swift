import NeedleEval
import XCTest

/// The ETA of a run's progress line: finished trials give the rate, the cost model weighs what is
/// left. The times here are made up (no clock is read): trials whose durations follow the model
/// on a machine k times slower must get exactly the true remaining time, whatever the mix of
/// lengths done so far — which a count of cells (what the ETA used to be with a shared prefill)
/// gets wrong by an order of magnitude once the short cells are done and the long ones remain.
final class RemainingTimeTests: XCTestCase {
    let model = GridCostModel.reference
    /// The default grid's order: lengths 1K … 1M, 11 depths each.
    let grid = (0...10).flatMap { power in (0...10).map { TrialKey(length: 1024 << power, depth: $0 * 10, trial: 0) } }

    func testModelShapedTrialsGetTheTrueRemainingTime() {
        for shared in [true, false] {
            var eta = RemainingTime(pending: grid, sharedPrefill: shared)
            let slower = 1.7   // this machine is 1.7× the reference
            let durations = grid.map { slower * Double(eta.weight(length: $0.length)) / 1e9 }
            let total = durations.reduce(0, +)
            var elapsed = 0.0
            XCTAssertNil(eta.seconds(elapsed: 0))
            for (i, key) in grid.enumerated() {
                eta.finished(key)
                elapsed += durations[i]
                XCTAssertEqual(eta.seconds(elapsed: elapsed)!, total - elapsed, accuracy: 1e-6 * total, "after \(key)")
            }
            XCTAssertEqual(eta.seconds(elapsed: elapsed), 0)   // nothing left
        }
    }

    func testLongCellsWeighMoreAndAnOwnPrefillMoreStill() {
        let shared = RemainingTime(pending: [], sharedPrefill: true)
        let own = RemainingTime(pending: [], sharedPrefill: false)
        // A 1M trial after a shared prefill: ~105× a 1K one (its decode reads the whole cache).
        XCTAssertEqual(Double(shared.weight(length: 1 << 20)) / Double(shared.weight(length: 1 << 10)), 105.2, accuracy: 0.1)
        // Prefilled on its own, it costs its prefill too: ~590× the 1K one.
        XCTAssertEqual(Double(own.weight(length: 1 << 20)) / Double(own.weight(length: 1 << 10)), 589.7, accuracy: 0.1)
        // Counting cells instead: after the 110 cells up to 512K of the default grid, 11 cells are
        // left, a tenth of the time spent so far; the model leaves about as much as was spent.
        var eta = RemainingTime(pending: grid, sharedPrefill: true)
        for key in grid.prefix(110) { eta.finished(key) }
        XCTAssertGreaterThan(eta.seconds(elapsed: 1)!, 0.9)
    }

    /// Cells decoded together finish in groups: after each whole group, the ETA of groups whose
    /// durations follow the model on a slower machine is exactly the time left — though the last
    /// group (the 1M cells) costs more than the 96 cells before it together.
    func testDecodedTogetherGroupsGetTheTrueRemainingTime() {
        var eta = RemainingTime(pending: grid, sharedPrefill: true, decodeBatch: 32)
        let groups = stride(from: 0, to: grid.count, by: 32).map { Array(grid[$0..<min(grid.count, $0 + 32)]) }
        let durations = groups.map { 1.3 * Double(model.batch($0.count, longest: $0.map(\.length).max()!)) / 1e9 }
        let total = durations.reduce(0, +)
        XCTAssertGreaterThan(durations.last!, durations.dropLast().reduce(0, +))
        var elapsed = 0.0
        for (group, duration) in zip(groups, durations) {
            for key in group { eta.finished(key) }
            elapsed += duration
            XCTAssertEqual(eta.seconds(elapsed: elapsed)!, total - elapsed, accuracy: 1e-6 * total, "after \(group.last!)")
        }
    }
}
