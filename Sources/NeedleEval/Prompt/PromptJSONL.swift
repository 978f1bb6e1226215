import Foundation
import NeedleSupport
import Tokenizers
/// The `generate` output (docs/TASK_SPEC.md): one JSON object per prompt, so prompts can be fed to
/// any other runtime — as text, and as the exact token ids that were measured.
extension BuiltPrompt {
    public func jsonLine(spec: TaskSpec) -> String {
        let needlesJSON = needles.map {
            "{\"key\":\(JSONText.string($0.key)),\"value\":\(JSONText.string($0.value)),\"token_offset\":\($0.tokenOffset)}"
        }.joined(separator: ",")
        let perQuery = queries.map { JSONText.array($0.expected) }.joined(separator: ",")
        return "{\"task\":\(JSONText.string(spec.name)),\"length\":\(length),\"depth\":\(depth),\"trial\":\(trial),"
            + "\"prompt_tokens\":\(tokens.count),\"needle_token_offset\":\(needleTokenOffset),"
            + "\"expected\":\(JSONText.array(expected)),\"keys\":\(JSONText.array(queries.map(\.key))),"
            + "\"questions\":\(JSONText.array(queries.map(\.text))),\"expected_per_question\":[\(perQuery)],"
            + "\"needles\":[\(needlesJSON)],\"stop\":\(spec.stop.map(JSONText.string) ?? "null"),"
            + "\"max_new_tokens\":\(spec.maxNewTokens),\"prompt\":\(JSONText.string(text)),"
            + "\"prompt_ids\":\(JSONText.integers(tokens))}"
    }
}
