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

/// Sentences of a folder of text files read in sorted order, repeated as often as needed.
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
            guard let data = fm.contents(atPath: url.path) else { continue }
            text += String(decoding: data, as: UTF8.self) + "\n\n"
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

    /// Splits after ., ! or ? followed by whitespace, and at blank lines (paragraphs). A run of
    /// whitespace becomes one space, or one newline when it holds a blank line, so files read as
    /// prose whatever their line wrapping.
    static func split(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var newlines = 0, inWhitespace = false
        func endWhitespaceRun() {
            let paragraph = newlines >= 2
            if paragraph || current.last.map({ ".!?".contains($0) }) == true {
                result.append(current + (paragraph ? "\n" : " "))
                current = ""
            } else {
                current.append(" ")
            }
        }
        for ch in text {
            if ch.isWhitespace {
                if !current.isEmpty { inWhitespace = true }
                if ch.isNewline { newlines += 1 }
                continue
            }
            if inWhitespace { endWhitespaceRun() }
            inWhitespace = false
            newlines = 0
            current.append(ch)
        }
        // The end of the text ends a paragraph (files are joined with blank lines).
        if !current.isEmpty { result.append(current + "\n") }
        return result
    }
}

/// `*` and `?` filename patterns, the only kind task specs need.
enum Glob {
    static func matches(_ name: String, pattern: String) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }
}
