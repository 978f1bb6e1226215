import Foundation

/// tokenizer.json `post_processor`, reduced to what a single sequence gets: the special token ids
/// put before and after it (BOS, EOS).
struct PostProcessor: Sendable {
    var prefix: [Int32] = []
    var suffix: [Int32] = []

    static func parse(_ value: Any, at path: String, json j: JSONPath, idOf: (String) -> Int32?) throws -> PostProcessor {
        let d = try j.object(value, at: path)
        let type = try j.string(d["type"] ?? NSNull(), at: j.join(path, "type"))
        switch type {
        case "ByteLevel":
            return PostProcessor()                       // offsets only
        case "TemplateProcessing":
            try j.refuseUnknown(d, at: path, known: ["type", "single", "pair", "special_tokens"])
            var specials: [String: [Int32]] = [:]
            let sp = try j.object(d["special_tokens"] ?? [String: Any](), at: j.join(path, "special_tokens"))
            for (name, entry) in sp {
                let e = try j.object(entry, at: j.join(path, "special_tokens") + "." + name)
                specials[name] = try j.array(e["ids"] ?? NSNull(), at: j.join(path, "special_tokens") + ".\(name).ids")
                    .map { Int32(try j.int($0, at: j.join(path, "special_tokens") + ".\(name).ids")) }
            }
            var p = PostProcessor(), seenSequence = false
            let single = try j.array(d["single"] ?? NSNull(), at: j.join(path, "single"))
            for (i, item) in single.enumerated() {
                let at = j.join(path, "single") + "[\(i)]"
                let o = try j.object(item, at: at)
                if let s = o["SpecialToken"] {
                    let name = try j.string(try j.object(s, at: at + ".SpecialToken")["id"] ?? NSNull(), at: at + ".SpecialToken.id")
                    guard let ids = specials[name] else {
                        throw j.fail(at + ".SpecialToken.id", "names \"\(name)\", which special_tokens does not list", "list it in special_tokens")
                    }
                    if seenSequence { p.suffix += ids } else { p.prefix += ids }
                } else if o["Sequence"] != nil {
                    seenSequence = true
                } else {
                    throw j.fail(at, "is neither SpecialToken nor Sequence", "use the reference's template items")
                }
            }
            return p
        case "RobertaProcessing", "BertProcessing":
            func token(_ key: String) throws -> Int32 {
                let pair = try j.array(d[key] ?? NSNull(), at: j.join(path, key))
                guard pair.count == 2 else { throw j.fail(j.join(path, key), "is not [token, id]", "give [\"<s>\", 0]") }
                return Int32(try j.int(pair[1], at: j.join(path, key) + "[1]"))
            }
            return PostProcessor(prefix: [try token("cls")], suffix: [try token("sep")])
        case "Sequence":
            let items = try j.array(d["processors"] ?? NSNull(), at: j.join(path, "processors"))
            var p = PostProcessor()
            for (i, item) in items.enumerated() {
                let q = try parse(item, at: j.join(path, "processors") + "[\(i)]", json: j, idOf: idOf)
                p.prefix += q.prefix; p.suffix += q.suffix
            }
            return p
        default:
            throw j.unsupported(path, type, "a post-processor", use: "use TemplateProcessing, ByteLevel, RobertaProcessing, BertProcessing or Sequence")
        }
    }
}
