/// Storage type of KV caches: f32, or f16 storage with f32 compute.
public enum KVDType: String, Sendable, CaseIterable { case f32, f16 }

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

/// A growable KV cache of rows of `width` = kv heads × head dim. Only the forward pass that owns
/// it appends; attention reads it through `rows`. Capacity is reserved up front (grows ×1.5 if
/// exceeded, copying).
final class KVCache {
    let width: Int
    let dtype: KVDType
    private(set) var capacity: Int
    private(set) var count = 0
    private var k32: FloatBuffer?, v32: FloatBuffer?   // (capacity, width)
    private var k16: HalfBuffer?, v16: HalfBuffer?

    init(width: Int, capacity: Int, dtype: KVDType) {
        self.width = width
        self.dtype = dtype
        self.capacity = 0
        reserve(max(capacity, 1))
    }

    /// Bytes allocated for K and V.
    var bytes: Int { 2 * capacity * width * (dtype == .f32 ? 4 : 2) }

    func reset() { count = 0 }

    /// Forgets rows at positions ≥ `rows` (prefix reuse: rows before stay valid, later appends
    /// overwrite the rest).
    func truncate(to rows: Int) {
        precondition(rows >= 0 && rows <= count, "KV truncate past the cached rows")
        count = rows
    }

    func reserve(_ rows: Int) {
        guard rows > capacity else { return }
        switch dtype {
        case .f32:
            let nk = FloatBuffer(rows * width), nv = FloatBuffer(rows * width)
            if let k32, let v32 {
                nk.ptr.update(from: k32.ptr, count: count * width)
                nv.ptr.update(from: v32.ptr, count: count * width)
            }
            k32 = nk; v32 = nv
        case .f16:
            let nk = HalfBuffer(rows * width), nv = HalfBuffer(rows * width)
            if let k16, let v16 {
                nk.ptr.update(from: k16.ptr, count: count * width)
                nv.ptr.update(from: v16.ptr, count: count * width)
            }
            k16 = nk; v16 = nv
        }
        capacity = rows
    }

    /// Appends `rows` rows of K and V (each `width` floats, strides ldk / ldv).
    func append(k: UnsafePointer<Float>, ldk: Int, v: UnsafePointer<Float>, ldv: Int, rows: Int) {
        if count + rows > capacity { reserve(max(count + rows, capacity + capacity / 2)) }
        switch dtype {
        case .f32:
            copyRows(k32!.ptr + count * width, ldd: width, k, lds: ldk, rows: rows, n: width)
            copyRows(v32!.ptr + count * width, ldd: width, v, lds: ldv, rows: rows, n: width)
        case .f16:
            let dk = k16!.ptr + count * width, dv = v16!.ptr + count * width
            for r in 0..<rows {
                for i in 0..<width {
                    dk[r * width + i] = Float16(k[r * ldk + i])
                    dv[r * width + i] = Float16(v[r * ldv + i])
                }
            }
        }
        count += rows
    }

    /// Appends rows start ..< start+n of `other` (same width and dtype): a base context's rows
    /// reused by a spliced prompt.
    func append(from other: KVCache, start: Int, count n: Int) {
        precondition(other.width == width && other.dtype == dtype && start + n <= other.count, "incompatible KV rows")
        if count + n > capacity { reserve(max(count + n, capacity + capacity / 2)) }
        let dst = count * width, src = start * width, m = n * width
        switch dtype {
        case .f32:
            k32!.ptr.advanced(by: dst).update(from: other.k32!.ptr + src, count: m)
            v32!.ptr.advanced(by: dst).update(from: other.v32!.ptr + src, count: m)
        case .f16:
            k16!.ptr.advanced(by: dst).update(from: other.k16!.ptr + src, count: m)
            v16!.ptr.advanced(by: dst).update(from: other.v16!.ptr + src, count: m)
        }
        count += n
    }

    /// Applies `transform` to K rows start ..< start+n in place, one row at a time as f32
    /// (re-rotating copied keys to their new positions).
    func transformK(start: Int, count n: Int, _ transform: (UnsafeMutablePointer<Float>) -> Void) {
        precondition(start + n <= count, "KV rows out of range")
        switch dtype {
        case .f32:
            for r in start..<(start + n) { transform(k32!.ptr + r * width) }
        case .f16:
            var row = [Float](repeating: 0, count: width)
            row.withUnsafeMutableBufferPointer { buf in
                let f = buf.baseAddress!
                for r in start..<(start + n) {
                    let k = k16!.ptr + r * width
                    halfToFloat(k, f, width)
                    transform(f)
                    for i in 0..<width { k[i] = Float16(f[i]) }
                }
            }
        }
    }

    /// All rows written so far, positions 0 ..< count.
    func rows(headDim: Int) -> KVRows {
        let store: KVRows.Store
        switch dtype {
        case .f32: store = .f32(k: k32!.ptr, v: v32!.ptr)
        case .f16: store = .f16(k: k16!.ptr, v: v16!.ptr)
        }
        return KVRows(store: store, ld: width, headDim: headDim, firstPosition: 0, count: count)
    }
}
