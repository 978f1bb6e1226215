/// An error in what the user asked for (a flag value, a file named on the command line, a grid
/// that cannot fit): the command line exits with status 2 for these, like most Unix tools, and 1
/// for other failures.
public protocol UsageProblem: Error, CustomStringConvertible {}

/// A usage problem described by its message alone.
public struct UsageError: UsageProblem, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
