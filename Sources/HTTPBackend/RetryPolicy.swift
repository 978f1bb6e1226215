import Foundation

/// When and how long to wait before asking a server again: exponential backoff with jitter on
/// transport failures, 408, 429 and 5xx, never shorter than the server's `Retry-After`.
public struct RetryPolicy: Sendable, Equatable {
    /// Requests per answer, the first one included.
    public var maxAttempts: Int
    /// The wait after the first failure; doubles with each further one, up to `maxDelay`.
    public var baseDelay: TimeInterval
    public var maxDelay: TimeInterval

    public init(maxAttempts: Int = 5, baseDelay: TimeInterval = 0.5, maxDelay: TimeInterval = 30) {
        (self.maxAttempts, self.baseDelay, self.maxDelay) = (maxAttempts, baseDelay, maxDelay)
    }

    /// Statuses worth asking again: the server may be busy, restarting or overloaded.
    public static func isRetryable(status: Int) -> Bool { status == 408 || status == 429 || (500..<600).contains(status) }

    /// Seconds to wait before attempt `attempt + 1` (after `attempt` failures, from 1): full
    /// backoff scaled by a random factor in [0.5, 1], and at least `retryAfter`.
    public func delay(afterAttempt attempt: Int, retryAfter: TimeInterval?) -> TimeInterval {
        let backoff = min(maxDelay, baseDelay * pow(2, Double(max(attempt - 1, 0))))
        let jittered = backoff * Double.random(in: 0.5...1)
        return max(jittered, min(retryAfter ?? 0, maxDelay * 4))
    }

    /// A `Retry-After` header: delta seconds or an HTTP date.
    public static func retryAfter(_ header: String?) -> TimeInterval? {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return nil }
        if let seconds = Double(header), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: header).map { max(0, $0.timeIntervalSinceNow) }
    }
}
