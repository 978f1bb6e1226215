import Tokenizers

/// Where each token of an encoding starts in the text it was encoded from, from the tokenizer's
/// `TokenTextLengths`. Counted back from the end of the text: a space or "▁" a tokenizer adds in
/// front of the text then only makes the first token start before 0, which is clamped.
///
/// A tokenizer may learn its table as it encodes (a server's tokenizer knows the text of the
/// tokens it has returned, not its whole vocabulary): a token the table does not know makes it
/// read the table again once before giving up. Used under the prompt builder's lock.
final class TokenSpans: @unchecked Sendable {
    private(set) var lengths: [Int32]
    let tokenizerName: String
    private let source: any TokenTextLengths

    /// At most this many bytes a tokenizer may add at the start of a text (a prefix space or "▁").
    static let addedAtStart = 4

    init(tokenizer: any Tokenizer) throws {
        guard let source = tokenizer as? any TokenTextLengths else {
            throw PromptError.untraceableTokens(tokenizer: tokenizer.name, detail: "it cannot say which text each token stands for")
        }
        self.source = source
        lengths = source.textByteLengths()
        tokenizerName = tokenizer.name
    }

    /// The text bytes token `t` stands for, -1 when unknown even after reading the table again.
    private func length(of t: Int32) -> Int {
        func known() -> Int { t >= 0 && Int(t) < lengths.count ? Int(lengths[Int(t)]) : -1 }
        if known() < 0 && source.learnsTextByteLengths { lengths = source.textByteLengths() }
        return known()
    }

    /// The first byte of each of `tokens`, encoded from a text of `byteCount` bytes. Throws when
    /// the tokens do not add up to the text (a normalizer that changes text, dropped scalars).
    func starts(of tokens: ArraySlice<Int32>, byteCount: Int) throws -> [Int] {
        var starts = [Int](repeating: 0, count: tokens.count)
        var position = byteCount
        var i = tokens.count
        for t in tokens.reversed() {
            i -= 1
            let n = length(of: t)
            guard n >= 0 else {
                throw PromptError.untraceableTokens(tokenizer: tokenizerName, detail: "token \(t) stands for no fixed text")
            }
            position -= n
            starts[i] = max(position, 0)
        }
        guard position <= 0, position >= -Self.addedAtStart else {
            throw PromptError.untraceableTokens(
                tokenizer: tokenizerName, detail: "the tokens of a \(byteCount)-byte text stand for \(byteCount - position) bytes")
        }
        return starts
    }

    func starts(of tokens: [Int32], byteCount: Int) throws -> [Int] { try starts(of: tokens[...], byteCount: byteCount) }

    /// The index of the token holding byte `offset` (the last token starting at or before it).
    static func token(holding offset: Int, starts: [Int]) -> Int {
        var lo = 0, hi = starts.count - 1, best = 0
        while lo <= hi {
            let mid = (lo + hi) / 2
            if starts[mid] <= offset { best = mid; lo = mid + 1 } else { hi = mid - 1 }
        }
        return best
    }
}

/// UTF-8 helpers for cutting text at scalar boundaries (a byte-level token may end inside a
/// character, but a prompt's text must stay valid UTF-8).
enum UTF8Cut {
    @inline(__always) static func isScalarStart(_ byte: UInt8) -> Bool { byte & 0xC0 != 0x80 }

    /// `offset` moved back to the start of the scalar holding it.
    static func scalarStart(atOrBefore offset: Int, in bytes: [UInt8]) -> Int {
        var i = min(offset, bytes.count)
        while i > 0 && i < bytes.count && !isScalarStart(bytes[i]) { i -= 1 }
        return i
    }

    static func string<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 { String(decoding: bytes, as: UTF8.self) }
}
