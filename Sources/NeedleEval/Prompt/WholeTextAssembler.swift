import Tokenizers

/// Finds the filler cut that makes a prompt's whole text exactly `target` tokens of a BPE
/// tokenizer, and returns those tokens (the encoding of the whole text, verified).
///
/// BPE is not concatenation-stable, but it is local: away from where a needle, the preamble or
/// the question meets the haystack, the whole text's tokens are the haystack's own (cached in
/// `HaystackText`). So the text is split into windows around those junctions, each encoded with a
/// little haystack on both sides as context; a window counts only when its context comes out as
/// the cached tokens, ending exactly at the window's edge (so the edge is a token boundary of the
/// whole text). Between windows the cached tokens are taken as they are. Only the last window —
/// the end of the filler, needles at the end and the question — depends on the cut, so fitting
/// the length re-encodes a few hundred bytes per step: the cut moves by the missing token count
/// in haystack tokens (one step usually lands it, since haystack tokens are the prompt's tokens
/// there), then scans neighbouring characters for an exact hit. The whole text is encoded once at
/// the end to verify; if anything non-local slipped through, the cut is fitted again on whole
/// encodes (slower, but exact for any tokenizer).
struct WholeTextAssembler {
    let layout: WholeTextLayout
    let tokenizer: any Tokenizer
    /// The prompt length asked for, and how many of its tokens the prefix (BOS) takes.
    let length: Int
    let prefixCount: Int
    /// False: skip the windows and fit on whole encodes (the fallback; tests compare the two).
    var useWindows = true

    /// Tokens the text must encode to.
    var target: Int { length - prefixCount }

    var haystack: HaystackText { layout.haystack }

    /// Sentences before the cut that may be left out when no cut hits the length (each try
    /// shifts which count the cut must reach, away from the one the text skips).
    static let maxSkippedSentences = 3

    /// How much haystack each window takes in.
    struct Margins {
        /// Haystack tokens kept on each side of a needle inside its window.
        var needle = 16
        /// Haystack tokens encoded as context beside a window; `check` of them must come out as
        /// the cached tokens.
        var context = 16
        var check = 8
        /// Haystack tokens before the estimated cut where the last window begins.
        var tail = 64

        func widened() -> Margins { Margins(needle: needle * 4, context: context * 4, check: check * 2, tail: tail * 4) }
    }

    struct Result {
        /// The encoding of `text` (no prefix tokens), `target` long.
        var tokens: [Int32]
        var text: [UInt8]
        var needleStarts: [Int]
        var questionStart: Int
        /// Whole-text encodes it took (1 when the windows were right).
        var wholeEncodes: Int
    }

    /// Haystack tokens [first, end) of the cache and the needles placed among them, encoded on its
    /// own; the first window also holds the preamble (it starts the text), the last one (`end`
    /// nil) runs to the cut and holds the question.
    struct Window {
        var first: Int
        var end: Int?
        var isHead: Bool { first == 0 }
    }

    func assemble(estimatedCut: Int) throws -> Result {
        for margins in useWindows ? [Margins(), Margins().widened()] : [] {
            if let result = try assembleByWindows(estimatedCut: estimatedCut, margins: margins) { return result }
        }
        return try fitOnWholeText(from: estimatedCut)
    }

    // MARK: Windows

    /// Nil when a window's edge is not a token boundary of its context, when no cut gives the
    /// length, or when the whole text does not encode as assembled.
    private func assembleByWindows(estimatedCut: Int, margins m: Margins) throws -> Result? {
        try haystack.ensure(haystack.token(holding: estimatedCut) + m.tail + 2 * m.context)
        let windows = plan(estimatedCut: estimatedCut, margins: m)
        var fixed: [[Int32]] = []
        var fixedCount = 0
        for (i, w) in windows.dropLast().enumerated() {
            guard let tokens = try encode(w, cut: estimatedCut, layout: layout, margins: m) else { return nil }
            fixed.append(tokens)
            fixedCount += tokens.count + windows[i + 1].first - w.end!
        }
        let tail = windows.last!
        var fitted: (layout: WholeTextLayout, cut: Int, tail: [Int32])?
        for skipped in 0...Self.maxSkippedSentences {
            guard let layout = layout.skipping(skipped, before: estimatedCut, notBefore: tail.isHead ? 0 : haystack.start(tail.first))
            else { break }
            let lower = layout.skip?.upperBound ?? (tail.isHead ? 0 : haystack.start(tail.first))
            if let (cut, tokens) = try fit(from: estimatedCut, lower: lower, scan: 64, count: { cut in
                try encode(tail, cut: cut, layout: layout, margins: m).map { (fixedCount + $0.count, $0) }
            }) {
                fitted = (layout, cut, tokens)
                break
            }
        }
        guard let (layout, cut, tailTokens) = fitted else { return nil }

        var tokens: [Int32] = []
        tokens.reserveCapacity(target)
        for (i, w) in windows.dropLast().enumerated() {
            tokens += fixed[i]
            tokens += haystack.tokens[w.end!..<windows[i + 1].first]
        }
        tokens += tailTokens
        let text = layout.text(cut: cut)
        let whole = tokenizer.encode(UTF8Cut.string(text.bytes))
        guard whole == tokens else { return nil }
        return Result(tokens: whole, text: text.bytes, needleStarts: text.needleStarts, questionStart: text.questionStart,
                      wholeEncodes: 1)
    }

    /// The windows, in order: one at the start, one around each group of needles that sit close
    /// together, and the last from a little before the estimated cut to the end. Windows closer
    /// than two contexts merge (a short prompt is one window).
    private func plan(estimatedCut: Int, margins m: Margins) -> [Window] {
        let cutToken = haystack.token(holding: estimatedCut)
        var spans: [(first: Int, end: Int?)] = [(0, m.needle)]
        var tailFirst = cutToken - m.tail
        for needle in layout.needles {
            guard let at = needle.at, at < estimatedCut else { continue }
            let t = haystack.token(holding: at)
            if t + m.needle + 1 + 2 * m.context >= tailFirst {
                tailFirst = min(tailFirst, t - m.needle)
            } else {
                spans.append((t - m.needle, t + m.needle + 1))
            }
        }
        spans.append((tailFirst, nil))
        spans = spans.map { (haystack.scalarAligned(max(0, $0.first)), $0.end.map(scalarAlignedForward)) }
        spans.sort { $0.first < $1.first || ($0.first == $1.first && $0.end != nil && $1.end == nil) }
        var windows: [Window] = []
        for s in spans {
            if var last = windows.last, let lastEnd = last.end, s.first < lastEnd + 2 * m.context {
                last.end = s.end.map { max(lastEnd, $0) }
                windows[windows.count - 1] = last
            } else if let last = windows.last, last.end == nil {
                continue                                   // already inside the last window
            } else {
                windows.append(Window(first: s.first, end: s.end))
            }
        }
        return windows
    }

    private func scalarAlignedForward(_ index: Int) -> Int {
        var i = index
        while i < haystack.tokens.count && haystack.scalarAligned(i) != i { i += 1 }
        return i
    }

    /// The tokens of `w` as they are in the whole text, or nil when its context does not line up.
    private func encode(_ w: Window, cut: Int, layout: WholeTextLayout, margins m: Margins) throws -> [Int32]? {
        var text: [UInt8] = []
        var leftEdge = 0
        if !w.isHead {
            let from = haystack.scalarAligned(w.first - m.context)
            text += haystack.bytes[haystack.start(from)..<haystack.start(w.first)]
            leftEdge = text.count
        } else {
            text += layout.preamble
        }
        let bodyFrom = w.isHead ? 0 : haystack.start(w.first)
        layout.appendRegion(from: bodyFrom, to: w.end.map(haystack.start) ?? cut, cut: cut, closing: w.end == nil, into: &text)
        if w.end == nil { text += layout.question }
        let rightEdge = text.count
        if let end = w.end { text += haystack.bytes[haystack.start(end)..<haystack.start(scalarAlignedForward(end + m.context))] }

        let encoded = tokenizer.encode(UTF8Cut.string(text))
        let starts = try haystack.spans.starts(of: encoded, byteCount: text.count)
        var a = 0, b = encoded.count
        if !w.isHead {
            a = TokenSpans.token(holding: leftEdge, starts: starts)
            guard starts[a] == leftEdge, a >= m.check,
                  encoded[(a - m.check)..<a].elementsEqual(haystack.tokens[(w.first - m.check)..<w.first]) else { return nil }
        }
        if let end = w.end {
            b = TokenSpans.token(holding: rightEdge, starts: starts)
            guard starts[b] == rightEdge, b > a, b + m.check <= encoded.count,
                  encoded[b..<(b + m.check)].elementsEqual(haystack.tokens[end..<(end + m.check)]) else { return nil }
        }
        return Array(encoded[a..<b])
    }

    // MARK: Fitting the cut

    /// The cut (at or after `lower`) whose prompt `count` says is exactly `target` tokens, and
    /// what `count` returned with it; nil when none is found near the estimate. Steps move the cut
    /// by the missing number of haystack tokens; then the characters up to `scan` bytes around the
    /// closest cut are tried in order of distance (a count can skip a value where one character
    /// changes two tokens: then there is no such cut, and the caller leaves sentences out).
    private func fit<T>(from estimate: Int, lower: Int, scan: Int, count: (Int) throws -> (Int, T)?) throws -> (Int, T)? {
        var cut = max(lower, UTF8Cut.scalarStart(atOrBefore: estimate, in: haystack.bytes))
        var tried = Set<Int>()
        var closest = (cut: cut, miss: Int.max)
        for _ in 0..<12 {
            guard let (n, value) = try count(cut) else { return nil }
            let miss = target - n
            if miss == 0 { return (cut, value) }
            tried.insert(cut)
            if abs(miss) < closest.miss { closest = (cut, abs(miss)) }
            let next = try moved(cut, byTokens: miss, lower: lower)
            if tried.contains(next) { break }
            cut = next
        }
        for distance in 1...scan {
            for candidate in [closest.cut + distance, closest.cut - distance] {
                guard candidate >= lower, candidate < haystack.bytes.count, !tried.contains(candidate),
                      UTF8Cut.isScalarStart(haystack.bytes[candidate]) else { continue }
                try haystack.ensure(haystack.token(holding: candidate) + 1)
                guard let (n, value) = try count(candidate) else { return nil }
                if n == target { return (candidate, value) }
            }
        }
        return nil
    }

    /// `cut` moved by `tokens` haystack tokens, at a character start, not before `lower`.
    private func moved(_ cut: Int, byTokens tokens: Int, lower: Int) throws -> Int {
        let from = haystack.token(holding: cut)
        try haystack.ensure(from + max(tokens, 0) + 1)
        let to = max(0, min(from + tokens, haystack.settled))
        return max(lower, UTF8Cut.scalarStart(atOrBefore: haystack.start(to), in: haystack.bytes))
    }

    /// The fallback: the same fit with the whole text encoded at every step (and a narrower scan:
    /// each try costs a whole encode).
    private func fitOnWholeText(from estimate: Int) throws -> Result {
        var encodes = 0
        for skipped in 0...Self.maxSkippedSentences {
            guard let layout = layout.skipping(skipped, before: estimate, notBefore: 0) else { break }
            if let (cut, tokens) = try fit(from: estimate, lower: layout.skip?.upperBound ?? 0, scan: 8, count: { cut in
                encodes += 1
                let tokens = tokenizer.encode(UTF8Cut.string(layout.text(cut: cut).bytes))
                return (tokens.count, tokens)
            }) {
                let text = layout.text(cut: cut)
                return Result(tokens: tokens, text: text.bytes, needleStarts: text.needleStarts, questionStart: text.questionStart,
                              wholeEncodes: encodes)
            }
        }
        throw PromptError.noExactLength(length: length, tokenizer: tokenizer.name)
    }
}
