/// BPE over bytes: a piece's bytes map to single-byte token ids, then merge by rank. Serves
/// byte-level tokenizer.json models (GPT-2, Llama 3, Qwen 2 …) and tiktoken files alike. Pieces
/// seen before come from a cache (natural text repeats its words).
final class BytePairEncoder: @unchecked Sendable {   // the cache is behind `lock`
    /// (256) token id of each single byte
    let byteTokens: [Int32]
    let merges: MergeTable
    /// Whole pieces that are tokens: emitted as they are, without merging (tiktoken always,
    /// tokenizer.json with `ignore_merges`).
    let wholePieces: [ByteKey: Int32]
    private var cache: [ByteKey: [Int32]] = [:]
    private let lock = NSLockLike()

    init(byteTokens: [Int32], merges: MergeTable, wholePieces: [[UInt8]: Int32]) {
        precondition(byteTokens.count == 256)
        self.byteTokens = byteTokens
        self.merges = merges
        var whole: [ByteKey: Int32] = [:]
        whole.reserveCapacity(wholePieces.count)
        for (bytes, id) in wholePieces { whole[ByteKey(bytes)] = id }
        self.wholePieces = whole
    }

    /// Appends the tokens of one pre-tokenized piece to `out`.
    func encode(_ piece: ArraySlice<UInt8>, into out: inout [Int32]) {
        if piece.count == 1 { out.append(byteTokens[Int(piece.first!)]); return }
        let key = ByteKey(Array(piece))
        let cacheable = piece.count <= 64
        if cacheable, let hit = lock.withLock({ cache[key] }) { out.append(contentsOf: hit); return }
        if let whole = wholePieces[key] { out.append(whole); return }
        var symbols = piece.map { byteTokens[Int($0)] }
        merges.apply(&symbols)
        if cacheable {
            lock.withLock {
                if cache.count > 200_000 { cache.removeAll(keepingCapacity: true) }   // bounded memory
                cache[key] = symbols
            }
        }
        out.append(contentsOf: symbols)
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
