import Foundation

/// The byte-level tokenizer of tokenizer.json `{"type":"bytes",...}`: token = one UTF-8 byte
/// (0…255) plus special ids for BOS, EOS and PAD.
public struct ByteTokenizer: Equatable, Sendable {
    public var bosID: Int32
    public var eosID: Int32
    public var padID: Int32

    public init(bosID: Int32 = 256, eosID: Int32 = 257, padID: Int32 = 258) {
        self.bosID = bosID; self.eosID = eosID; self.padID = padID
    }

    /// Token ids of `text` (no BOS).
    public func encode(_ text: String) -> [Int32] { text.utf8.map { Int32($0) } }

    /// Text of `tokens`; special and out-of-range ids are dropped.
    public func decode(_ tokens: [Int32]) -> String {
        String(decoding: tokens.compactMap { $0 >= 0 && $0 < 256 ? UInt8($0) : nil }, as: UTF8.self)
    }

    /// Reads tokenizer.json and checks its ids fit a vocabulary of `vocabSize`.
    public static func load(from url: URL, vocabSize: Int) throws -> ByteTokenizer {
        let path = url.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RuntimeError.missingFile(path: path, fix: "add tokenizer.json: {\"type\":\"bytes\",\"bos_id\":256,\"eos_id\":257,\"pad_id\":258}")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let dict = object as? [String: Any] else {
            throw RuntimeError.tokenizer(path: path, field: "(file)", problem: "is not a JSON object", fix: "write tokenizer.json as a JSON object")
        }
        let known: Set<String> = ["type", "bos_id", "eos_id", "pad_id"]
        if let unknown = dict.keys.filter({ !known.contains($0) }).sorted().first {
            throw RuntimeError.tokenizer(path: path, field: unknown, problem: "is not a known field", fix: "remove it; known: type, bos_id, eos_id, pad_id")
        }
        guard let type = dict["type"] as? String else {
            throw RuntimeError.tokenizer(path: path, field: "type", problem: "is missing", fix: "set \"type\": \"bytes\"")
        }
        guard type == "bytes" else {
            throw RuntimeError.tokenizer(path: path, field: "type", problem: "is \"\(type)\", which this runtime does not support", fix: "use \"bytes\"")
        }
        func id(_ name: String, _ fallback: Int32) throws -> Int32 {
            guard let raw = dict[name] else { return fallback }
            guard let n = raw as? Int, n >= 0, n < vocabSize else {
                throw RuntimeError.tokenizer(path: path, field: name, problem: "is not a token id below vocab_size \(vocabSize)", fix: "use an id in [256, vocab_size)")
            }
            return Int32(n)
        }
        return ByteTokenizer(bosID: try id("bos_id", 256), eosID: try id("eos_id", 257), padID: try id("pad_id", 258))
    }
}
