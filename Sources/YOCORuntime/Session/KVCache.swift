/// Storage type of KV caches: f32, or f16 storage with f32 compute.
public enum KVDType: String, Sendable, Codable, CaseIterable { case f32, f16 }

/// A read-only view of K and V rows for attention: row r holds position firstPosition + r,
/// kv head h occupies columns h·headDim ..< (h+1)·headDim of each row.
struct KVRows {
    enum Store {
        case f32(k: UnsafePointer<Float>, v: UnsafePointer<Float>)
        case f16(k: UnsafePointer<Float16>, v: UnsafePointer<Float16>)
    }
    let store: Store
    let ld: Int              // elements between consecutive rows
    let headDim: Int
    let firstPosition: Int
    let count: Int

    /// K and V of kv head `head`, rows row ..< row+n, as f32 with their row stride. f32 storage is
    /// read in place; f16 is converted into the scratch tiles (n, headDim).
    @inline(__always)
    func tile(head: Int, row: Int, n: Int, kScratch: UnsafeMutablePointer<Float>,
              vScratch: UnsafeMutablePointer<Float>) -> (k: UnsafePointer<Float>, v: UnsafePointer<Float>, ld: Int) {
        let offset = row * ld + head * headDim
        switch store {
        case let .f32(k, v):
            return (k + offset, v + offset, ld)
        case let .f16(k, v):
            for r in 0..<n {
                halfToFloat(k + offset + r * ld, kScratch + r * headDim, headDim)
                halfToFloat(v + offset + r * ld, vScratch + r * headDim, headDim)
            }
            return (UnsafePointer(kScratch), UnsafePointer(vScratch), headDim)
        }
    }
}

/// f16 → f32 by bit manipulation (vectorizes; the CPU's F16C is not in the default target).
/// Normal and subnormal values are exact: the exponent is rebased by multiplying by 2^112.
@inline(__always)
func halfToFloat(_ src: UnsafePointer<Float16>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
    src.withMemoryRebound(to: UInt16.self, capacity: n) { bits in
        for i in 0..<n {
            let h = UInt32(bits[i])
            let magnitude = Float(bitPattern: (h & 0x7fff) << 13) * 0x1p112
            let infNaN: UInt32 = (h & 0x7c00) == 0x7c00 ? 0x7f80_0000 : 0
            dst[i] = Float(bitPattern: magnitude.bitPattern | infNaN | ((h & 0x8000) << 16))
        }
    }
}

/// How K and V are stored (f32 or f16) and converted to and from the f32 the kernels compute in.
protocol KVElement: BitwiseCopyable {
    static func store(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Self>, count: Int)
    static func load(_ src: UnsafePointer<Self>, into dst: UnsafeMutablePointer<Float>, count: Int)
}

extension Float: KVElement {
    static func store(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) { dst.update(from: src, count: count) }
    static func load(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) { dst.update(from: src, count: count) }
}

extension Float16: KVElement {
    static func store(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float16>, count: Int) {
        for i in 0..<count { dst[i] = Float16(src[i]) }
    }
    static func load(_ src: UnsafePointer<Float16>, into dst: UnsafeMutablePointer<Float>, count: Int) { halfToFloat(src, dst, count) }
}

/// A growable KV cache of rows of `width` = kv heads × head dim. Only the forward pass that owns
/// it appends; attention reads it through `rows`. Capacity is reserved up front (grows ×1.5 if
/// exceeded, copying). Rows are kept as raw bytes of the storage type, so copying and growing do
/// not depend on it; only conversions to and from f32 do.
final class KVCache {
    let width: Int
    let dtype: KVDType
    private(set) var capacity: Int
    private(set) var count = 0
    private var k = Buffer<UInt8>(0), v = Buffer<UInt8>(0)   // (capacity, width) elements each

    init(width: Int, capacity: Int, dtype: KVDType) {
        self.width = width
        self.dtype = dtype
        self.capacity = 0
        reserve(max(capacity, 1))
    }

    /// Bytes per stored row of K (or V).
    var rowBytes: Int { width * dtype.bytesPerElement }

    /// Bytes allocated for K and V.
    var bytes: Int { 2 * capacity * rowBytes }

    /// Bytes a cache of `rows` rows of `width` allocates (the memory estimate reads this).
    static func bytes(rows: Int, width: Int, dtype: KVDType) -> Int { 2 * rows * width * dtype.bytesPerElement }

    func reset() { count = 0 }

    /// Forgets rows at positions ≥ `rows` (prefix reuse: rows before stay valid, later appends
    /// overwrite the rest).
    func truncate(to rows: Int) {
        precondition(rows >= 0 && rows <= count, "KV truncate past the cached rows")
        count = rows
    }

    func reserve(_ rows: Int) {
        guard rows > capacity else { return }
        let nk = Buffer<UInt8>(rows * rowBytes), nv = Buffer<UInt8>(rows * rowBytes)
        nk.ptr.update(from: k.ptr, count: count * rowBytes)
        nv.ptr.update(from: v.ptr, count: count * rowBytes)
        k = nk; v = nv
        capacity = rows
    }

    /// Appends `rows` rows of K and V (each `width` floats, strides ldk / ldv).
    func append(k kSrc: UnsafePointer<Float>, ldk: Int, v vSrc: UnsafePointer<Float>, ldv: Int, rows: Int) {
        if count + rows > capacity { reserve(max(count + rows, capacity + capacity / 2)) }
        func store<E: KVElement>(_: E.Type) {
            let dk = element(k, E.self) + count * width, dv = element(v, E.self) + count * width
            for r in 0..<rows {
                E.store(kSrc + r * ldk, into: dk + r * width, count: width)
                E.store(vSrc + r * ldv, into: dv + r * width, count: width)
            }
        }
        switch dtype {
        case .f32: store(Float.self)
        case .f16: store(Float16.self)
        }
        count += rows
    }

    /// Appends rows start ..< start+n of `other` (same width and dtype): a base context's rows
    /// reused by a spliced prompt.
    func append(from other: KVCache, start: Int, count n: Int) {
        precondition(other.width == width && other.dtype == dtype && start + n <= other.count, "incompatible KV rows")
        if count + n > capacity { reserve(max(count + n, capacity + capacity / 2)) }
        (k.ptr + count * rowBytes).update(from: other.k.ptr + start * rowBytes, count: n * rowBytes)
        (v.ptr + count * rowBytes).update(from: other.v.ptr + start * rowBytes, count: n * rowBytes)
        count += n
    }

    /// Applies `transform` to K rows start ..< start+n in place, one row at a time as f32
    /// (re-rotating copied keys to their new positions).
    func transformK(start: Int, count n: Int, _ transform: (UnsafeMutablePointer<Float>) -> Void) {
        precondition(start + n <= count, "KV rows out of range")
        let row = FloatBuffer(width)
        func apply<E: KVElement>(_: E.Type) {
            for r in start..<(start + n) {
                let stored = element(k, E.self) + r * width
                E.load(stored, into: row.ptr, count: width)
                transform(row.ptr)
                E.store(row.ptr, into: stored, count: width)
            }
        }
        switch dtype {
        case .f32: apply(Float.self)
        case .f16: apply(Float16.self)
        }
    }

    /// All rows written so far, positions 0 ..< count.
    func rows(headDim: Int) -> KVRows {
        let store: KVRows.Store
        switch dtype {
        case .f32: store = .f32(k: element(k, Float.self), v: element(v, Float.self))
        case .f16: store = .f16(k: element(k, Float16.self), v: element(v, Float16.self))
        }
        return KVRows(store: store, ld: width, headDim: headDim, firstPosition: 0, count: count)
    }

    private func element<E>(_ buffer: Buffer<UInt8>, _: E.Type) -> UnsafeMutablePointer<E> {
        UnsafeMutableRawPointer(buffer.ptr).assumingMemoryBound(to: E.self)
    }
}

extension KVDType {
    var bytesPerElement: Int { self == .f32 ? 4 : 2 }
}
