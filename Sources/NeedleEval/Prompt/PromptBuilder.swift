import Tokenizers
/// Builds needle-in-a-haystack prompts of exactly L tokens of the model's tokenizer.
///
/// Layout: prefix (BOS) · preamble · haystack region · first question. The region is haystack
/// filler with every needle inserted between sentences: the queried needle starts at `depth`% of
/// the filler, moved back to a sentence start (0 = first thing after the preamble, 100 = right
/// before the question); the other needles (distractors, further values of a multi-value key)
/// go to random sentence starts. Everything random comes from (seed, length, depth, trial).
///
/// Two ways to get exactly L tokens. The byte tokenizer is concatenation-stable: the prompt is
/// the tokens of its pieces put together (`buildFromPieces`, how every byte-level result so far
/// was built). A BPE tokenizer is not ("end. " + "The" is not "end. The"): the prompt is built as
/// text, and L is what the whole text encodes to (`buildWholeText`, PromptBuilder+WholeText).
public final class PromptBuilder {
    public let spec: TaskSpec
    public let tokenizer: any Tokenizer
    public let seed: UInt64
    private let haystack: Haystack
    /// Whole-text encodes the last BPE build took (1 unless a window missed a non-local merge);
    /// tests hold the fast path to it.
    var lastWholeEncodes = 0
    /// Tests: fit every BPE prompt on whole encodes (the fallback) instead of windows.
    var fitOnWholeTextOnly = false

    /// The haystack each way keeps.
    private enum Haystack {
        case pieces(HaystackTokens)
        case wholeText(HaystackText)
    }

    public init(spec: TaskSpec, tokenizer: any Tokenizer, seed: UInt64? = nil) throws {
        self.spec = spec
        self.tokenizer = tokenizer
        self.seed = seed ?? spec.seed
        let source = try HaystackTokens.source(for: spec.haystack, seed: self.seed, specFile: spec.file)
        if tokenizer is ByteTokenizer {
            haystack = .pieces(HaystackTokens(source: source, tokenizer: tokenizer))
        } else {
            haystack = .wholeText(HaystackText(source: source, tokenizer: tokenizer, spans: try TokenSpans(tokenizer: tokenizer)))
        }
    }

    /// The prompt of one cell; throws `PromptError.tooShort` when the length cannot hold the
    /// preamble, needles and question.
    public func build(length: Int, depth: Int, trial: Int) throws -> BuiltPrompt {
        precondition((0...100).contains(depth), "depth is validated by the caller")
        switch haystack {
        case .pieces(let hay): return try buildFromPieces(hay, length: length, depth: depth, trial: trial)
        case .wholeText(let hay): return try buildWholeText(hay, length: length, depth: depth, trial: trial)
        }
    }

    /// The keys of a cell and which of them are asked, in asking order (the first draws of its
    /// generator, the same for both ways of building).
    func drawKeys(_ rng: inout SeededRandom) -> (keys: [String], asked: [Int]) {
        let keys = KeyPool.draw(spec.keys, count: spec.needles, rng: &rng)
        var askOrder = Array(keys.indices)
        shuffle(&askOrder, &rng)
        return (keys, Array(askOrder.prefix(spec.queries)))
    }

    /// Concatenation-stable tokenizers: the tokens of the preamble, filler pieces, needles and
    /// question, each encoded alone, put together.
    private func buildFromPieces(_ haystack: HaystackTokens, length: Int, depth: Int, trial: Int) throws -> BuiltPrompt {
        var rng = SeededRandom(seed: seed, length: length, depth: depth, trial: trial)
        let prefix = tokenizer.prefixTokens
        let preamble = tokenizer.encode(spec.preamble)

        // Keys, and which of them are asked (in asking order).
        let (keys, askOrder) = drawKeys(&rng)
        let questionTexts = askOrder.map { fill(spec.question, key: keys[$0], value: nil) }
        let questions = questionTexts.map { tokenizer.encode($0) }

        let fixed = prefix.count + preamble.count + questions[0].count
        let region = length - fixed
        haystack.ensure(max(region, 0))

        // Values: distinct and absent from any haystack text this prompt can contain.
        let flat = try ValuePool.draw(spec.values, count: spec.needles * spec.valuesPerKey, rng: &rng) {
            !haystack.contains(self.tokenizer.encode($0), within: max(region, 0))
        }
        // needle i of key k: (key index, value); the queried one first.
        var needles: [(key: Int, value: String, tokens: [Int32])] = []
        let primary = askOrder[0]
        for k in [primary] + keys.indices.filter({ $0 != primary }) {
            for v in 0..<spec.valuesPerKey {
                let value = flat[k * spec.valuesPerKey + v]
                needles.append((k, value, tokenizer.encode(fill(spec.needle, key: keys[k], value: value))))
            }
        }
        let needleTokens = needles.reduce(0) { $0 + $1.tokens.count }
        let filler = region - needleTokens
        guard filler >= 0 else {
            throw PromptError.tooShort(length: length, minimum: fixed + needleTokens, task: spec.name)
        }

        // Insertion points in filler coordinates: the primary at the depth, the rest random.
        var points = [Int](repeating: 0, count: needles.count)
        points[0] = snap(depth == 100 ? filler : depth * filler / 100, filler: filler, haystack)
        for i in 1..<needles.count { points[i] = snap(rng.below(filler + 1), filler: filler, haystack) }
        let order = needles.indices.sorted { (points[$0], $0) < (points[$1], $1) }

        var tokens: [Int32] = []
        tokens.reserveCapacity(length)
        tokens += prefix
        tokens += preamble
        let regionStart = tokens.count
        var placed = [PlacedNeedle?](repeating: nil, count: needles.count)
        var cursor = 0
        haystack.tokens.withUnsafeBufferPointer { hay in
            for i in order {
                tokens.append(contentsOf: hay[cursor..<points[i]])
                cursor = points[i]
                placed[i] = PlacedNeedle(key: keys[needles[i].key], value: needles[i].value, tokenOffset: tokens.count)
                tokens += needles[i].tokens
            }
            tokens.append(contentsOf: hay[cursor..<filler])
        }
        tokens += questions[0]
        precondition(tokens.count == length, "prompt assembly must give exactly the requested length")

        let all = placed.map { $0! }
        let queries = askOrder.enumerated().map { (q, k) -> PromptQuery in
            let values = all.filter { $0.key == keys[k] }.sorted { $0.tokenOffset < $1.tokenOffset }.map(\.value)
            return PromptQuery(key: keys[k], text: questionTexts[q], questionTokens: questions[q], expected: values)
        }
        return BuiltPrompt(
            length: length, depth: depth, trial: trial, tokens: tokens,
            text: tokenizer.decode(Array(tokens[prefix.count...])),
            needles: all.sorted { $0.tokenOffset < $1.tokenOffset }, queries: queries,
            needleTokenOffset: all[0].tokenOffset, regionStart: regionStart, regionLength: region)
    }

    /// BOS, preamble and the haystack filler with no needle, `length` tokens: with the byte
    /// tokenizer every prompt of at most that length is this with needles inserted, cut short and
    /// a question appended — the shared context of grid-level KV reuse. With a BPE tokenizer it is
    /// the whole text's tokens, and prompts only approximately splice into it (the in-process
    /// model that splices is byte-level).
    public func needleFreeContext(length: Int) throws -> [Int32] {
        switch haystack {
        case .pieces(let hay):
            let head = tokenizer.prefixTokens + tokenizer.encode(spec.preamble)
            let filler = max(0, length - head.count)
            hay.ensure(filler)
            return head + hay.tokens[0..<filler]
        case .wholeText(let hay):
            try hay.ensure(length + HaystackText.restartTokens)
            let text = Array(spec.preamble.utf8) + hay.bytes[0..<hay.start(length)]
            return Array((tokenizer.prefixTokens + tokenizer.encode(UTF8Cut.string(text))).prefix(length))
        }
    }

    /// Moves a filler offset back to a sentence start; the filler's end is a boundary too.
    private func snap(_ offset: Int, filler: Int, _ haystack: HaystackTokens) -> Int {
        offset >= filler ? filler : haystack.sentenceStart(atOrBefore: offset)
    }

    func fill(_ template: String, key: String, value: String?) -> String {
        var s = template.replacingOccurrences(of: "{key}", with: key)
        if let value { s = s.replacingOccurrences(of: "{value}", with: value) }
        return s
    }

    private func shuffle(_ items: inout [Int], _ rng: inout SeededRandom) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) { items.swapAt(i, rng.below(i + 1)) }
    }
}

import Foundation
import NeedleSupport
