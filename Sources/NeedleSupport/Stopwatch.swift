import Dispatch

/// Wall time since it was started, on the monotonic clock: the one way trials, benchmarks and
/// progress lines measure time.
public struct Stopwatch: Sendable {
    private let start = DispatchTime.now().uptimeNanoseconds
    public init() {}
    public var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
    public var milliseconds: Double { seconds * 1e3 }
}
