import NeedleSupport

/// Why a run against a server cannot go on. Each names the flag or endpoint and what to do.
public enum HTTPBackendError: Error, CustomStringConvertible, UsageProblem {
    /// A flag value that cannot work (exit 2).
    case badFlag(flag: String, message: String)
    /// The server refused a request in a way retrying cannot fix (a 4xx other than 408 and 429).
    case rejected(endpoint: String, status: Int, message: String)
    /// The server is unreachable or keeps failing while the run is being set up.
    case unreachable(endpoint: String, detail: String)
    /// The server answered with something that is not what the endpoint returns.
    case malformedReply(endpoint: String, detail: String)
    /// A cell whose prompt and answers cannot fit the server's context.
    case contextTooSmall(message: String)

    public var description: String {
        switch self {
        case .badFlag(let flag, let message):
            return "\(flag): \(message)"
        case .rejected(let endpoint, let status, let message):
            return "\(endpoint) was refused with HTTP \(status): \(message)"
        case .unreachable(let endpoint, let detail):
            return "\(endpoint) did not answer (\(detail)); is the server running at --base-url?"
        case .malformedReply(let endpoint, let detail):
            return "\(endpoint) answered with something needle-eval cannot read: \(detail)"
        case .contextTooSmall(let message):
            return message
        }
    }
}
