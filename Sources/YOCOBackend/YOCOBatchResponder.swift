import Foundation
import NeedleEval
import NeedleSupport
import YOCORuntime

/// Answers a group of cells together (`DecodeBatch`): each prompt is spliced into the run's
/// prefilled haystack, then all of them decode at once, so every step reads the haystack's KV
/// rows once for the group instead of once per cell. Per-trial times are each cell's own splice
/// plus an even share of every batched pass it took part in.
final class YOCOBatchResponder: BatchResponder {
    let batch: DecodeBatch
    let batchSize: Int
    private let kvBytes: Int

    init(batch: DecodeBatch, batchSize: Int) {
        self.batch = batch
        self.batchSize = batchSize
        kvBytes = batch.base?.bytes ?? 0
    }

    func answer(_ count: Int, conversation: (Int) throws -> Conversation, stop: String?, maxNewTokens: Int) throws -> [BatchAnswer] {
        batch.removeAll()
        _ = ProcessMemory.resetPeak()
        var metrics = [ResponderMetrics](repeating: ResponderMetrics(), count: count)
        var followUps: [[[Int32]]] = []
        for i in 0..<count {
            let c = try conversation(i)      // its prompt is dropped once spliced in
            let clock = Stopwatch()
            try batch.add(prompt: c.prompt)
            metrics[i].prefillMilliseconds = clock.milliseconds
            followUps.append(c.followUps)
        }
        flush(into: &metrics, members: Array(0..<count))
        var outputs = [[String]](repeating: [], count: count)
        let tk = batch.model.tokenizer
        for question in 0..<(1 + (followUps.map(\.count).max() ?? 0)) {
            let asking = (0..<count).filter { question <= followUps[$0].count }
            if question > 0 {
                for i in asking {
                    let clock = Stopwatch()
                    try batch.append(followUps[i][question - 1], to: i)
                    metrics[i].prefillMilliseconds += clock.milliseconds
                }
                flush(into: &metrics, members: asking)
            }
            let before = asking.map { batch.decodeSeconds(of: $0) }
            let answers = try batch.generate(maxNewTokens: maxNewTokens, stop: stop, members: asking)
            for (j, i) in asking.enumerated() {
                outputs[i].append(tk.decode(answers[j]))
                metrics[i].decodeMilliseconds += (batch.decodeSeconds(of: i) - before[j]) * 1000
                metrics[i].generatedTokens += answers[j].count
            }
        }
        let ownBytes = batch.ownKVBytes
        batch.removeAll()                    // the members' own KV rows go with the batch
        let peak = ProcessMemory.peakRSSBytes
        return (0..<count).map { i in
            metrics[i].peakRSSBytes = peak
            metrics[i].kvBytes = kvBytes + ownBytes
            return BatchAnswer(outputs: outputs[i], metrics: metrics[i])
        }
    }

    /// The batched pass for the prompts' (or follow-ups') last tokens, its time shared out as prefill.
    private func flush(into metrics: inout [ResponderMetrics], members: [Int]) {
        let clock = Stopwatch()
        batch.flush()
        let share = clock.milliseconds / Double(max(1, members.count))
        for i in members { metrics[i].prefillMilliseconds += share }
    }
}
