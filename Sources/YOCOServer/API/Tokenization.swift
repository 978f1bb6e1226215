import Tokenizers

/// The bodies of /tokenize and /detokenize, read and answered without the HTTP layer.
extension RequestLimits {
    /// llama.cpp's `{"content", "add_special": false}` and vLLM's `{"prompt",
    /// "add_special_tokens": true}`; the answer carries what both clients read.
    func tokenization(_ fields: RequestFields) throws(APIError) -> JSONValue {
        let text: String, addSpecial: Bool
        if let content = try fields.string("content") {
            text = content
            addSpecial = try fields.bool("add_special") ?? false
        } else if let prompt = try fields.string("prompt") {
            text = prompt
            addSpecial = try fields.bool("add_special_tokens") ?? true
        } else {
            throw APIError.missing("content")
        }
        let ids = (addSpecial ? tokenizer.prefixTokens : []) + tokenizer.encode(text)
        // llama.cpp's `with_pieces`: each token with the text it stands for (a string, or its
        // bytes when they are not valid UTF-8 alone), so a client can place text by token.
        if try fields.bool("with_pieces") == true {
            let pieces: [JSONValue] = ids.map { id in
                // A byte token is that byte; a special token stands for no text.
                let raw: [UInt8] = (0..<256).contains(id) ? [UInt8(id)] : Array(tokenizer.decode([id]).utf8)
                let piece: JSONValue = String(validating: raw, as: UTF8.self).map { .string($0) } ?? .integers(raw.map { Int($0) })
                return .object([("id", .int(Int(id))), ("piece", piece)])
            }
            return .object([("tokens", .array(pieces)), ("count", .int(ids.count)), ("max_model_len", .int(contextSize))])
        }
        return .object([("tokens", .integers(ids.map { Int($0) })), ("count", .int(ids.count)), ("max_model_len", .int(contextSize))])
    }

    /// `{"tokens": [ids]}` back to text; every id must be inside the vocabulary.
    func detokenization(_ fields: RequestFields) throws(APIError) -> String {
        guard let value = fields["tokens"] else { throw APIError.missing("tokens") }
        guard case let .integers(values) = value else {
            throw APIError.invalid("tokens", "'tokens' must be an array of token ids, not \(value.typeName)")
        }
        return tokenizer.decode(try tokenIDs(values, param: "tokens"))
    }
}
