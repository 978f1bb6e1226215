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

    func answer(_ conversations: [Conversation], stop: String?, maxNewTokens: Int) throws -> [BatchAnswer] {
        batch.removeAll()
        _ = ProcessMemory.resetPeak()
        var metrics = [ResponderMetrics](repeating: ResponderMetrics(), count: conversations.count)
        for (i, c) in conversations.enumerated() {
            let clock = Stopwatch()
            try batch.add(prompt: c.prompt)
            metrics[i].prefillMilliseconds = clock.milliseconds
        }
        flush(into: &metrics, members: Array(conversations.indices))
        var outputs = [[String]](repeating: [], count: conversations.count)
        let tk = batch.model.tokenizer
        for question in 0..<(conversations.map(\.questions).max() ?? 0) {
            let asking = conversations.indices.filter { question < conversations[$0].questions }
            if question > 0 {
                for i in asking {
                    let clock = Stopwatch()
                    try batch.append(conversations[i].followUps[question - 1], to: i)
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
        let peak = ProcessMemory.peakRSSBytes, kv = kvBytes + batch.ownKVBytes
        return conversations.indices.map { i in
            metrics[i].peakRSSBytes = peak
            metrics[i].kvBytes = kv
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
