/// One length of a run as `needle-eval report` shows it: answered trials, their mean prefill and
/// decode time and the most memory any of them used (`error` trials are left out).
public struct LengthStats: Sendable, Equatable {
    public var length: Int
    public var trials: Int
    public var correct: Int
    public var meanPrefillMilliseconds: Double
    public var meanDecodeMilliseconds: Double
    public var peakRSSBytes: Int
    public var kvBytes: Int

    public init(length: Int, trials: Int, correct: Int, meanPrefillMilliseconds: Double,
                meanDecodeMilliseconds: Double, peakRSSBytes: Int, kvBytes: Int) {
        self.length = length
        self.trials = trials
        self.correct = correct
        self.meanPrefillMilliseconds = meanPrefillMilliseconds
        self.meanDecodeMilliseconds = meanDecodeMilliseconds
        self.peakRSSBytes = peakRSSBytes
        self.kvBytes = kvBytes
    }
}

extension ResultsStore {
    /// Per length of a run, shortest first: answered trials, correct ones, mean times and peaks.
    public func lengthStats(runID: Int64) throws -> [LengthStats] {
        let statement = try database.prepare("""
            SELECT length, count(*), sum(correct), avg(prefill_ms), avg(decode_ms), max(peak_rss_bytes), max(kv_bytes)
            FROM trials WHERE run_id = ? AND status = 'ok' GROUP BY length ORDER BY length
            """)
        try statement.bind(runID, at: 1)
        var stats: [LengthStats] = []
        while try statement.step() {
            stats.append(LengthStats(
                length: statement.int(at: 0), trials: statement.int(at: 1), correct: statement.int(at: 2),
                meanPrefillMilliseconds: statement.double(at: 3), meanDecodeMilliseconds: statement.double(at: 4),
                peakRSSBytes: statement.int(at: 5), kvBytes: statement.int(at: 6)))
        }
        return stats
    }
}
