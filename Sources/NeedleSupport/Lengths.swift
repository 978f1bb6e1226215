/// Context lengths in tokens: `K` = 1,024 and `M` = 1,048,576 (so `1M` = 2^20, as in the YOCO paper).
public enum Lengths {
    /// Parses "1K", "64k", "1M", "4096"; nil when malformed or not positive.
    public static func parse(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let last = t.last else { return nil }
        var multiplier = 1
        var digits = Substring(t)
        switch last {
        case "K", "k": multiplier = 1024; digits = t.dropLast()
        case "M", "m": multiplier = 1_048_576; digits = t.dropLast()
        default: break
        }
        guard let n = Int(digits), n > 0 else { return nil }
        let (value, overflow) = n.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : value
    }

    /// Parses a comma-separated list ("4K,64K,1M"); the error names `flag` and the bad entry.
    public static func parseList(_ text: String, flag: String) throws -> [Int] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map {
            guard let n = parse(String($0)) else { throw LengthListError(flag: flag, entry: String($0)) }
            return n
        }
    }

    /// The shortest label: 1048576 → "1M", 65536 → "64K", 1000 → "1000".
    public static func label(_ n: Int) -> String {
        if n >= 1_048_576 && n % 1_048_576 == 0 { return "\(n / 1_048_576)M" }
        if n >= 1024 && n % 1024 == 0 { return "\(n / 1024)K" }
        return "\(n)"
    }

    /// The default grid of `--length L`: 1K, 2K, 4K, … doubling up to L (L itself included).
    public static func doublingGrid(upTo maximum: Int) -> [Int] {
        var grid: [Int] = []
        var n = 1024
        while n < maximum { grid.append(n); n *= 2 }
        grid.append(maximum)
        return grid
    }
}

/// A length list entry that is not a length.
public struct LengthListError: Error, CustomStringConvertible, Sendable {
    public let flag: String
    public let entry: String
    public var description: String {
        "\(flag) entry '\(entry)' is not a length; use positive token counts like 4096, 64K or 1M"
    }
}

import Foundation
