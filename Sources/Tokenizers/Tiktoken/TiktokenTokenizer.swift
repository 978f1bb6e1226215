import Foundation

/// A tiktoken encoding: a `.tiktoken` rank file (base64 token, space, rank per line), the split
/// pattern of its family and its special tokens. Token id = rank.
public struct TiktokenTokenizer: Tokenizer {
    public let name: String
    let pattern: SplitPattern
    let encoder: BytePairEncoder
    /// (vocabulary) bytes of each id, specials included
    let tokenBytes: [Int32: [UInt8]]
    let specials: SpecialTokenMatcher
    let specialIDs: Set<Int32>
    public var prefixTokens: [Int32] { [] }
    public let endOfSequenceID: Int32?

    /// The split patterns and special tokens of OpenAI's published encodings, by file name.
    static let known: [String: (pattern: String, specials: [String: Int32])] = [
        "r50k_base": (SplitPattern.r50kTiktoken, ["<|endoftext|>": 50256]),
        "p50k_base": (SplitPattern.r50kTiktoken, ["<|endoftext|>": 50256]),
        "cl100k_base": (SplitPattern.cl100kTiktoken, ["<|endoftext|>": 100257, "<|fim_prefix|>": 100258, "<|fim_middle|>": 100259,
                                                       "<|fim_suffix|>": 100260, "<|endofprompt|>": 100276]),
        "o200k_base": (SplitPattern.o200kPattern, ["<|endoftext|>": 199999, "<|endofprompt|>": 200018]),
    ]

    /// Loads `file`; the pattern and special tokens come from `tiktoken.json` beside it
    /// (`{"pattern": NAME or "pat_str": REGEX, "special_tokens": {...}}`) or, without one, from
    /// the file's name (cl100k_base.tiktoken, o200k_base.tiktoken, r50k_base, p50k_base).
    public static func load(file: URL) throws -> TiktokenTokenizer {
        let path = file.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TokenizerError(path: path, field: "(file)", problem: "file not found or unreadable", fix: "give the path of a .tiktoken rank file")
        }
        let config = file.deletingLastPathComponent().appendingPathComponent("tiktoken.json")
        let base = file.deletingPathExtension().lastPathComponent
        var patternText: String, specials: [String: Int32]
        if let configData = FileManager.default.contents(atPath: config.path) {
            let object = JSONPath(file: config.path)
            let root = try object.parse(configData)
            let dict = try object.object(root, at: "")
            try object.refuseUnknown(dict, at: "", known: ["pattern", "pat_str", "special_tokens"])
            if let pat = dict["pat_str"] {
                patternText = try object.string(pat, at: "pat_str")
            } else {
                let family = try object.string(dict["pattern"] ?? NSNull(), at: "pattern")
                guard let k = known[family] else {
                    throw TokenizerError(path: config.path, field: "pattern", problem: "is \"\(family)\", not a known encoding",
                                         fix: "use one of \(known.keys.sorted().joined(separator: ", ")), or give pat_str")
                }
                patternText = k.pattern
            }
            specials = [:]
            if let s = dict["special_tokens"] {
                for (token, id) in try object.object(s, at: "special_tokens") {
                    specials[token] = Int32(try object.int(id, at: "special_tokens.\(token)"))
                }
            }
        } else if let k = known[base] {
            (patternText, specials) = k
        } else {
            throw TokenizerError(path: path, field: "(file)", problem: "has no tiktoken.json beside it and its name is not a known encoding",
                                 fix: "write tiktoken.json with \"pattern\" (\(known.keys.sorted().joined(separator: ", "))) or \"pat_str\", and \"special_tokens\"")
        }
        guard let pattern = SplitPattern.recognize(patternText) else {
            throw TokenizerError(path: config.path, field: "pat_str", problem: "is a split regex this library does not implement",
                                 fix: "use the pattern of r50k_base, p50k_base, cl100k_base or o200k_base")
        }
        let ranks = try parseRanks(data, path: path)
        return try TiktokenTokenizer(name: "tiktoken:" + base, ranks: ranks, pattern: pattern, specials: specials, path: path)
    }

    /// (bytes, rank) per line.
    static func parseRanks(_ data: Data, path: String) throws -> [([UInt8], Int32)] {
        var ranks: [([UInt8], Int32)] = []
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.isEmpty { continue }
            let parts = line.split(separator: UInt8(ascii: " "))
            guard parts.count == 2, let bytes = Data(base64Encoded: Data(parts[0])),
                  let rank = Int32(String(decoding: parts[1], as: UTF8.self)), rank >= 0 else {
                throw TokenizerError(path: path, field: "line \(lineNumber)", problem: "is not 'BASE64 RANK'",
                                     fix: "each line of a .tiktoken file is a base64 token, a space and its rank")
            }
            ranks.append((Array(bytes), rank))
        }
        return ranks
    }

    init(name: String, ranks: [([UInt8], Int32)], pattern: SplitPattern, specials: [String: Int32], path: String) throws {
        self.name = name
        self.pattern = pattern
        var idOf: [[UInt8]: Int32] = [:]
        idOf.reserveCapacity(ranks.count)
        var bytesOf: [Int32: [UInt8]] = [:]
        for (bytes, rank) in ranks {
            if idOf[bytes] != nil || bytesOf[rank] != nil {
                throw TokenizerError(path: path, field: "rank \(rank)", problem: "repeats a token or a rank", fix: "give each token one unique rank")
            }
            idOf[bytes] = rank
            bytesOf[rank] = bytes
        }
        var byteTokens = [Int32](repeating: -1, count: 256)
        for b in 0..<256 {
            guard let id = idOf[[UInt8(b)]] else {
                throw TokenizerError(path: path, field: "byte \(b)", problem: "has no rank", fix: "a rank file must give every single byte a rank")
            }
            byteTokens[b] = id
        }
        // tiktoken merges any two adjacent parts whose concatenation is a token, lowest rank
        // first: every split of every token is a pair that merges at the token's rank.
        var merges = MergeTable()
        merges.reserve(ranks.count * 4)
        for (bytes, rank) in ranks where bytes.count > 1 {
            for k in 1..<bytes.count {
                if let l = idOf[Array(bytes[..<k])], let r = idOf[Array(bytes[k...])] {
                    merges.add(left: l, right: r, merged: rank, rank: Int(rank))
                }
            }
        }
        encoder = BytePairEncoder(byteTokens: byteTokens, merges: merges, wholePieces: idOf)
        for (token, id) in specials { bytesOf[id] = Array(token.utf8) }
        tokenBytes = bytesOf
        self.specials = SpecialTokenMatcher(tokens: specials.map { AddedTokenRule(content: $0.key, id: $0.value) })
        specialIDs = Set(specials.values)
        endOfSequenceID = specials["<|endoftext|>"]
    }

    /// Special-token strings in the text are encoded as their ids (tiktoken's allowed_special="all").
    public func encode(_ text: String) -> [Int32] {
        var out: [Int32] = []
        for segment in specials.split(Substring(text)) {
            switch segment {
            case let .token(id): out.append(id)
            case let .text(piece):
                let scalars = ScalarText(piece)
                let ranges = pattern.pieces(scalars).filter(\.isMatch).map {
                    scalars.byteOffsets[$0.range.lowerBound]..<scalars.byteOffsets[$0.range.upperBound]
                }
                var text = piece
                text.withUTF8 { encoder.encode($0, pieces: ranges, into: &out) }
            }
        }
        return out
    }

    /// Text of `tokens`; special tokens are left out (they are control tokens, not text).
    public func decode(_ tokens: [Int32]) -> String { decode(tokens, skipSpecialTokens: true) }

    public func decode(_ tokens: [Int32], skipSpecialTokens: Bool) -> String {
        var bytes: [UInt8] = []
        for t in tokens where !(skipSpecialTokens && specialIDs.contains(t)) { if let b = tokenBytes[t] { bytes += b } }
        return String(decoding: bytes, as: UTF8.self)
    }
}
