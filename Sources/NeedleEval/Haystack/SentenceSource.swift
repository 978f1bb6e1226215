import Foundation

/// An endless stream of sentences, each ending with its trailing whitespace. Needles are inserted
/// only between sentences, so a sentence is the unit of "depth moved back to a sentence boundary".
public protocol SentenceSource {
    mutating func nextSentence() -> String
}

/// RULER's noise haystack: the same five filler sentences over and over.
public struct NoiseSentences: SentenceSource {
    static let sentences = [
        "The grass is green. ", "The sky is blue. ", "The sun is yellow. ", "Here we go. ",
        "There and back again. ",
    ]
    private var index = 0
    public init() {}
    public mutating func nextSentence() -> String {
        defer { index = (index + 1) % Self.sentences.count }
        return Self.sentences[index]
    }
}

/// Sentences and lines of a folder of text files read in sorted order, repeated as often as needed.
/// The files' text is kept byte for byte (line breaks, blank lines, indentation, tabs), because a
/// haystack of a user's own files should be that text as written: a needle then lands where real text
/// puts things — at the start of a line, inside an indented block, after a date — not in a reflowed copy.
public struct FileSentences: SentenceSource {
    private let sentences: [String]
    private var index = 0

    /// Throws when the folder is missing or holds no matching non-empty text.
    public init(folder: URL, glob: String, specFile: String) throws {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder.path) else {
            throw TaskSpecError(file: specFile, field: "haystack.path",
                                message: "folder \(folder.path) does not exist or cannot be read")
        }
        var text = ""
        for name in names.sorted() where Glob.matches(name, pattern: glob) {
            let url = folder.appendingPathComponent(name)
            guard let data = fm.contents(atPath: url.path), !data.isEmpty else { continue }
            text += String(decoding: data, as: UTF8.self)
            // A file that does not end its last line gets one line break, so the next file starts a line.
            if !text.hasSuffix("\n") { text += "\n" }
        }
        let split = FileSentences.split(text)
        guard !split.isEmpty else {
            throw TaskSpecError(file: specFile, field: "haystack.path",
                                message: "no text in files matching '\(glob)' under \(folder.path); point it at a folder of .txt files")
        }
        sentences = split
    }

    public mutating func nextSentence() -> String {
        defer { index = (index + 1) % sentences.count }
        return sentences[index]
    }

    /// Splits `text` into units whose concatenation is `text` again. A unit ends
    /// - at a line break: the run of whitespace that holds it stays with the unit up to and including
    ///   its last line break (so blank lines stay), and the next line's indentation starts the next unit;
    /// - after `.`, `!` or `?` followed by spaces or tabs inside a line: the spaces stay with the sentence.
    /// Needles go between units, so they land at line starts and after sentences, as in real text.
    /// Text with nothing but whitespace gives no units.
    static func split(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""       // the unit being read, up to the whitespace run
        var whitespace = ""    // the whitespace run after it, not yet placed
        func placeWhitespace() {
            if result.isEmpty && current.allSatisfy(\.isWhitespace) {
                current += whitespace   // whitespace that opens the text starts the first unit
            } else if let lastBreak = whitespace.lastIndex(where: { $0.isNewline }) {
                let end = whitespace.index(after: lastBreak)
                result.append(current + whitespace[..<end])
                current = String(whitespace[end...])
            } else if current.last.map({ ".!?".contains($0) }) == true {
                result.append(current + whitespace)
                current = ""
            } else {
                current += whitespace
            }
            whitespace = ""
        }
        for ch in text {
            if ch.isWhitespace {
                whitespace.append(ch)
                continue
            }
            if !whitespace.isEmpty { placeWhitespace() }
            current.append(ch)
        }
        // The end of the text: trailing whitespace stays with the last unit.
        if current.contains(where: { !$0.isWhitespace }) {
            result.append(current + whitespace)
        } else if !result.isEmpty {
            result[result.count - 1] += current + whitespace
        }
        return result
    }
}

/// `*` and `?` filename patterns, the only kind task specs need.
enum Glob {
    static func matches(_ name: String, pattern: String) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }
}
