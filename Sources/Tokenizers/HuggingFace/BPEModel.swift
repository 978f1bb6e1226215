import Foundation

/// tokenizer.json `model` of type BPE: vocabulary, merges and the options that change tokens.
struct BPEModel: Sendable {
    /// Keyed by UTF-8 bytes: Swift compares strings by canonical equivalence, so "Å" (U+212B) and
    /// "Å" (U+00C5) would be one key, while a vocabulary holds them as different tokens.
    let vocab: [ByteKey: Int32]
    let merges: MergeTable
    let unkID: Int32?
    let fuseUnk: Bool
    let byteFallback: Bool
    let ignoreMerges: Bool
    /// `<0xNN>` ids when byte_fallback is on (nil where the vocabulary lacks one)
    let fallbackIDs: [Int32?]
    /// True when no token holds "▁" right after another character: then no merge can cross the
    /// start of a "▁" run, and a SentencePiece-style text (one piece) may be cut there into words
    /// that merge alone — the same tokens, far faster, and cacheable.
    let wordsStartAtMetaspace: Bool
    /// Tokens that are one scalar, by scalar: the initial symbols of SentencePiece-style BPE.
    let scalarIDs: [UInt32: Int32]
    let cache = WordCache()

    /// `value`: the model object without its vocabulary and merges; `raw`: the model object as
    /// `RawJSON`, from which those two (the bulk of the file) are read with their exact bytes.
    static func parse(_ value: Any, at path: String, json j: JSONPath, raw: RawJSON?) throws -> BPEModel {
        let d = try j.object(value, at: path)
        let type = try j.string(d["type"] ?? "BPE", at: j.join(path, "type"))
        guard type == "BPE" else {
            throw j.fail(j.join(path, "type"), "is \"\(type)\", a model this library does not implement", "use a BPE tokenizer")
        }
        try j.refuseUnknown(d, at: path, known: ["type", "dropout", "unk_token", "continuing_subword_prefix", "end_of_word_suffix",
                                                  "fuse_unk", "byte_fallback", "ignore_merges", "vocab", "merges"])
        try j.requireDefault(d, "dropout", at: path, allowed: [nil, 0, 0.0])
        try j.requireDefault(d, "continuing_subword_prefix", at: path, allowed: [nil, ""])
        try j.requireDefault(d, "end_of_word_suffix", at: path, allowed: [nil, ""])
        guard case let .object(entries)? = raw?["vocab"] else { throw j.fail(j.join(path, "vocab"), "is not a JSON object", "give the vocabulary as an object") }
        var vocab: [ByteKey: Int32] = [:]
        vocab.reserveCapacity(entries.count)
        for (token, id) in entries {
            guard case let .number(n) = id, n == n.rounded(), n >= 0, n < Double(Int32.max) else {
                throw j.fail(j.join(path, "vocab") + "." + String(decoding: token, as: UTF8.self), "is not a token id", "give a non-negative integer")
            }
            vocab[ByteKey(token)] = Int32(n)
        }
        var merges = MergeTable()
        var list: [RawJSON] = []
        switch raw?["merges"] {
        case nil, .null?: break
        case let .array(items)?: list = items
        default: throw j.fail(j.join(path, "merges"), "is not a JSON array", "give the merges as an array")
        }
        merges.reserve(list.count)
        for (rank, item) in list.enumerated() {
            let at = j.join(path, "merges") + "[\(rank)]"
            var pair: [[UInt8]] = []
            switch item {
            case let .string(bytes):      // "a b": tokens never hold a space (it is shown as Ġ or ▁)
                pair = bytes.split(separator: 0x20, omittingEmptySubsequences: false).map(Array.init)
            case let .array(items):
                for item in items { if case let .string(bytes) = item { pair.append(bytes) } else { pair = []; break } }
            default: break
            }
            guard pair.count == 2 else { throw j.fail(at, "is not a pair of tokens", "write \"a b\" or [\"a\", \"b\"]") }
            guard let l = vocab[ByteKey(pair[0])], let r = vocab[ByteKey(pair[1])], let m = vocab[ByteKey(pair[0] + pair[1])] else {
                throw j.fail(at, "merges tokens that are not all in the vocabulary", "fix the merge list or the vocabulary")
            }
            merges.add(left: l, right: r, merged: m, rank: rank)
        }
        var unk: Int32?
        if let u = j.optional(d, "unk_token") {
            let name = try j.string(u, at: j.join(path, "unk_token"))
            guard let id = vocab[ByteKey(name)] else { throw j.fail(j.join(path, "unk_token"), "is \"\(name)\", not in the vocabulary", "add it to the vocabulary") }
            unk = id
        }
        let byteFallback = try j.bool(j.optional(d, "byte_fallback") ?? false, at: j.join(path, "byte_fallback"))
        return BPEModel(vocab: vocab, merges: merges, unkID: unk,
                        fuseUnk: try j.bool(j.optional(d, "fuse_unk") ?? false, at: j.join(path, "fuse_unk")),
                        byteFallback: byteFallback,
                        ignoreMerges: try j.bool(j.optional(d, "ignore_merges") ?? false, at: j.join(path, "ignore_merges")),
                        fallbackIDs: (0..<256).map { vocab[ByteKey(String(format: "<0x%02X>", $0))] },
                        wordsStartAtMetaspace: !vocab.keys.contains { key in
                            let scalars = Array(String(decoding: key.bytes, as: UTF8.self).unicodeScalars)
                            return scalars.indices.dropFirst().contains { scalars[$0] == "▁" && scalars[$0 - 1] != "▁" }
                        },
                        scalarIDs: Dictionary(vocab.compactMap { key, id in
                            let text = String(decoding: key.bytes, as: UTF8.self)
                            return text.unicodeScalars.count == 1 ? (text.unicodeScalars.first!.value, id) : nil
                        }, uniquingKeysWith: { a, _ in a }))
    }

    /// A byte-level encoder over this vocabulary. A byte whose alphabet character is not a token
    /// is dropped, as the reference drops it, when there is no unk_token or byte fallback (the
    /// SmolLM2 GGUF's vocabulary lacks 21 bytes); otherwise the vocabulary must hold every byte.
    func byteLevelEncoder(json j: JSONPath, at path: String) throws -> BytePairEncoder {
        var byteTokens = [Int32](repeating: -1, count: 256)
        for b in 0..<256 {
            if let id = vocab[ByteKey(String(Character(ByteLevelAlphabet.characters[b])))] {
                byteTokens[b] = id
            } else if unkID != nil || byteFallback {
                throw j.fail(j.join(path, "vocab"), "lacks the byte-level character of byte \(b)", "use a complete byte-level vocabulary")
            }
        }
        var whole: [[UInt8]: Int32] = [:]
        if ignoreMerges {
            for (token, id) in vocab { if let bytes = ByteLevelAlphabet.decode(String(decoding: token.bytes, as: UTF8.self)) { whole[bytes] = id } }
        }
        return BytePairEncoder(byteTokens: byteTokens, merges: merges, wholePieces: whole)
    }

    /// BPE over the scalars of `piece` (SentencePiece-style models): unknown scalars become their
    /// `<0xNN>` byte tokens (byte_fallback) or the unknown token.
    func encodeScalars(_ piece: Substring, into out: inout [Int32]) {
        if wordsStartAtMetaspace {
            var start = piece.startIndex, previous: Unicode.Scalar?
            var i = piece.unicodeScalars.startIndex
            while i < piece.endIndex {
                let s = piece.unicodeScalars[i]
                if s == "▁", let p = previous, p != "▁", i > start {
                    encodeWord(piece[start..<i], into: &out)
                    start = i
                }
                previous = s
                i = piece.unicodeScalars.index(after: i)
            }
            encodeWord(piece[start...], into: &out)
        } else {
            encodeWord(piece, into: &out)
        }
    }

    private func encodeWord(_ piece: Substring, into out: inout [Int32]) {
        guard !piece.isEmpty else { return }
        if ignoreMerges, let id = vocab[ByteKey(piece)] { out.append(id); return }
        let key = piece.utf8.count <= 64 ? ByteKey(piece) : nil
        if let key, let hit = cache.get(key) { out += hit; return }
        let start = out.count
        mergeScalars(piece, into: &out)
        if let key { cache.put(key, Array(out[start...])) }
    }

    private func mergeScalars(_ piece: Substring, into out: inout [Int32]) {
        var symbols: [Int32] = []
        symbols.reserveCapacity(piece.unicodeScalars.count)
        var lastWasUnk = false
        for s in piece.unicodeScalars {
            if let id = scalarIDs[s.value] { symbols.append(id); lastWasUnk = false; continue }
            if byteFallback {
                let ids = Array(String(Character(s)).utf8).map { fallbackIDs[Int($0)] }
                if ids.allSatisfy({ $0 != nil }) { symbols += ids.map { $0! }; lastWasUnk = false; continue }
            }
            // Without an unk_token the reference drops the scalar (its tokens skip it); so do we.
            guard let unk = unkID else { continue }
            if !(fuseUnk && lastWasUnk) { symbols.append(unk) }
            lastWasUnk = true
        }
        merges.apply(&symbols)
        out += symbols
    }
}

/// Tokens of words seen before (bounded; shared by copies of a model, safe across threads).
final class WordCache: @unchecked Sendable {   // `entries` only under `lock`
    private var entries: [ByteKey: [Int32]] = [:]
    private let lock = NSLockLike()
    func get(_ key: ByteKey) -> [Int32]? { lock.withLock { entries[key] } }
    func put(_ key: ByteKey, _ ids: [Int32]) {
        lock.withLock {
            if entries.count > 200_000 { entries.removeAll(keepingCapacity: true) }
            entries[key] = ids
        }
    }
}
