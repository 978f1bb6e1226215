import XCTest
@testable import NeedleEval

final class ScorerTests: XCTestCase {
    func testExactMatchStopsAtTheStopString() {
        let s = Scorer.score(output: " 1234567. The next", expected: ["1234567"], stop: ".")
        XCTAssertTrue(s.exact)
        XCTAssertEqual(s.answer, "1234567")
    }

    func testSubstringIsNotExact() {
        let s = Scorer.score(output: "number 1234567.", expected: ["1234567"], stop: ".")
        XCTAssertFalse(s.exact)
        XCTAssertTrue(s.containsAll)
    }

    func testWrongAnswerScoresZero() {
        let s = Scorer.score(output: "1234568.", expected: ["1234567"], stop: ".")
        XCTAssertFalse(s.exact)
        XCTAssertEqual(s.found, 0)
    }

    func testMultiValuePartialCredit() {
        let s = Scorer.score(output: "111, 222, 999.", expected: ["111", "222", "333", "444"], stop: ".")
        XCTAssertFalse(s.exact)
        XCTAssertEqual(s.found, 2)
        let trial = TrialScore(answers: [s])
        XCTAssertEqual(trial.score, 0.5, accuracy: 1e-12)
        XCTAssertFalse(trial.correct)
    }

    func testMultiValueExactInAnyOrder() {
        let s = Scorer.score(output: "222, 111 and 333.", expected: ["111", "222", "333"], stop: ".")
        XCTAssertTrue(s.exact)
    }

    func testMultiQueryScoreIsFractionOfAnswers() {
        let a = Scorer.score(output: "1.", expected: ["1"], stop: ".")
        let b = Scorer.score(output: "3.", expected: ["2"], stop: ".")
        let trial = TrialScore(answers: [a, b, a, a])
        XCTAssertEqual(trial.score, 0.75, accuracy: 1e-12)
        XCTAssertFalse(trial.correct)
    }
}
