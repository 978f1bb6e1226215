import Foundation
import NeedleSupport
import YOCORuntime

/// What `needle-eval bench --prompt-ids FILE` measures: reading a JSON array of token ids (the
/// server's parser and Foundation's, for comparison), then the in-process work the server does
/// for a greedy request on that prompt (a fresh session's prefill and decode), so that
/// scripts/serve/bench_overhead.py can hold the server's wall time against it.
public enum PromptBenchmark {
    public struct Result: Sendable {
        public var promptTokens: Int
        public var parseMilliseconds: Double
        public var foundationParseMilliseconds: Double
        public var prefillMilliseconds: Double
        public var decodeMilliseconds: Double
        public var completion: [Int32]

        public var json: String {
            JSONWriter.string(.object([
                ("prompt_tokens", .int(promptTokens)), ("parse_ms", .double(parseMilliseconds)),
                ("foundation_parse_ms", .double(foundationParseMilliseconds)), ("prefill_ms", .double(prefillMilliseconds)),
                ("decode_ms", .double(decodeMilliseconds)), ("completion_tokens", .int(completion.count)),
                ("completion", .integers(completion.map { Int($0) })),
            ]))
        }
    }

    /// `parseOnly`: stop after the two parsers (a 1M-token prefill takes minutes).
    public static func run(model: Model, idsJSON: [UInt8], decodeTokens: Int, options: SessionOptions,
                           parseOnly: Bool = false) throws -> Result {
        let parseClock = Stopwatch()
        let parsed = try JSONParser.parse(idsJSON)
        let parseMilliseconds = parseClock.milliseconds
        guard case let .integers(values) = parsed, !values.isEmpty else {
            throw UsageError("--prompt-ids: the file must hold a non-empty JSON array of token ids")
        }
        let foundationClock = Stopwatch()
        _ = try JSONSerialization.jsonObject(with: Data(idsJSON)) as? [NSNumber]
        var result = Result(promptTokens: values.count, parseMilliseconds: parseMilliseconds,
                            foundationParseMilliseconds: foundationClock.milliseconds, prefillMilliseconds: 0,
                            decodeMilliseconds: 0, completion: [])
        guard !parseOnly else { return result }
        let ids = values.map { Int32(clamping: $0) }
        let session = InferenceSession(model: model, options: options, capacity: ids.count + decodeTokens)
        let prefillClock = Stopwatch()
        try session.prefill(ids)
        let prefillMilliseconds = prefillClock.milliseconds
        let decodeClock = Stopwatch()
        result.completion = try session.generate(maxNewTokens: decodeTokens)
        result.decodeMilliseconds = decodeClock.milliseconds
        result.prefillMilliseconds = prefillMilliseconds
        return result
    }
}
