import Foundation
import NeedleSupport

/// Encoding throughput of a tokenizer on one thread (`bench --tokenizer`), measured the way the
/// reference libraries are: the whole text encoded once by a freshly loaded tokenizer (its word
/// cache cold), then once more (warm).
public enum TokenizerBenchmark {
    public struct Report: Encodable, Sendable {
        public var tokenizer: String
        public var bytes: Int
        public var tokens: Int
        public var loadSeconds: Double
        public var coldSeconds: Double
        public var warmSeconds: Double
        public var mbPerS: Double { Double(bytes) / 1e6 / coldSeconds }
        public var warmMbPerS: Double { Double(bytes) / 1e6 / warmSeconds }

        enum CodingKeys: String, CodingKey { case tokenizer, bytes, tokens, loadSeconds, coldSeconds, warmSeconds, mbPerS, warmMbPerS }
        public func encode(to encoder: Swift.Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(tokenizer, forKey: .tokenizer); try c.encode(bytes, forKey: .bytes); try c.encode(tokens, forKey: .tokens)
            try c.encode(loadSeconds, forKey: .loadSeconds); try c.encode(coldSeconds, forKey: .coldSeconds)
            try c.encode(warmSeconds, forKey: .warmSeconds); try c.encode(mbPerS, forKey: .mbPerS); try c.encode(warmMbPerS, forKey: .warmMbPerS)
        }
    }

    public static func run(path: String, text: String) throws -> Report {
        var clock = Stopwatch()
        let tok = try TokenizerFile.load(path: path)
        let load = clock.seconds
        clock = Stopwatch()
        let ids = tok.encode(text)
        let cold = clock.seconds
        clock = Stopwatch()
        _ = tok.encode(text)
        let warm = clock.seconds
        return Report(tokenizer: tok.name, bytes: text.utf8.count, tokens: ids.count, loadSeconds: load, coldSeconds: cold, warmSeconds: warm)
    }

}
