import Foundation

/// A Hugging Face `tokenizer.json` with a BPE model, run as the reference runs it: added tokens
/// split out first (raw-text ones, then normalized ones after normalization), normalizer,
/// pre-tokenizer, BPE, and the post-processor's BOS/EOS. Anything the file uses that this
/// library does not implement is refused at load, naming its JSON path.
public struct HuggingFaceTokenizer: Tokenizer {
    public let name: String
    let normalizer: Normalizer?
    let preTokenizer: PreTokenizer?
    let model: BPEModel
    /// Set when the pre-tokenizer ends with ByteLevel: BPE runs on each piece's bytes.
    let byteLevel: BytePairEncoder?
    let rawAdded: SpecialTokenMatcher
    let normalizedAdded: SpecialTokenMatcher
    let post: PostProcessor
    let decoder: Decoder?
    /// (id) token strings for decoding, and which ids are special
    let tokenStrings: [Int32: String]
    let specialIDs: Set<Int32>
    public var prefixTokens: [Int32] { post.prefix }
    public let endOfSequenceID: Int32?

    public static func load(file: URL) throws -> HuggingFaceTokenizer {
        let path = file.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TokenizerError(path: path, field: "(file)", problem: "file not found or unreadable", fix: "give the path of a tokenizer.json")
        }
        let j = JSONPath(file: path)
        // One parse that keeps exact key bytes; the vocabulary and merges (most of the file) are
        // read from it directly, the rest as Foundation objects.
        guard let raw = try? RawJSON.parse(data) else {
            throw TokenizerError(path: path, field: "(file)", problem: "is not valid JSON", fix: "write the tokenizer file as JSON")
        }
        let root = try j.object(raw.foundation(omitting: ["model.vocab", "model.merges"]), at: "")
        try j.refuseUnknown(root, at: "", known: ["version", "truncation", "padding", "added_tokens", "normalizer", "pre_tokenizer",
                                                   "post_processor", "decoder", "model"])
        try j.requireDefault(root, "truncation", at: "", allowed: [nil])
        try j.requireDefault(root, "padding", at: "", allowed: [nil])
        let model = try BPEModel.parse(root["model"] ?? NSNull(), at: "model", json: j, raw: raw["model"])
        let normalizer = try j.optional(root, "normalizer").map { try Normalizer.parse($0, at: "normalizer", json: j) }
        let pre = try j.optional(root, "pre_tokenizer").map { try PreTokenizer.parse($0, at: "pre_tokenizer", json: j) }
        var rules: [AddedTokenRule] = []
        for (i, item) in try j.array(root["added_tokens"] ?? [Any](), at: "added_tokens").enumerated() {
            let at = "added_tokens[\(i)]"
            let o = try j.object(item, at: at)
            try j.refuseUnknown(o, at: at, known: ["id", "content", "single_word", "lstrip", "rstrip", "normalized", "special"])
            func flag(_ key: String, _ fallback: Bool) throws -> Bool { try j.bool(j.optional(o, key) ?? fallback, at: at + "." + key) }
            let special = try flag("special", false)
            rules.append(AddedTokenRule(content: try j.string(o["content"] ?? NSNull(), at: at + ".content"),
                                        id: Int32(try j.int(o["id"] ?? NSNull(), at: at + ".id")),
                                        singleWord: try flag("single_word", false), lstrip: try flag("lstrip", false),
                                        rstrip: try flag("rstrip", false), normalized: try flag("normalized", !special), special: special))
        }
        var strings: [Int32: String] = [:]
        for (token, id) in model.vocab { strings[id] = String(decoding: token.bytes, as: UTF8.self) }
        for r in rules { strings[r.id] = r.content }
        let post = try j.optional(root, "post_processor").map {
            try PostProcessor.parse($0, at: "post_processor", json: j) { name in rules.first { $0.content == name }?.id ?? model.vocab[ByteKey(name)] }
        } ?? PostProcessor()
        let decoder = try j.optional(root, "decoder").map { try Decoder.parse($0, at: "decoder", json: j) }
        let eos = post.suffix.last ?? rules.first { ["</s>", "<|endoftext|>", "<|end_of_text|>", "<|im_end|>", "<eos>"].contains($0.content) }?.id
        return HuggingFaceTokenizer(
            name: "tokenizer.json:" + file.deletingLastPathComponent().lastPathComponent,
            normalizer: normalizer, preTokenizer: pre, model: model,
            byteLevel: pre?.containsByteLevel == true ? try model.byteLevelEncoder(json: j, at: "model") : nil,
            rawAdded: SpecialTokenMatcher(tokens: rules.filter { !$0.normalized }),
            normalizedAdded: SpecialTokenMatcher(tokens: rules.filter(\.normalized)),
            post: post, decoder: decoder, tokenStrings: strings,
            specialIDs: Set(rules.filter(\.special).map(\.id)), endOfSequenceID: eos)
    }

    /// Token ids of `text` without the post-processor's BOS/EOS (they are `prefixTokens`).
    public func encode(_ text: String) -> [Int32] {
        var out: [Int32] = []
        var atStart = true
        for segment in rawAdded.split(Substring(text)) {
            switch segment {
            case let .token(id): out.append(id); atStart = false
            case let .text(raw):
                let normalized = normalizer.map { $0.apply(String(raw)) } ?? String(raw)
                for inner in normalizedAdded.split(Substring(normalized)) {
                    switch inner {
                    case let .token(id): out.append(id)
                    case let .text(piece): encodePiece(PreToken(text: piece, atInputStart: atStart), into: &out)
                    }
                    atStart = false
                }
            }
            atStart = false
        }
        return out
    }

    private func encodePiece(_ piece: PreToken, into out: inout [Int32]) {
        let pieces = preTokenizer?.apply([piece]) ?? [piece]
        for p in pieces where !p.text.isEmpty {
            if let byteLevel {
                var text = p.text
                text.withUTF8 { byteLevel.encode($0, pieces: [0..<$0.count], into: &out) }
            } else {
                model.encodeScalars(p.text, into: &out)
            }
        }
    }

    /// Text of `tokens`; special tokens are left out (they are control tokens, not text).
    public func decode(_ tokens: [Int32]) -> String { decode(tokens, skipSpecialTokens: true) }

    public func decode(_ tokens: [Int32], skipSpecialTokens: Bool) -> String {
        let strings = tokens.compactMap { id -> String? in
            if skipSpecialTokens && specialIDs.contains(id) { return nil }
            return tokenStrings[id]
        }
        return (decoder?.apply(strings) ?? strings).joined()
    }
}
