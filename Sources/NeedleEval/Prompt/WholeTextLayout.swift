/// The text of a prompt for a BPE tokenizer, as a function of where the filler is cut:
///
///     preamble · haystack[0..<cut] with the needles inserted · question
///
/// Each needle goes before the sentence start it was given, or at the cut when that comes first
/// (the end of the filler is a boundary too, as in the byte path).
struct WholeTextLayout {
    let haystack: HaystackText
    let preamble: [UInt8]
    let question: [UInt8]
    /// Needles in placement order: their text, and the haystack byte offset of the sentence start
    /// they go before (nil: the end of the filler).
    let needles: [(bytes: [UInt8], at: Int?)]
    /// Whole sentences left out of the filler (nil: none). Only when no cut gives the length
    /// otherwise; a needle given a sentence start inside goes where they were.
    var skip: Range<Int>?

    /// Where needle `i` goes when the filler ends at `cut`.
    func position(_ i: Int, cut: Int) -> Int {
        let p = min(needles[i].at ?? cut, cut)
        if let skip, skip.contains(p) { return skip.lowerBound }
        return p
    }

    /// Appends haystack[from..<to] (less `skip`) with every needle placed in it; needles placed at
    /// `to` are appended only when `to` is the cut (`closing`), since otherwise they belong after
    /// it. Returns where each appended needle starts in `out`, by needle index.
    @discardableResult
    func appendRegion(from: Int, to: Int, cut: Int, closing: Bool, into out: inout [UInt8]) -> [(needle: Int, start: Int)] {
        var starts: [(needle: Int, start: Int)] = []
        var h = from
        for i in needles.indices {
            let p = position(i, cut: cut)
            guard p >= from, p < to || (closing && p == to) else { continue }
            appendHaystack(h..<p, into: &out)
            h = p
            starts.append((i, out.count))
            out += needles[i].bytes
        }
        appendHaystack(h..<to, into: &out)
        return starts
    }

    private func appendHaystack(_ range: Range<Int>, into out: inout [UInt8]) {
        guard let skip, range.overlaps(skip) else { out += haystack.bytes[range]; return }
        out += haystack.bytes[range.lowerBound..<max(range.lowerBound, skip.lowerBound)]
        out += haystack.bytes[min(max(range.lowerBound, skip.upperBound), range.upperBound)..<range.upperBound]
    }

    /// The whole prompt text for a cut, with where each needle and the question start.
    func text(cut: Int) -> (bytes: [UInt8], needleStarts: [Int], questionStart: Int) {
        var out: [UInt8] = []
        out.reserveCapacity(preamble.count + cut + needles.reduce(0) { $0 + $1.bytes.count } + question.count)
        out += preamble
        var needleStarts = [Int](repeating: 0, count: needles.count)
        for (i, start) in appendRegion(from: 0, to: cut, cut: cut, closing: true, into: &out) { needleStarts[i] = start }
        let questionStart = out.count
        out += question
        return (out, needleStarts, questionStart)
    }

    /// This layout leaving out the `count` sentences before the one holding `cut`; nil when they
    /// would reach back before `lower`.
    func skipping(_ count: Int, before cut: Int, notBefore lower: Int) -> WholeTextLayout? {
        guard count > 0 else { return self }
        let starts = haystack.sentenceStarts
        var lo = 0, hi = starts.count - 1, holding = 0
        while lo <= hi {
            let mid = (lo + hi) / 2
            if starts[mid] <= cut { holding = mid; lo = mid + 1 } else { hi = mid - 1 }
        }
        guard holding - count >= 0, starts[holding - count] > lower else { return nil }
        var copy = self
        copy.skip = starts[holding - count]..<starts[holding]
        return copy
    }
}
