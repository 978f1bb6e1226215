/// BPE over bytes: a piece's bytes map to single-byte token ids, then merge by rank. Serves
/// byte-level tokenizer.json models (GPT-2, Llama 3, Qwen 2 …) and tiktoken files alike. Pieces
/// seen before come from a cache (natural text repeats its words), looked up without allocating.
final class BytePairEncoder: @unchecked Sendable {   // `cache` only under `lock`
    /// (256) token id of each single byte; -1 for a byte the vocabulary lacks, which is dropped
    /// before merging (as the reference drops a character without a token and no unk_token)
    let byteTokens: [Int32]
    let lacksBytes: Bool
    let merges: MergeTable
    /// Whole pieces that are tokens: emitted as they are, without merging (tiktoken always,
    /// tokenizer.json with `ignore_merges`).
    let wholePieces: [ByteKey: Int32]
    private var cache = PieceCache()
    private let lock = NSLockLike()

    init(byteTokens: [Int32], merges: MergeTable, wholePieces: [[UInt8]: Int32]) {
        precondition(byteTokens.count == 256)
        self.byteTokens = byteTokens
        lacksBytes = byteTokens.contains { $0 < 0 }
        self.merges = merges
        var whole: [ByteKey: Int32] = [:]
        whole.reserveCapacity(wholePieces.count)
        for (bytes, id) in wholePieces { whole[ByteKey(bytes)] = id }
        self.wholePieces = whole
    }

    /// Appends the tokens of the pieces `ranges` of `text` (UTF-8) to `out`, in order.
    func encode(_ text: UnsafeBufferPointer<UInt8>, pieces ranges: [Range<Int>], into out: inout [Int32]) {
        lock.withLock {
            for r in ranges { encodePiece(UnsafeBufferPointer(rebasing: text[r]), into: &out) }
        }
    }

    private func encodePiece(_ piece: UnsafeBufferPointer<UInt8>, into out: inout [Int32]) {
        if piece.count == 1 {
            let id = byteTokens[Int(piece[0])]
            if id >= 0 { out.append(id) }
            return
        }
        let cacheable = piece.count <= 64
        let hash = cacheable ? PieceCache.hash(piece) : 0
        if cacheable, let hit = cache.lookup(piece, hash: hash) { out.append(contentsOf: hit); return }
        if let whole = wholePieces[ByteKey(Array(piece))] {
            out.append(whole)
            if cacheable { cache.insert(piece, hash: hash, ids: [whole]) }
            return
        }
        var symbols = piece.map { byteTokens[Int($0)] }
        if lacksBytes { symbols.removeAll { $0 < 0 } }
        merges.apply(&symbols)
        if cacheable { cache.insert(piece, hash: hash, ids: symbols) }
        out.append(contentsOf: symbols)
    }
}

/// Tokens of pieces seen before: a direct-mapped table indexed by a 64-bit hash of the bytes,
/// each slot checked byte for byte (a colliding piece simply replaces the slot's entry). Fixed
/// size, so memory is bounded, and no dictionary hashing on the hot path.
struct PieceCache {
    private static let slots = 1 << 17
    private var hashes = [UInt64](repeating: 0, count: PieceCache.slots)
    private var keys = [[UInt8]](repeating: [], count: PieceCache.slots)
    private var ids = [[Int32]](repeating: [], count: PieceCache.slots)

    /// FNV-1a over the bytes.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h | 1                                  // 0 marks an empty slot
    }

    @inline(__always) private func slot(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: (hash ^ (hash >> 29)) & UInt64(PieceCache.slots - 1)) }

    func lookup(_ piece: UnsafeBufferPointer<UInt8>, hash: UInt64) -> [Int32]? {
        let s = slot(hash)
        guard hashes[s] == hash, keys[s].count == piece.count else { return nil }
        let same = keys[s].withUnsafeBytes { memcmp($0.baseAddress!, piece.baseAddress!, piece.count) == 0 }
        return same ? ids[s] : nil
    }

    mutating func insert(_ piece: UnsafeBufferPointer<UInt8>, hash: UInt64, ids tokens: [Int32]) {
        let s = slot(hash)
        hashes[s] = hash
        keys[s] = Array(piece)
        ids[s] = tokens
    }
}

import Foundation

/// Bytes as a dictionary key, hashed in one call (an array of bytes hashes byte by byte).
struct ByteKey: Hashable, Sendable {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    init<S: StringProtocol>(_ text: S) { bytes = Array(text.utf8) }
    init(_ scalar: Unicode.Scalar) { bytes = Array(String(Character(scalar)).utf8) }
    func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
    static func == (a: ByteKey, b: ByteKey) -> Bool { a.bytes == b.bytes }
}

/// A mutex for the word caches (Foundation's NSLock, named for what it guards).
final class NSLockLike: @unchecked Sendable {
    private let lock = NSLock()
    func withLock<T>(_ body: () -> T) -> T { lock.lock(); defer { lock.unlock() }; return body() }
}
