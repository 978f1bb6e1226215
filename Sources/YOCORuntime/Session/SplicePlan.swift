/// How a prompt is assembled from a base context's global KV rows plus fresh computation
/// (grid-level KV reuse, issue 7). A needle-eval prompt is the run's haystack with needles spliced
/// in, cut to its length, and a question appended; the base is the same haystack without needles.
///
/// A global KV row depends on its token's self-decoder output, and that depends only on the
/// tokens inside the self-decoder's receptive field — `reach` = layers × (window − 1) tokens back
/// for sliding-window attention (RoPE there is relative, so absolute position does not matter) —
/// or on everything before it for gated retention (reach nil: a recurrent state carries the
/// whole past). So prompt row i may be copied from base row j when the two sequences agree on the
/// `reach` tokens ending at i and j; every other row is recomputed. Rows of the leading run shared
/// from position 0 are always copied (same tokens at the same positions).
struct SplicePlan: Equatable {
    enum Step: Equatable {
        /// Prompt rows start ..< start+count are base rows baseStart ..< baseStart+count.
        case copy(start: Int, baseStart: Int, count: Int)
        /// Prompt rows start ..< end are computed.
        case compute(start: Int, end: Int)
    }
    let steps: [Step]

    /// Rows taken from the base.
    var copiedRows: Int {
        steps.reduce(0) { if case let .copy(_, _, n) = $1 { return $0 + n } else { return $0 } }
    }

    /// Runs of equal tokens shared by `tokens` and `base`, found by walking both and, at each
    /// mismatch, looking for where the base resumes after an insertion into `tokens` (needles,
    /// the question). Only insertions are searched for: prompts cut from the base never delete.
    /// `anchor` tokens must match for a resumption to count.
    static func matchedRuns(tokens t: [Int32], base b: [Int32], anchor: Int = 32, maxInsertion: Int = 1 << 16)
        -> [(start: Int, baseStart: Int, count: Int)] {
        var runs: [(start: Int, baseStart: Int, count: Int)] = []
        var i = 0, j = 0
        while i < t.count && j < b.count {
            let start = i, baseStart = j
            while i < t.count && j < b.count && t[i] == b[j] { i += 1; j += 1 }
            if i > start { runs.append((start, baseStart, i - start)) }
            guard i < t.count && j < b.count else { break }
            // t[i] != b[j]: find the shortest insertion t[i ..< i+m] after which b[j...] resumes.
            let room = min(maxInsertion, t.count - i - anchor)
            guard room >= 1, j + anchor <= b.count else { break }
            var found = -1
            for m in 1...room where t[i + m] == b[j] {
                var k = 1
                while k < anchor && t[i + m + k] == b[j + k] { k += 1 }
                if k == anchor { found = m; break }
            }
            guard found > 0 else { break }
            i += found
        }
        return runs
    }

    /// The plan for `tokens` over `base`. The last token is always computed (its logits are needed).
    init(tokens: [Int32], base: [Int32], reach: Int?) {
        precondition(!tokens.isEmpty)
        var steps: [Step] = []
        var cursor = 0                      // rows before it are planned
        func copy(_ start: Int, _ baseStart: Int, _ count: Int) {
            guard count > 0 else { return }
            if start > cursor { steps.append(.compute(start: cursor, end: start)) }
            steps.append(.copy(start: start, baseStart: baseStart, count: count))
            cursor = start + count
        }
        let last = tokens.count - 1
        for run in SplicePlan.matchedRuns(tokens: tokens, base: base) {
            let end = min(run.start + run.count, last)
            if run.start == 0 && run.baseStart == 0 {
                copy(0, 0, end)
            } else if let reach {
                let skip = reach                  // rows whose field still sees the insertion
                copy(run.start + skip, run.baseStart + skip, end - run.start - skip)
            }
        }
        if cursor < tokens.count { steps.append(.compute(start: cursor, end: tokens.count)) }
        self.steps = steps
    }
}
