import Foundation

/// Times in the database: ISO 8601 UTC text with milliseconds ("2026-11-28T03:00:00.123Z"), which
/// sorts as it reads and is what the sqlite3 shell shows. Written by hand: it runs for every trial.
public enum StoreTimestamp {
    public static func format(_ date: Date) -> String {
        let millisTotal = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(millisTotal >= 0 ? millisTotal / 1000 : (millisTotal - 999) / 1000)
        let millis = Int(millisTotal - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                      Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
    }

    /// Parses what `format` writes (milliseconds optional); nil for anything else.
    public static func parse(_ text: String) -> Date? {
        let fields = text.split(whereSeparator: { "-T:.Z".contains($0) }).map { Int($0) }
        guard text.hasSuffix("Z"), fields.count == 6 || fields.count == 7,
              fields.allSatisfy({ $0 != nil }) else { return nil }
        let f = fields.map { $0! }
        var parts = tm()
        parts.tm_year = Int32(f[0] - 1900)
        parts.tm_mon = Int32(f[1] - 1)
        parts.tm_mday = Int32(f[2])
        parts.tm_hour = Int32(f[3])
        parts.tm_min = Int32(f[4])
        parts.tm_sec = Int32(f[5])
        let seconds = timegm(&parts)
        let millis = fields.count == 7 ? Double(f[6]) / 1000 : 0
        return Date(timeIntervalSince1970: Double(seconds) + millis)
    }
}
