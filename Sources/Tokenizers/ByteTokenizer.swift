import Foundation

/// The byte-level tokenizer of tokenizer.json `{"type":"bytes",...}`: token = one UTF-8 byte
/// (0…255), plus special ids for BOS, EOS and PAD above them. needle-eval's own model uses it;
/// it is also the default for counting prompt lengths when no model is named.
public struct ByteTokenizer: Tokenizer, Equatable {
    public var bosID: Int32
    public var eosID: Int32
    public var padID: Int32

    public init(bosID: Int32 = 256, eosID: Int32 = 257, padID: Int32 = 258) {
        self.bosID = bosID; self.eosID = eosID; self.padID = padID
    }

    public var name: String { "bytes" }
    public var prefixTokens: [Int32] { [bosID] }
    public var endOfSequenceID: Int32? { eosID }

    /// Token ids of `text` (no BOS).
    public func encode(_ text: String) -> [Int32] { text.utf8.map { Int32($0) } }

    /// Text of `tokens`; special and out-of-range ids are dropped.
    public func decode(_ tokens: [Int32]) -> String {
        String(decoding: tokens.compactMap { $0 >= 0 && $0 < 256 ? UInt8($0) : nil }, as: UTF8.self)
    }

    static let fields: Set<String> = ["type", "bos_id", "eos_id", "pad_id"]

    /// Reads tokenizer.json and checks its ids fit a vocabulary of `vocabSize`.
    public static func load(from url: URL, vocabSize: Int) throws -> ByteTokenizer {
        let path = url.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TokenizerError(path: path, field: "(file)", problem: "file not found or unreadable",
                                 fix: "add tokenizer.json: {\"type\":\"bytes\",\"bos_id\":256,\"eos_id\":257,\"pad_id\":258}")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let dict = object as? [String: Any] else {
            throw TokenizerError(path: path, field: "(file)", problem: "the file is not a JSON object", fix: "write tokenizer.json as a JSON object")
        }
        if let unknown = dict.keys.filter({ !fields.contains($0) }).sorted().first {
            throw TokenizerError(path: path, field: unknown, problem: "is not a known field", fix: "remove it; known: type, bos_id, eos_id, pad_id")
        }
        guard let type = dict["type"] as? String else {
            throw TokenizerError(path: path, field: "type", problem: "is missing", fix: "set \"type\": \"bytes\"")
        }
        guard type == "bytes" else {
            throw TokenizerError(path: path, field: "type", problem: "is \"\(type)\", which this runtime does not support", fix: "use \"bytes\"")
        }
        func id(_ name: String, _ fallback: Int32) throws -> Int32 {
            let raw = dict[name] ?? Int(fallback)      // a default id must fit the vocabulary too
            guard let n = raw as? Int, n >= 256, n < vocabSize else {
                throw TokenizerError(path: path, field: name, problem: "is not a token id in [256, vocab_size \(vocabSize))",
                                     fix: "use an id above the 256 byte tokens and below vocab_size")
            }
            return Int32(n)
        }
        return ByteTokenizer(bosID: try id("bos_id", 256), eosID: try id("eos_id", 257), padID: try id("pad_id", 258))
    }

    /// The tokenizer.json this type reads, for writing model directories.
    public var json: String { "{\"type\":\"bytes\",\"bos_id\":\(bosID),\"eos_id\":\(eosID),\"pad_id\":\(padID)}" }
}
