import Foundation

/// How the report prints its numbers, the same in the HTML page, its tooltips and the Markdown.
enum ReportNumber {
    /// Accuracy with 3 decimals, as the CSV exports print it; empty without trials.
    static func accuracy(correct: Int, trials: Int) -> String {
        trials == 0 ? "" : String(format: "%.3f", Double(correct) / Double(trials))
    }

    /// The Wilson 95% interval, `0.764–0.991`; empty without trials.
    static func interval(correct: Int, trials: Int) -> String {
        guard let w = WilsonInterval(successes: correct, trials: trials) else { return "" }
        return String(format: "%.3f–%.3f", w.low, w.high)
    }

    /// `0.950 (19/20; 95% CI 0.764–0.991)`: a point of a chart or a cell of a wide table.
    static func accuracyWithInterval(correct: Int, trials: Int) -> String {
        guard trials > 0 else { return "no trials" }
        return "\(accuracy(correct: correct, trials: trials)) (\(correct)/\(trials); 95% CI \(interval(correct: correct, trials: trials)))"
    }

    /// A difference of accuracies with its sign: `+0.600`, `-0.250`, and `0.000` without one.
    static func difference(_ value: Double, decimals: Int = 3) -> String {
        let text = String(format: "%+.\(decimals)f", value)
        let zero = String(format: "%.\(decimals)f", 0.0)
        return text.dropFirst() == zero ? zero : text
    }

    /// A p-value: 3 significant digits, in exponent form below 0.001 (`0.00794`, `3.25e-05`, `1`).
    static func p(_ value: Double) -> String {
        if value >= 1 { return "1" }
        return value < 0.001 ? String(format: "%.2e", value) : String(format: "%.3g", value)
    }

    /// Milliseconds with one decimal.
    static func milliseconds(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Seconds with one decimal, as `run` prints a run's time.
    static func seconds(_ value: Double) -> String { String(format: "%.1f s", value) }
}
