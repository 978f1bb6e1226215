/// An owned, zero-initialised array with a stable address: hot loops use the raw pointer, and
/// the memory is freed with the owner. f32 for activations and weights, f16 for half-size KV.
final class Buffer<Element: BitwiseCopyable> {
    let ptr: UnsafeMutablePointer<Element>
    let count: Int

    init(_ count: Int) {
        self.count = max(count, 1)          // never empty: callers may take a base address
        // 64-byte aligned whatever the element, so byte buffers can hold f32/f16 rows (KV cache).
        let raw = UnsafeMutableRawPointer.allocate(byteCount: self.count * MemoryLayout<Element>.stride, alignment: 64)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: self.count * MemoryLayout<Element>.stride)
        ptr = raw.bindMemory(to: Element.self, capacity: self.count)
    }

    /// Not zeroed, so pages stay untouched (not resident) until written: for storage whose
    /// elements are always written before they are read (KV cache rows below `count`).
    init(uninitialized count: Int) {
        self.count = max(count, 1)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: self.count * MemoryLayout<Element>.stride, alignment: 64)
        ptr = raw.bindMemory(to: Element.self, capacity: self.count)
    }

    deinit { ptr.deallocate() }

    var bytes: Int { count * MemoryLayout<Element>.stride }

    func zero() { UnsafeMutableRawPointer(ptr).initializeMemory(as: UInt8.self, repeating: 0, count: bytes) }
}

typealias FloatBuffer = Buffer<Float>
