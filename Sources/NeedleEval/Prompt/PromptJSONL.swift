import Foundation
import NeedleSupport
import Tokenizers
/// The `generate` output (docs/TASK_SPEC.md): one JSON object per prompt, so prompts can be fed to
/// any other runtime — as text, and as the exact token ids that were measured.
extension BuiltPrompt {
    /// With `run`, the line starts with the prompt's stable `id` and ends with the `run` object
    /// (docs/TASK_SPEC.md); the other fields keep their names and order.
    public func jsonLine(spec: TaskSpec, run: PromptRunDefinition? = nil) -> String {
        let needlesJSON = needles.map {
            "{\"key\":\(JSONText.string($0.key)),\"value\":\(JSONText.string($0.value)),\"token_offset\":\($0.tokenOffset)}"
        }.joined(separator: ",")
        let perQuery = queries.map { JSONText.array($0.expected) }.joined(separator: ",")
        let id = run.map { "\"id\":\(JSONText.string($0.promptID(TrialKey(length: length, depth: depth, trial: trial)))),"
        } ?? ""
        return "{" + id + "\"task\":\(JSONText.string(spec.name)),\"length\":\(length),\"depth\":\(depth),\"trial\":\(trial),"
            + "\"prompt_tokens\":\(tokens.count),\"needle_token_offset\":\(needleTokenOffset),"
            + "\"expected\":\(JSONText.array(expected)),\"keys\":\(JSONText.array(queries.map(\.key))),"
            + "\"questions\":\(JSONText.array(queries.map(\.text))),\"expected_per_question\":[\(perQuery)],"
            + "\"needles\":[\(needlesJSON)],\"stop\":\(spec.stop.map(JSONText.string) ?? "null"),"
            + "\"max_new_tokens\":\(spec.maxNewTokens),\"prompt\":\(JSONText.string(text)),"
            + "\"prompt_ids\":\(JSONText.integers(tokens))" + (run.map { ",\"run\":\($0.json)" } ?? "") + "}"
    }
}
