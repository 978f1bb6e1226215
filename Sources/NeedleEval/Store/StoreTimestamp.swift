import Foundation

/// Times in the database: ISO 8601 UTC text with milliseconds ("2026-11-28T03:00:00.123Z"), which
/// sorts as it reads and is what the sqlite3 shell shows. Written by hand: it runs for every trial.
public enum StoreTimestamp {
    /// `date` to the nearest millisecond. Nearest, not down: a time `parse` returned is a double
    /// a hair below or above its millisecond, and must format back to the same text.
    public static func format(_ date: Date) -> String {
        let millisTotal = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = time_t(millisTotal >= 0 ? millisTotal / 1000 : (millisTotal - 999) / 1000)
        let millis = Int(millisTotal - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                      Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
    }

    /// Parses what `format` writes ("YYYY-MM-DDTHH:MM:SS.mmmZ", milliseconds optional); nil for
    /// anything else, including a date that does not exist (month 13, February 30): the store
    /// reports nil as an invalid value rather than guessing. Reads fixed positions:
    /// `trials(runID:)` parses two per row.
    public static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count == 20 || b.count == 24, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              b.last == UInt8(ascii: "Z"), b.count == 20 || b[19] == UInt8(ascii: ".") else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for byte in b[from..<(from + count)] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              let millis = b.count == 24 ? number(20, 3) : 0 else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        var seconds = timegm(&parts)
        // timegm normalizes out-of-range fields in place (month 13 is next January): a time
        // that does not come back field for field was not a real one.
        var check = tm()
        gmtime_r(&seconds, &check)
        guard check.tm_year == Int32(year - 1900), check.tm_mon == Int32(month - 1), check.tm_mday == Int32(day),
              check.tm_hour == Int32(hour), check.tm_min == Int32(minute), check.tm_sec == Int32(second)
        else { return nil }
        // Whole milliseconds divided once: the double nearest the written time, the same one
        // `Date(timeIntervalSince1970: 1_800_000_000.007)` holds.
        return Date(timeIntervalSince1970: Double(Int64(seconds) * 1000 + Int64(millis)) / 1000)
    }
}
