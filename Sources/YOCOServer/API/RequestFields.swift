/// Typed reads of a request body's fields, each refusing the wrong type with a 400 that names
/// the field. A JSON null counts as absent (clients send `"stop": null`).
struct RequestFields {
    let value: JSONValue

    init(_ value: JSONValue) throws(APIError) {
        guard case .object = value else {
            throw APIError.invalid("body", "the request body must be a JSON object, not \(value.typeName)")
        }
        self.value = value
    }

    subscript(key: String) -> JSONValue? {
        guard let v = value[key], v != .null else { return nil }
        return v
    }

    func string(_ key: String) throws(APIError) -> String? {
        guard let v = self[key] else { return nil }
        guard case let .string(s) = v else { throw APIError.invalid(key, "'\(key)' must be a string, not \(v.typeName)") }
        return s
    }

    func bool(_ key: String) throws(APIError) -> Bool? {
        guard let v = self[key] else { return nil }
        guard case let .bool(b) = v else { throw APIError.invalid(key, "'\(key)' must be a boolean, not \(v.typeName)") }
        return b
    }

    /// An integer; a whole-valued number is taken too (16.0), anything past Int's range is
    /// reported as too large.
    func int(_ key: String) throws(APIError) -> Int? {
        guard let v = self[key] else { return nil }
        switch v {
        case let .int(n): return n
        case let .double(d) where d == d.rounded():
            guard abs(d) < 9.2e18 else { throw APIError.invalid(key, "'\(key)' is too large (\(d))") }
            return Int(d)
        default: throw APIError.invalid(key, "'\(key)' must be an integer, not \(v.typeName)")
        }
    }

    func number(_ key: String) throws(APIError) -> Double? {
        guard let v = self[key] else { return nil }
        switch v {
        case let .int(n): return Double(n)
        case let .double(d): return d
        default: throw APIError.invalid(key, "'\(key)' must be a number, not \(v.typeName)")
        }
    }

    /// A number within `range`.
    func number(_ key: String, in range: ClosedRange<Double>) throws(APIError) -> Double? {
        guard let d = try number(key) else { return nil }
        guard range.contains(d) else {
            throw APIError.invalid(key, "'\(key)' must be between \(range.lowerBound) and \(range.upperBound) (got \(d))")
        }
        return d
    }

    /// Refuses OpenAI options this server does not implement when they ask for something other
    /// than the default, so that no client gets a silently different answer.
    func refuseUnsupported() throws(APIError) {
        if let n = try int("n"), n != 1 { throw APIError.invalid("n", "only n = 1 is supported (got \(n))") }
        if let n = try int("best_of"), n != 1 { throw APIError.invalid("best_of", "only best_of = 1 is supported (got \(n))") }
        if try bool("echo") == true { throw APIError.invalid("echo", "echo is not supported") }
        if let v = self["logprobs"], v != .bool(false), v != .int(0) {
            throw APIError.invalid("logprobs", "logprobs are not supported")
        }
        if let v = self["top_logprobs"], v != .int(0) { throw APIError.invalid("top_logprobs", "logprobs are not supported") }
        for key in ["presence_penalty", "frequency_penalty"] {
            if let p = try number(key), p != 0 { throw APIError.invalid(key, "\(key) is not supported (got \(p))") }
        }
        if let s = try string("suffix"), !s.isEmpty { throw APIError.invalid("suffix", "suffix is not supported") }
        if let v = self["logit_bias"], v != .object([]) { throw APIError.invalid("logit_bias", "logit_bias is not supported") }
        if let v = self["tools"], v != .integers([]) { throw APIError.invalid("tools", "tools are not supported") }
    }
}
