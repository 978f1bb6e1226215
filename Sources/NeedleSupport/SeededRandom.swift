/// SplitMix64: a small, fast, well-mixed generator whose whole state is one integer, so any trial
/// can be rebuilt alone from its seed (resume and sharding depend on it).
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    /// A generator for one cell of a grid: seeded from (seed, length, depth, trial) only.
    public init(seed: UInt64, length: Int, depth: Int, trial: Int) {
        var s = SeededRandom.mix(seed ^ 0x6E65_6564_6C65_2D65)  // "needle-e"
        for part in [UInt64(length), UInt64(depth), UInt64(trial)] { s = SeededRandom.mix(s ^ part) }
        state = s
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SeededRandom.mix(state)
    }

    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform integer in 0..<bound without modulo bias worth caring about (bound ≪ 2^64).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// Uniform in [-1, 1), on a 2^-23 grid (random weights and benchmark inputs).
    public mutating func symmetric() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
}
