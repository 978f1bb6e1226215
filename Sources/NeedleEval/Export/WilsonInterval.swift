import Foundation

/// The Wilson score interval for a binomial proportion: better than p ± z·se for small counts
/// and for accuracies near 0 or 1, where most heatmap cells live.
public struct WilsonInterval: Equatable, Sendable {
    public var low: Double
    public var high: Double

    /// The interval for `successes` out of `trials`; z = 1.96 gives 95%. Nil when `trials` is 0.
    public init?(successes: Int, trials: Int, z: Double = 1.96) {
        guard trials > 0, successes >= 0, successes <= trials else { return nil }
        let n = Double(trials)
        let p = Double(successes) / n
        let z2 = z * z
        let denominator = 1 + z2 / n
        let center = (p + z2 / (2 * n)) / denominator
        let half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        low = max(0, center - half)
        high = min(1, center + half)
    }
}
