import Tokenizers
/// The `generate` output (DESIGN.md): one JSON object per prompt, so prompts can be fed to any
/// other runtime.
extension BuiltPrompt {
    public func jsonLine(task: String, tokenizer: any Tokenizer) -> String {
        let text = tokenizer.decode(Array(tokens[tokenizer.prefixTokens.count...]))
        let needlesJSON = needles.map {
            "{\"key\":\(JSONText.string($0.key)),\"value\":\(JSONText.string($0.value)),\"token_offset\":\($0.tokenOffset)}"
        }.joined(separator: ",")
        let questions = queries.map { tokenizer.decode($0.questionTokens) }
        let perQuery = queries.map { JSONText.array($0.expected) }.joined(separator: ",")
        return "{\"task\":\(JSONText.string(task)),\"length\":\(length),\"depth\":\(depth),\"trial\":\(trial),"
            + "\"prompt_tokens\":\(tokens.count),\"needle_token_offset\":\(needleTokenOffset),"
            + "\"expected\":\(JSONText.array(expected)),\"keys\":\(JSONText.array(queries.map(\.key))),"
            + "\"questions\":\(JSONText.array(questions)),\"expected_per_question\":[\(perQuery)],"
            + "\"needles\":[\(needlesJSON)],\"prompt\":\(JSONText.string(text))}"
    }
}
