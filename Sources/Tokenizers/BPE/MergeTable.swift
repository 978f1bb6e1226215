/// Which adjacent token pairs merge, into what, and in which order: the heart of BPE, shared by
/// tokenizer.json BPE (ranks = merge list order) and tiktoken (rank = the merged token's rank).
struct MergeTable: Sendable {
    // An open-addressing hash table (linear probing, multiplicative hashing): the lookup runs for
    // every adjacent pair of every piece, and the standard dictionary's SipHash dominated it.
    /// key (left << 32 | right), `empty` where free
    private var keys: [UInt64] = [UInt64](repeating: MergeTable.empty, count: 16)
    /// value (rank << 32 | merged id)
    private var values: [UInt64] = [UInt64](repeating: 0, count: 16)
    private(set) var count = 0
    private static let empty = UInt64.max           // ids are below 2^31, so no key is all ones

    init() {}

    mutating func reserve(_ n: Int) {
        var capacity = 16
        while capacity < 2 * n { capacity <<= 1 }
        if capacity > keys.count { rehash(capacity) }
    }

    @inline(__always) private static func key(_ l: Int32, _ r: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: l)) << 32 | UInt64(UInt32(bitPattern: r))
    }

    @inline(__always) private func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & (keys.count - 1)
    }

    private mutating func rehash(_ capacity: Int) {
        let oldKeys = keys, oldValues = values
        keys = [UInt64](repeating: MergeTable.empty, count: capacity)
        values = [UInt64](repeating: 0, count: capacity)
        count = 0
        for (k, v) in zip(oldKeys, oldValues) where k != MergeTable.empty { store(k, v) }
    }

    private mutating func store(_ key: UInt64, _ value: UInt64) {
        var i = slot(key)
        while keys[i] != MergeTable.empty {
            if keys[i] == key { if value < values[i] { values[i] = value }; return }
            i = (i + 1) & (keys.count - 1)
        }
        keys[i] = key
        values[i] = value
        count += 1
    }

    /// Adds `left right → merged` at `rank` unless the pair already has a lower rank (the first
    /// listing of a pair wins, as in the reference implementations).
    mutating func add(left: Int32, right: Int32, merged: Int32, rank: Int) {
        if 2 * (count + 1) > keys.count { rehash(keys.count * 2) }
        store(MergeTable.key(left, right), UInt64(rank) << 32 | UInt64(UInt32(bitPattern: merged)))
    }

    /// (rank, merged id) of a pair, or nil when it does not merge.
    @inline(__always)
    func lookup(_ left: Int32, _ right: Int32) -> (rank: UInt32, merged: Int32)? {
        let key = MergeTable.key(left, right)
        var i = slot(key)
        while true {
            let k = keys[i]
            if k == key {
                let v = values[i]
                return (UInt32(truncatingIfNeeded: v >> 32), Int32(bitPattern: UInt32(truncatingIfNeeded: v)))
            }
            if k == MergeTable.empty { return nil }
            i = (i + 1) & (keys.count - 1)
        }
    }

    /// Merges `symbols` in place: repeatedly the adjacent pair of lowest rank, the leftmost of
    /// equals, until no pair merges. Short words scan; long ones (a SentencePiece-style text is
    /// one word) use a heap over a linked list, O(n log n).
    func apply(_ symbols: inout [Int32]) {
        if symbols.count < 2 { return }
        if symbols.count <= 48 { applyByScanning(&symbols) } else { applyWithHeap(&symbols) }
    }

    private func applyByScanning(_ s: inout [Int32]) {
        while s.count > 1 {
            var best = UInt32.max, at = -1, merged: Int32 = 0
            for i in 0..<(s.count - 1) {
                if let m = lookup(s[i], s[i + 1]), m.rank < best { best = m.rank; at = i; merged = m.merged }
            }
            if at < 0 { return }
            s[at] = merged
            s.remove(at: at + 1)
        }
    }

    private func applyWithHeap(_ s: inout [Int32]) {
        let n = s.count
        var next = Array(1...n), prev = Array(-1..<(n - 1))   // next[n-1] = n: the end
        var alive = [Bool](repeating: true, count: n)
        var heap = MergeHeap()
        for i in 0..<(n - 1) {
            if let m = lookup(s[i], s[i + 1]) { heap.push(rank: m.rank, position: i, left: s[i], right: s[i + 1]) }
        }
        while let top = heap.pop() {
            let i = top.position
            let j = next[i]
            // Stale entries: a side was merged away or changed since the pair was pushed.
            guard alive[i], j < n, s[i] == top.left, s[j] == top.right, let m = lookup(s[i], s[j]) else { continue }
            s[i] = m.merged
            alive[j] = false
            next[i] = next[j]
            if next[j] < n { prev[next[j]] = i }
            if prev[i] >= 0, let p = lookup(s[prev[i]], s[i]) { heap.push(rank: p.rank, position: prev[i], left: s[prev[i]], right: s[i]) }
            if next[i] < n, let q = lookup(s[i], s[next[i]]) { heap.push(rank: q.rank, position: i, left: s[i], right: s[next[i]]) }
        }
        var out: [Int32] = []
        out.reserveCapacity(n)
        var i = 0
        while i < n { out.append(s[i]); i = next[i] }
        s = out
    }
}

/// A binary min-heap of candidate merges ordered by (rank, position).
private struct MergeHeap {
    struct Entry { var rank: UInt32; var position: Int; var left: Int32; var right: Int32 }
    private var items: [Entry] = []

    @inline(__always) private func less(_ a: Entry, _ b: Entry) -> Bool {
        a.rank != b.rank ? a.rank < b.rank : a.position < b.position
    }

    mutating func push(rank: UInt32, position: Int, left: Int32, right: Int32) {
        items.append(Entry(rank: rank, position: position, left: left, right: right))
        var c = items.count - 1
        while c > 0 {
            let p = (c - 1) / 2
            if !less(items[c], items[p]) { break }
            items.swapAt(c, p); c = p
        }
    }

    mutating func pop() -> Entry? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var p = 0
            while true {
                let l = 2 * p + 1, r = l + 1
                var m = p
                if l < items.count && less(items[l], items[m]) { m = l }
                if r < items.count && less(items[r], items[m]) { m = r }
                if m == p { break }
                items.swapAt(p, m); p = m
            }
        }
        return first
    }
}
