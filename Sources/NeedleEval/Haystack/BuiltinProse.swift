import NeedleSupport
/// The built-in haystack: deterministic English-like prose. Sentences of real words with a few
/// names and small numbers, drawn by a seeded generator, so the text has no period a model could
/// learn (the generator's period is 2^64 draws) and the same seed always gives the same text.
/// Numbers have at most four digits, so they never collide with needle values of 5+ digits.
public struct BuiltinProse: SentenceSource {
    private var rng: SeededRandom

    public init(seed: UInt64) { rng = SeededRandom(seed: SeededRandom.mix(seed ^ 0x7072_6F73_6521)) }

    public mutating func nextSentence() -> String {
        let L = ProseLexicon.self
        switch rng.below(8) {
        case 0:
            return "\(rng.pick(L.names)) \(rng.pick(L.verbs)) the \(rng.pick(L.adjectives)) \(rng.pick(L.nouns)) \(rng.pick(L.places)). "
        case 1:
            return "\(rng.pick(L.connectives)), the \(rng.pick(L.nouns)) was \(rng.pick(L.adverbs)) \(rng.pick(L.adjectives)) and \(rng.pick(L.adjectives)). "
        case 2:
            let count = 2 + rng.below(98)
            return "There were \(count) \(rng.pick(L.adjectives)) \(plural(rng.pick(L.nouns))) \(rng.pick(L.places)) \(rng.pick(L.times)). "
        case 3:
            return "\(rng.pick(L.names)) and \(rng.pick(L.names)) \(rng.pick(L.adverbs)) \(rng.pick(L.verbs)) a \(rng.pick(L.nouns)) \(rng.pick(L.times)). "
        case 4:
            let year = 1800 + rng.below(225)
            return "In \(year) the \(rng.pick(L.nouns)) \(rng.pick(L.places)) \(rng.pick(L.verbs)) the \(rng.pick(L.nouns)) of \(rng.pick(L.names)). "
        case 5:
            return "The \(rng.pick(L.adjectives)) \(rng.pick(L.nouns)) \(rng.pick(L.verbs)) the \(rng.pick(L.nouns)), and \(rng.pick(L.names)) \(rng.pick(L.verbs)) it \(rng.pick(L.adverbs)). "
        case 6:
            return "\(rng.pick(L.times).capitalizedFirst) \(rng.pick(L.names)) \(rng.pick(L.verbs)) \(1 + rng.below(12)) \(plural(rng.pick(L.nouns))) for the \(rng.pick(L.nouns)). "
        default:
            return "Nobody \(rng.pick(L.verbs)) the \(rng.pick(L.nouns)) \(rng.pick(L.places)), so the \(rng.pick(L.nouns)) stayed \(rng.pick(L.adjectives)). "
        }
    }

    private func plural(_ noun: String) -> String {
        if noun.hasSuffix("y") && !noun.hasSuffix("ey") && !noun.hasSuffix("ay") { return noun.dropLast() + "ies" }
        if noun.hasSuffix("s") || noun.hasSuffix("ch") || noun.hasSuffix("sh") { return noun + "es" }
        return noun + "s"
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
