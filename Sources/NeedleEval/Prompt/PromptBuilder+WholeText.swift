import NeedleSupport
import Tokenizers

extension PromptBuilder {
    /// Haystack tokens past the filler whose text is searched for drawn values: the cut moves a
    /// little while the length is fitted, and the prompt may hold that text too.
    static let valueSearchSlack = 1024

    /// BPE tokenizers: the prompt is text, and its length is what the whole text encodes to.
    ///
    /// The filler size and the needle points are worked out as in the byte path, from the pieces'
    /// own token counts, in haystack-token coordinates (the haystack encoded whole); each point
    /// becomes the byte offset of its sentence start. `WholeTextAssembler` then fits where the
    /// filler is cut so that the whole text is exactly `length` tokens with the prefix, and
    /// returns its encoding; needle offsets are the tokens holding each needle's first byte.
    func buildWholeText(_ haystack: HaystackText, length: Int, depth: Int, trial: Int) throws -> BuiltPrompt {
        var rng = SeededRandom(seed: seed, length: length, depth: depth, trial: trial)
        let prefix = tokenizer.prefixTokens
        let preambleCount = tokenizer.encode(spec.preamble).count
        let (keys, askOrder) = drawKeys(&rng)
        let questionTexts = askOrder.map { fill(spec.question, key: keys[$0], value: nil) }
        let fixed = prefix.count + preambleCount + tokenizer.encode(questionTexts[0]).count
        let region = length - fixed
        try haystack.ensure(max(region, 0) + Self.valueSearchSlack)

        // Values: distinct and absent from the haystack text this prompt can contain.
        let searched = haystack.start(max(region, 0) + Self.valueSearchSlack)
        let flat = try ValuePool.draw(spec.values, count: spec.needles * spec.valuesPerKey, rng: &rng) {
            !haystack.contains(Array($0.utf8), within: searched)
        }
        var needles: [(key: Int, value: String, text: String)] = []
        let primary = askOrder[0]
        for k in [primary] + keys.indices.filter({ $0 != primary }) {
            for v in 0..<spec.valuesPerKey {
                let value = flat[k * spec.valuesPerKey + v]
                needles.append((k, value, fill(spec.needle, key: keys[k], value: value)))
            }
        }
        let needleTokens = needles.reduce(0) { $0 + tokenizer.encode($1.text).count }
        let filler = region - needleTokens
        guard filler >= 0 else {
            throw PromptError.tooShort(length: length, minimum: fixed + needleTokens, task: spec.name)
        }

        // Insertion points, as in the byte path, then as haystack bytes (nil: the filler's end).
        var points = [Int](repeating: 0, count: needles.count)
        points[0] = depth == 100 ? filler : depth * filler / 100
        for i in 1..<needles.count { points[i] = rng.below(filler + 1) }
        let at: [Int?] = points.map { $0 >= filler ? nil : haystack.sentenceStart(atOrBeforeToken: $0) }
        let order = needles.indices.sorted { (at[$0] ?? Int.max, $0) < (at[$1] ?? Int.max, $1) }

        let layout = WholeTextLayout(haystack: haystack, preamble: Array(spec.preamble.utf8), question: Array(questionTexts[0].utf8),
                                     needles: order.map { (Array(needles[$0].text.utf8), at[$0]) })
        let assembled: WholeTextAssembler.Result
        do {
            assembled = try WholeTextAssembler(layout: layout, tokenizer: tokenizer, length: length, prefixCount: prefix.count,
                                               useWindows: !fitOnWholeTextOnly)
                .assemble(estimatedCut: haystack.start(filler))
        } catch PromptError.noExactLength {
            // Merged at their junctions, the fixed parts alone may already exceed the length.
            let minimum = prefix.count + tokenizer.encode(UTF8Cut.string(layout.text(cut: 0).bytes)).count
            if minimum > length { throw PromptError.tooShort(length: length, minimum: minimum, task: spec.name) }
            throw PromptError.noExactLength(length: length, tokenizer: tokenizer.name)
        }
        lastWholeEncodes = assembled.wholeEncodes

        // Offsets: the token holding a given byte of the text, counted after the prefix.
        let starts = try haystack.spans.starts(of: assembled.tokens, byteCount: assembled.text.count)
        func token(at byte: Int) -> Int { prefix.count + TokenSpans.token(holding: byte, starts: starts) }
        var placed = [PlacedNeedle?](repeating: nil, count: needles.count)
        for (j, i) in order.enumerated() {
            placed[i] = PlacedNeedle(key: keys[needles[i].key], value: needles[i].value, tokenOffset: token(at: assembled.needleStarts[j]))
        }
        let tokens = prefix + assembled.tokens
        let regionStart = token(at: layout.preamble.count)
        let questionStart = token(at: assembled.questionStart)

        let all = placed.map { $0! }
        let queries = askOrder.enumerated().map { (q, k) -> PromptQuery in
            let values = all.filter { $0.key == keys[k] }.sorted { $0.tokenOffset < $1.tokenOffset }.map(\.value)
            let questionTokens = q == 0 ? Array(tokens[questionStart...]) : tokenizer.encode(questionTexts[q])
            return PromptQuery(key: keys[k], text: questionTexts[q], questionTokens: questionTokens, expected: values)
        }
        return BuiltPrompt(
            length: length, depth: depth, trial: trial, tokens: tokens, text: UTF8Cut.string(assembled.text),
            needles: all.sorted { $0.tokenOffset < $1.tokenOffset }, queries: queries,
            needleTokenOffset: all[0].tokenOffset, regionStart: regionStart, regionLength: questionStart - regionStart)
    }
}
