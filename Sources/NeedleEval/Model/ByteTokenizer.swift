/// The byte-level tokenizer of DESIGN.md: one token per UTF-8 byte, BOS before every prompt.
/// NeedleEval's own copy, so that prompts can be generated without loading a model.
public struct BytePromptTokenizer: PromptTokenizer {
    public let bosID: Int32
    public init(bosID: Int32 = 256) { self.bosID = bosID }
    public var name: String { "bytes" }
    public var prefixTokens: [Int32] { [bosID] }
    public func encode(_ text: String) -> [Int32] { text.utf8.map { Int32($0) } }
    public func decode(_ tokens: [Int32]) -> String {
        String(decoding: tokens.compactMap { $0 >= 0 && $0 < 256 ? UInt8($0) : nil }, as: UTF8.self)
    }
}
