/// An owned, zero-initialised f32 array with a stable address (hot loops use the raw pointer).
final class FloatBuffer {
    let ptr: UnsafeMutablePointer<Float>
    let count: Int

    init(_ count: Int) {
        self.count = max(count, 1)
        ptr = .allocate(capacity: self.count)
        ptr.initialize(repeating: 0, count: self.count)
    }

    deinit { ptr.deallocate() }

    func zero() { ptr.update(repeating: 0, count: count) }
}

/// An owned f16 array (KV cache storage when SessionOptions.kvDType == .f16).
final class HalfBuffer {
    let ptr: UnsafeMutablePointer<Float16>
    let count: Int

    init(_ count: Int) {
        self.count = max(count, 1)
        ptr = .allocate(capacity: self.count)
        ptr.initialize(repeating: 0, count: self.count)
    }

    deinit { ptr.deallocate() }
}

/// SplitMix64: a small deterministic generator for random weights and bench tokens.
public struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    mutating func symmetric() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
}
