import NeedleSupport
import Tokenizers
import Foundation

/// A haystack as the model's tokens, grown on demand from an endless sentence stream. The stream
/// depends only on the haystack spec and the run seed, so the haystack of a shorter prompt is a
/// prefix of a longer one's: one instance serves a whole grid.
public final class HaystackTokens {
    private var source: any SentenceSource
    private let tokenizer: any Tokenizer
    /// (tokens) the haystack so far
    public private(set) var tokens: [Int32] = []
    /// Token offsets where sentences start, ascending, 0 first.
    public private(set) var sentenceStarts: [Int] = []

    public init(source: any SentenceSource, tokenizer: any Tokenizer) {
        self.source = source
        self.tokenizer = tokenizer
    }

    /// The sentence stream a spec asks for; the built-in prose is seeded by the run seed.
    public static func source(for spec: HaystackSpec, seed: UInt64, specFile: String) throws -> any SentenceSource {
        switch spec {
        case .builtin: return BuiltinProse(seed: seed)
        case .noise: return NoiseSentences()
        case .files(let folder, let glob): return try FileSentences(folder: folder, glob: glob, specFile: specFile)
        }
    }

    /// Makes sure at least `count` tokens exist.
    public func ensure(_ count: Int) {
        if tokens.capacity < count { tokens.reserveCapacity(count + count / 16) }
        while tokens.count < count {
            let sentence = tokenizer.encode(source.nextSentence())
            if sentence.isEmpty { continue }
            sentenceStarts.append(tokens.count)
            tokens.append(contentsOf: sentence)
        }
    }

    /// Whether `needle` occurs in the first `limit` tokens (first-token scan, then compare).
    public func contains(_ needle: [Int32], within limit: Int) -> Bool { tokens.containsSubsequence(needle, inFirst: limit) }

    /// The last sentence start at or before `offset` (0 when none).
    public func sentenceStart(atOrBefore offset: Int) -> Int {
        var lo = 0, hi = sentenceStarts.count - 1, best = 0
        while lo <= hi {
            let mid = (lo + hi) / 2
            if sentenceStarts[mid] <= offset { best = sentenceStarts[mid]; lo = mid + 1 } else { hi = mid - 1 }
        }
        return best
    }
}
