import Foundation

/// Fisher's exact test of a 2 × 2 table: do two runs answer one heatmap cell equally often?
///
/// It conditions on the table's margins and sums hypergeometric probabilities exactly, so it holds
/// its level at the few trials per cell a heatmap has (2 to 10), where a two-proportion z-test's
/// normal approximation does not (and is undefined at 0 or 100% in both runs).
///
///                   correct      wrong
///     first run     a            b
///     second run    c            d
enum FisherExactTest {
    /// The two-sided p-value: the probability, under equal accuracy and these margins, of a table at
    /// most as likely as the observed one (the rule of R's fisher.test and SciPy's fisher_exact).
    /// Nil when a count is negative or a row has no trials.
    static func twoSidedP(a: Int, b: Int, c: Int, d: Int) -> Double? {
        guard a >= 0, b >= 0, c >= 0, d >= 0, a + b > 0, c + d > 0 else { return nil }
        let firstRow = a + b, correct = a + c, total = a + b + c + d
        let lowest = max(0, correct - (total - firstRow)), highest = min(firstRow, correct)
        // log P(X = x) for X ~ Hypergeometric(total, correct, firstRow): the first run's correct count.
        let logNorm = logChoose(total, firstRow)
        func logP(_ x: Int) -> Double {
            logChoose(correct, x) + logChoose(total - correct, firstRow - x) - logNorm
        }
        let observed = logP(a)
        // Tables as likely as the observed one count too; the margin absorbs rounding in lgamma.
        let threshold = observed + log1p(1e-7)
        var p = 0.0
        for x in lowest...highest {
            let lp = logP(x)
            if lp <= threshold { p += exp(lp) }
        }
        return min(1, p)
    }

    /// The smallest p-value any outcome can give with `n1` and `n2` trials: all of one run right and
    /// all of the other wrong. Below 0.05 only from 4 trials a side (2 / C(8, 4) = 0.029).
    static func smallestP(n1: Int, n2: Int) -> Double? {
        twoSidedP(a: n1, b: 0, c: 0, d: n2)
    }

    /// log C(n, k) through the log-gamma function.
    private static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    }
}
