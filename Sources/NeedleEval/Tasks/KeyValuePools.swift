import NeedleSupport
/// Draws needle keys: distinct within a prompt.
enum KeyPool {
    /// How many distinct keys the source offers; nil when practically unlimited.
    static func size(of source: KeySource) -> Int? {
        switch source {
        case .cities: return Vocabulary.cities.count
        case .words: return Vocabulary.words.count
        case .uuids: return nil
        case .numbers(let digits): return digits >= 6 ? nil : 9 * power10(digits - 1)
        case .list(let items): return items.count
        }
    }

    static func draw(_ source: KeySource, count: Int, rng: inout SeededRandom) -> [String] {
        var seen = Set<String>()
        var keys: [String] = []
        while keys.count < count {
            let key: String
            switch source {
            case .cities: key = rng.pick(Vocabulary.cities)
            case .words: key = rng.pick(Vocabulary.words)
            case .uuids: key = RandomText.uuid(&rng)
            case .numbers(let digits): key = RandomText.number(digits: digits, &rng)
            case .list(let items): key = rng.pick(items)
            }
            if seen.insert(key).inserted { keys.append(key) }
        }
        return keys
    }
}

/// Draws needle values: distinct within a prompt, and never text the haystack already holds
/// (`isFree` says whether a candidate is absent from the haystack).
enum ValuePool {
    static func size(of source: ValueSource) -> Int? {
        switch source {
        case .number(let digits): return digits >= 6 ? nil : 9 * power10(digits - 1)
        case .word: return Vocabulary.words.count
        case .uuid: return nil
        case .list(let items): return items.count
        }
    }

    static func draw(_ source: ValueSource, count: Int, rng: inout SeededRandom,
                     isFree: (String) -> Bool) throws -> [String] {
        var seen = Set<String>()
        var values: [String] = []
        var attempts = 0
        while values.count < count {
            attempts += 1
            if attempts > 1000 * (count + 10) {
                throw PromptError.noFreeValues(count: count)
            }
            let value: String
            switch source {
            case .number(let digits): value = RandomText.number(digits: digits, &rng)
            case .word: value = rng.pick(Vocabulary.words)
            case .uuid: value = RandomText.uuid(&rng)
            case .list(let items): value = rng.pick(items)
            }
            if !seen.contains(value) && isFree(value) {
                seen.insert(value); values.append(value)
            }
        }
        return values
    }
}

enum RandomText {
    /// A number with exactly `digits` digits (no leading zero).
    static func number(digits: Int, _ rng: inout SeededRandom) -> String {
        var s = String(1 + rng.below(9))
        for _ in 1..<max(digits, 1) { s += String(rng.below(10)) }
        return s
    }

    /// A random (version 4) UUID in lowercase 8-4-4-4-12 form, as RULER writes them.
    static func uuid(_ rng: inout SeededRandom) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<16 { bytes[i] = UInt8(truncatingIfNeeded: rng.next()) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        let h = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(h[$0]) }.joined(separator: "-")
    }
}

func power10(_ n: Int) -> Int { (0..<max(n, 0)).reduce(1) { acc, _ in acc * 10 } }

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
