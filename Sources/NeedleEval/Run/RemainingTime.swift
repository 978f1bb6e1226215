/// The time a run has left, from how long its finished trials took. Cells are not worth the same:
/// an answer's decode reads the whole context, so a 1M-token trial costs about a hundred times a
/// 1K one even when the haystack was prefilled once for all of them, and a prompt prefilled on its
/// own costs in proportion to its length. Each cell is weighed by `GridCostModel` (the model that
/// balances shards), and the weight still to do is divided by the rate at which weight got done.
/// Only the model's ratios matter; the machine's speed comes from the measured rate.
///
/// Cells decoded together (groups of `decodeBatch`, in the order they run) finish together and
/// cost what their group costs: each weighs an equal share of it.
public struct RemainingTime: Sendable {
    private let model: GridCostModel
    private let sharedPrefill: Bool
    private var weights: [TrialKey: Int64] = [:]
    private var left: Int64 = 0
    private var done: Int64 = 0

    /// `sharedPrefill`: the haystack was prefilled once before the trials (grid-level KV reuse),
    /// so a trial costs its splice, question and decode; otherwise also its own prefill.
    /// `decodeBatch`: cells answered together (1: one at a time).
    public init(pending: [TrialKey], sharedPrefill: Bool, decodeBatch: Int = 1, model: GridCostModel = .reference) {
        self.model = model
        self.sharedPrefill = sharedPrefill
        if decodeBatch > 1 {
            for start in stride(from: 0, to: pending.count, by: decodeBatch) {
                let group = pending[start..<min(pending.count, start + decodeBatch)]
                let share = model.batch(group.count, longest: group.map(\.length).max()!) / Int64(group.count)
                for key in group { weights[key] = share }
            }
        }
        left = pending.reduce(0) { $0 + weight(of: $1) }
    }

    /// A cell's predicted cost, in the model's nanoseconds, when cells run one at a time.
    public func weight(length: Int) -> Int64 {
        model.trials(1, length: length) + (sharedPrefill ? 0 : model.prefill(longest: length))
    }

    private func weight(of key: TrialKey) -> Int64 { weights[key] ?? weight(length: key.length) }

    public mutating func finished(_ key: TrialKey) {
        let w = weight(of: key)
        done += w
        left = max(0, left - w)
    }

    /// Seconds left, given the seconds the finished trials have taken so far; nil before any.
    public func seconds(elapsed: Double) -> Double? {
        guard done > 0 else { return nil }
        return Double(left) * elapsed / Double(done)
    }
}
