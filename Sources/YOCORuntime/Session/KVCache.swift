/// Storage type of KV caches: f32, or f16 storage with f32 compute.
public enum KVDType: String, Sendable, Codable, CaseIterable { case f32, f16 }

/// A read-only view of K and V rows for attention: row r holds position firstPosition + r,
/// kv head h occupies columns h·headDim ..< (h+1)·headDim of each row. The rows may live in
/// several places (segments, in row order): a spliced prompt's cache references a base context's
/// rows where they are the same instead of copying them.
struct KVRows {
    enum Store {
        case f32(k: UnsafePointer<Float>, v: UnsafePointer<Float>)
        case f16(k: UnsafePointer<Float16>, v: UnsafePointer<Float16>)
    }
    /// Rows start ..< start+count of the view, stored from `store` on with stride `ld`.
    struct Segment {
        let store: Store
        let ld: Int
        let start: Int
        let count: Int
    }
    let segments: [Segment]
    let headDim: Int
    let firstPosition: Int
    let count: Int

    /// One contiguous block of rows.
    init(store: Store, ld: Int, headDim: Int, firstPosition: Int, count: Int) {
        self.init(segments: [Segment(store: store, ld: ld, start: 0, count: count)], headDim: headDim,
                  firstPosition: firstPosition, count: count)
    }

    init(segments: [Segment], headDim: Int, firstPosition: Int, count: Int) {
        self.segments = segments
        self.headDim = headDim
        self.firstPosition = firstPosition
        self.count = count
    }

    /// The segment holding row `row` (binary search: a spliced cache has a few dozen at most).
    @inline(__always)
    private func segment(containing row: Int) -> Segment {
        var lo = 0, hi = segments.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if segments[mid].start <= row { lo = mid } else { hi = mid - 1 }
        }
        return segments[lo]
    }

    /// Key tiles covering rows lo ..< hi, each at most `size` rows and inside one segment, so a
    /// tile is one pointer and one stride.
    func tiles(from lo: Int, to hi: Int, size: Int) -> [(row: Int, n: Int)] {
        var out: [(row: Int, n: Int)] = []
        out.reserveCapacity((hi - lo) / max(1, size) + segments.count)
        var row = lo
        while row < hi {
            let seg = segment(containing: row)
            let n = min(size, hi - row, seg.start + seg.count - row)
            out.append((row, n))
            row += n
        }
        return out
    }

    /// K of kv head `head`, rows row ..< row+n (inside one segment), as f32 with its row stride.
    /// f32 storage is read in place; f16 is converted into `scratch` (n, headDim).
    @inline(__always)
    func keys(head: Int, row: Int, n: Int, scratch: UnsafeMutablePointer<Float>) -> (UnsafePointer<Float>, ld: Int) {
        part(keys: true, head: head, row: row, n: n, scratch: scratch)
    }

    /// V of kv head `head`, rows row ..< row+n, as `keys`.
    @inline(__always)
    func values(head: Int, row: Int, n: Int, scratch: UnsafeMutablePointer<Float>) -> (UnsafePointer<Float>, ld: Int) {
        part(keys: false, head: head, row: row, n: n, scratch: scratch)
    }

    @inline(__always)
    private func part(keys: Bool, head: Int, row: Int, n: Int, scratch: UnsafeMutablePointer<Float>) -> (UnsafePointer<Float>, ld: Int) {
        let seg = segments.count == 1 ? segments[0] : segment(containing: row)
        precondition(row + n <= seg.start + seg.count, "KV tile across a segment boundary")
        let ld = seg.ld, offset = (row - seg.start) * ld + head * headDim
        switch seg.store {
        case let .f32(k, v):
            return ((keys ? k : v) + offset, ld)
        case let .f16(k, v):
            let src = (keys ? k : v) + offset
            for r in 0..<n { halfToFloat(src + r * ld, scratch + r * headDim, headDim) }
            return (UnsafePointer(scratch), headDim)
        }
    }
}

/// f16 → f32, exact for every bit pattern. The runtime is compiled for x86-64-v3 (Package.swift),
/// which has F16C, so this loop becomes vcvtph2ps, 8 values per instruction.
@inline(__always)
func halfToFloat(_ src: UnsafePointer<Float16>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
    for i in 0..<n { dst[i] = Float(src[i]) }
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
/// it appends; attention reads it through `rows`. Its rows are its own (appended: stored here) or
/// references to another cache's rows (`append(from:)`: a spliced prompt reuses a base context's
/// rows without copying them, so a whole grid holds one copy of the haystack's KV). Own capacity
/// is reserved up front (grows ×1.5 if exceeded, copying) and left untouched until written, so
/// rows never written cost address space, not memory. Rows are raw bytes of the storage type:
/// copying and growing do not depend on it, only conversions to and from f32 do.
final class KVCache {
    let width: Int
    let dtype: KVDType
    private(set) var capacity: Int
    /// Rows in the cache, own and referenced.
    private(set) var count = 0
    /// Rows stored in this cache's own buffers: own pieces are in storage order, so the last one ends there.
    var ownedRows: Int { pieces.last { $0.source == nil }.map { $0.from + $0.count } ?? 0 }
    private var k = Buffer<UInt8>(0), v = Buffer<UInt8>(0)   // (capacity, width) elements each

    /// Rows start ..< start+count of the cache are rows from ..< from+count of `source`'s own
    /// buffers (nil: this cache's). Pieces are in row order and cover 0 ..< count.
    private struct Piece {
        var source: KVCache?
        var from: Int
        var start: Int
        var count: Int
    }
    private var pieces: [Piece] = []

    init(width: Int, capacity: Int, dtype: KVDType) {
        self.width = width
        self.dtype = dtype
        self.capacity = 0
        reserve(max(capacity, 1))
    }

    /// Bytes per stored row of K (or V).
    var rowBytes: Int { width * dtype.bytesPerElement }

    /// Bytes allocated for K and V (own rows; referenced rows belong to their cache).
    var bytes: Int { 2 * capacity * rowBytes }

    /// Bytes a cache of `rows` rows of `width` allocates (the memory estimate reads this).
    static func bytes(rows: Int, width: Int, dtype: KVDType) -> Int { 2 * rows * width * dtype.bytesPerElement }

    /// Empties the cache and lets go of referenced caches.
    func reset() {
        count = 0
        pieces.removeAll(keepingCapacity: true)
    }

    /// Forgets rows at positions ≥ `rows` (prefix reuse: rows before stay valid, later appends
    /// overwrite the rest).
    func truncate(to rows: Int) {
        precondition(rows >= 0 && rows <= count, "KV truncate past the cached rows")
        while let last = pieces.last, last.start >= rows { pieces.removeLast() }
        if let last = pieces.last, last.start + last.count > rows { pieces[pieces.count - 1].count = rows - last.start }
        count = rows
    }

    func reserve(_ rows: Int) {
        guard rows > capacity else { return }
        let nk = Buffer<UInt8>(uninitialized: rows * rowBytes), nv = Buffer<UInt8>(uninitialized: rows * rowBytes)
        nk.ptr.update(from: k.ptr, count: ownedRows * rowBytes)
        nv.ptr.update(from: v.ptr, count: ownedRows * rowBytes)
        k = nk; v = nv
        capacity = rows
    }

    /// Records `n` new rows at the end: own rows at ownedRows (source nil) or another cache's.
    private func extend(source: KVCache?, from: Int, count n: Int) {
        if let last = pieces.last, last.source === source, last.from + last.count == from {
            pieces[pieces.count - 1].count += n
        } else {
            pieces.append(Piece(source: source, from: from, start: count, count: n))
        }
        count += n
    }

    /// Appends `rows` rows of K and V (each `width` floats, strides ldk / ldv).
    func append(k kSrc: UnsafePointer<Float>, ldk: Int, v vSrc: UnsafePointer<Float>, ldv: Int, rows: Int) {
        let at = ownedRows
        if at + rows > capacity { reserve(max(at + rows, capacity + capacity / 2)) }
        func store<E: KVElement>(_: E.Type) {
            let dk = element(k, E.self) + at * width, dv = element(v, E.self) + at * width
            for r in 0..<rows {
                E.store(kSrc + r * ldk, into: dk + r * width, count: width)
                E.store(vSrc + r * ldv, into: dv + r * width, count: width)
            }
        }
        switch dtype {
        case .f32: store(Float.self)
        case .f16: store(Float16.self)
        }
        extend(source: nil, from: at, count: rows)
    }

    /// The own-buffer runs behind rows start ..< start+n: (cache owning them, first own row, rows).
    private func runs(start: Int, count n: Int) -> [(owner: KVCache, from: Int, count: Int)] {
        precondition(start >= 0 && start + n <= count, "KV rows out of range")
        var out: [(owner: KVCache, from: Int, count: Int)] = []
        for p in pieces where p.start + p.count > start && p.start < start + n {
            let lo = max(start, p.start), hi = min(start + n, p.start + p.count)
            out.append((p.source ?? self, p.from + lo - p.start, hi - lo))
        }
        return out
    }

    /// Appends rows start ..< start+n of `other` (same width and dtype) as references: nothing is
    /// copied. `other` must not change those rows afterwards (a `SpliceBase`'s cache never does).
    func append(from other: KVCache, start: Int, count n: Int) {
        precondition(other.width == width && other.dtype == dtype && start + n <= other.count, "incompatible KV rows")
        for run in other.runs(start: start, count: n) {
            extend(source: run.owner === self ? nil : run.owner, from: run.from, count: run.count)
        }
    }

    /// Appends a copy of rows start ..< start+n of `other` as own rows (to be changed in place:
    /// keys re-rotated to new positions).
    func appendCopy(from other: KVCache, start: Int, count n: Int) {
        precondition(other.width == width && other.dtype == dtype && start + n <= other.count, "incompatible KV rows")
        let first = ownedRows
        if first + n > capacity { reserve(max(first + n, capacity + capacity / 2)) }
        var at = first
        for run in other.runs(start: start, count: n) {
            (k.ptr + at * rowBytes).update(from: run.owner.k.ptr + run.from * rowBytes, count: run.count * rowBytes)
            (v.ptr + at * rowBytes).update(from: run.owner.v.ptr + run.from * rowBytes, count: run.count * rowBytes)
            at += run.count
        }
        extend(source: nil, from: first, count: n)
    }

    /// Applies `transform` to K rows start ..< start+n in place, one row at a time as f32
    /// (re-rotating copied keys to their new positions). The rows must be own rows.
    func transformK(start: Int, count n: Int, _ transform: (UnsafeMutablePointer<Float>) -> Void) {
        let row = FloatBuffer(width)
        for run in runs(start: start, count: n) {
            precondition(run.owner === self, "only own KV rows can be changed")
            func apply<E: KVElement>(_: E.Type) {
                for r in run.from..<(run.from + run.count) {
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
    }

    /// All rows written so far, positions 0 ..< count.
    func rows(headDim: Int) -> KVRows {
        KVRows(segments: pieces.map { segment($0, start: $0.start) }, headDim: headDim, firstPosition: 0, count: count)
    }

    /// This cache's rows split for batched decode (`attendBatch`): the ranges of `shared`'s rows
    /// it references (ascending; `shared` must hold only its own rows, as a `SpliceBase`'s cache
    /// does) and a view of all its other rows (nil when there are none). Their positions are
    /// not kept: a decode token sees every row of its context, in any order.
    func rows(headDim: Int, sharedWith shared: KVCache) -> (shared: [Range<Int>], own: KVRows?) {
        precondition(shared.pieces.allSatisfy { $0.source == nil && $0.from == $0.start }, "a shared cache holds its own rows only")
        var ranges: [Range<Int>] = [], others: [KVRows.Segment] = []
        var ownCount = 0
        for p in pieces {
            if p.source === shared {
                if let last = ranges.last, last.upperBound == p.from {
                    ranges[ranges.count - 1] = last.lowerBound..<(p.from + p.count)
                } else {
                    ranges.append(p.from..<(p.from + p.count))
                }
            } else {
                others.append(segment(p, start: ownCount))
                ownCount += p.count
            }
        }
        let own = ownCount > 0 ? KVRows(segments: others, headDim: headDim, firstPosition: 0, count: ownCount) : nil
        return (ranges, own)
    }

    /// The view segment of `piece`, as rows start ..< start+count.
    private func segment(_ p: Piece, start: Int) -> KVRows.Segment {
        let owner = p.source ?? self
        let store: KVRows.Store
        switch dtype {
        case .f32: store = .f32(k: owner.element(owner.k, Float.self) + p.from * width, v: owner.element(owner.v, Float.self) + p.from * width)
        case .f16: store = .f16(k: owner.element(owner.k, Float16.self) + p.from * width, v: owner.element(owner.v, Float16.self) + p.from * width)
        }
        return KVRows.Segment(store: store, ld: width, start: start, count: p.count)
    }

    private func element<E>(_ buffer: Buffer<UInt8>, _: E.Type) -> UnsafeMutablePointer<E> {
        UnsafeMutableRawPointer(buffer.ptr).assumingMemoryBound(to: E.self)
    }
}

extension KVDType {
    var bytesPerElement: Int { self == .f32 ? 4 : 2 }
}
