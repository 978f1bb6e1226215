import NeedleSupport
import Tokenizers

/// The haystack for tokenizers whose encodings are not concatenation-stable (BPE): the sentence
/// stream as text, and the tokens of that text encoded whole, with each token's first byte. In
/// whole text a sentence's trailing space may join the next word (" The"), so sentences cannot be
/// encoded one by one; prompts cut their filler from this text and take its tokens from here
/// wherever a needle or the question does not change them.
///
/// Grown in fixed blocks of sentences, each encoded together with the last `restartTokens` tokens
/// before it (which it may change: end-of-text effects), so the tokens of a prefix never depend on
/// how far the haystack was grown: every grid builds the same prompt for a cell.
final class HaystackText {
    static let blockSentences = 2048
    static let restartTokens = 256
    /// Tokens before a restart point encoded again as context and compared, to check the splice.
    static let contextTokens = 32

    private var source: any SentenceSource
    private let tokenizer: any Tokenizer
    let spans: TokenSpans
    /// (bytes) the haystack text so far
    private(set) var bytes: [UInt8] = []
    /// Byte offsets where sentences start, ascending, 0 first.
    private(set) var sentenceStarts: [Int] = []
    /// The text's tokens, and the byte each starts at.
    private(set) var tokens: [Int32] = []
    private(set) var tokenStarts: [Int] = []

    init(source: any SentenceSource, tokenizer: any Tokenizer, spans: TokenSpans) {
        self.source = source
        self.tokenizer = tokenizer
        self.spans = spans
    }

    /// Tokens that text appended later can no longer change.
    var settled: Int { max(0, tokens.count - Self.restartTokens) }

    /// Makes sure at least `count` settled tokens exist.
    func ensure(_ count: Int) throws {
        while settled < count { try appendBlock() }
    }

    /// Byte offset of token `index`'s start; the text's end for `index == tokens.count`.
    func start(_ index: Int) -> Int { index < tokenStarts.count ? tokenStarts[index] : bytes.count }

    /// The index of the token holding byte `offset`.
    func token(holding offset: Int) -> Int { TokenSpans.token(holding: offset, starts: tokenStarts) }

    /// `index` moved back to a token that starts a scalar (a byte-level token may start inside a
    /// character; text is only cut between characters).
    func scalarAligned(_ index: Int) -> Int {
        var i = max(0, min(index, tokens.count))
        while i > 0 && i < tokens.count && !UTF8Cut.isScalarStart(bytes[tokenStarts[i]]) { i -= 1 }
        return i
    }

    /// The last sentence start whose token is at or before token `index` (0 when none): a point in
    /// token coordinates moved back to a sentence boundary.
    func sentenceStart(atOrBeforeToken index: Int) -> Int {
        var lo = 0, hi = sentenceStarts.count - 1, best = 0
        while lo <= hi {
            let mid = (lo + hi) / 2
            if token(holding: sentenceStarts[mid]) <= index { best = sentenceStarts[mid]; lo = mid + 1 } else { hi = mid - 1 }
        }
        return best
    }

    /// Whether `needle` occurs in the first `limit` bytes of the text.
    func contains(_ needle: [UInt8], within limit: Int) -> Bool { bytes.containsSubsequence(needle, inFirst: limit) }

    /// Appends one block of sentences and encodes it from the restart point of the previous one.
    private func appendBlock() throws {
        var added = 0
        while added < Self.blockSentences {
            let sentence = Array(source.nextSentence().utf8)
            if sentence.isEmpty { continue }
            sentenceStarts.append(bytes.count)
            bytes += sentence
            added += 1
        }
        let restart = scalarAligned(tokens.count - Self.restartTokens)
        if restart > 0, try splice(from: restart) { return }
        // First block, or a splice that did not line up: the whole text again (deterministic too,
        // as it happens at the same block whatever the history).
        tokens = tokenizer.encode(UTF8Cut.string(bytes))
        tokenStarts = try spans.starts(of: tokens, byteCount: bytes.count)
    }

    /// Re-encodes the text from token `restart` on, with the tokens before it as context; false
    /// when the context does not come out as the same tokens ending exactly at the restart point.
    private func splice(from restart: Int) throws -> Bool {
        let from = scalarAligned(restart - Self.contextTokens)
        let base = tokenStarts[from], cut = tokenStarts[restart]
        let fresh = tokenizer.encode(UTF8Cut.string(bytes[base...]))
        let freshStarts = try spans.starts(of: fresh, byteCount: bytes.count - base)
        let at = TokenSpans.token(holding: cut - base, starts: freshStarts)
        let context = min(8, restart - from)
        guard freshStarts[at] == cut - base, at >= context,
              fresh[(at - context)..<at].elementsEqual(tokens[(restart - context)..<restart]) else { return false }
        tokens.replaceSubrange(restart..., with: fresh[at...])
        tokenStarts.replaceSubrange(restart..., with: freshStarts[at...].map { $0 + base })
        return true
    }
}
