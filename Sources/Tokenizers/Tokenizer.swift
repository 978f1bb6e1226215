/// Turns text into a model's token ids and back. needle-eval measures and cuts prompts in these
/// tokens, so that a prompt asked for L tokens is exactly L tokens for the model under test; the
/// runtime uses the special ids to start prompts and stop generation.
public protocol Tokenizer: Sendable {
    /// A stable name recorded with results (e.g. "bytes").
    var name: String { get }
    /// Tokens the model puts before every prompt (BOS); counted in the prompt length.
    var prefixTokens: [Int32] { get }
    /// The id that ends generation, if the model has one.
    var endOfSequenceID: Int32? { get }
    /// Token ids of `text`, without the prefix tokens.
    func encode(_ text: String) -> [Int32]
    /// Text of `tokens` (the inverse of `encode` on whole strings); special ids decode to nothing.
    func decode(_ tokens: [Int32]) -> String
    /// Text of `tokens`, special tokens written out when `skipSpecialTokens` is false (so that
    /// decode(encode(x)) == x holds for text that contains them).
    func decode(_ tokens: [Int32], skipSpecialTokens: Bool) -> String
}

extension Tokenizer {
    public func decode(_ tokens: [Int32], skipSpecialTokens: Bool) -> String { decode(tokens) }
}
