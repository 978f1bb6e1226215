import Foundation
import Tokenizers

/// The served model's own tokenizer, asked over HTTP (`--tokenizer server`): /tokenize and
/// /detokenize in the llama.cpp or vLLM dialect. Prompts are built to exact lengths in these
/// tokens like with a local file; the text each token stands for (which the prompt builder needs
/// to place needles by token) is learned as tokens come back — from llama.cpp's per-token pieces,
/// or by detokenizing each new id once (vLLM).
///
/// `Tokenizer` calls cannot throw: a request that fails is kept in `failure` (the responder
/// reports it before the trial's prompt is sent) and the call returns nothing.
public final class ServerTokenizer: Tokenizer, TokenTextLengths, @unchecked Sendable {
    public let name: String
    public let prefixTokens: [Int32]
    public var endOfSequenceID: Int32? { nil }
    private let server: ServerConnection
    private let dialect: ServerInfo.TokenizeDialect
    private let servedModel: String
    private let lock = NSLock()
    private var lengths: [Int32] = []
    private var firstFailure: (any Error)?

    public init(server: ServerConnection, dialect: ServerInfo.TokenizeDialect, servedModel: String) throws {
        self.server = server
        self.dialect = dialect
        self.servedModel = servedModel
        name = "server:\(servedModel)"
        // What the server puts in front of a text when asked to add its special tokens (BOS).
        let withSpecial = try Self.tokenize(server, dialect, "", addSpecial: true, servedModel: servedModel).ids
        prefixTokens = withSpecial
    }

    /// The first request that failed since the last call, cleared by reading it.
    public func takeFailure() -> (any Error)? {
        lock.withLock { defer { firstFailure = nil }; return firstFailure }
    }

    public func encode(_ text: String) -> [Int32] {
        guard !text.isEmpty else { return [] }
        do {
            let (ids, pieces) = try Self.tokenize(server, dialect, text, addSpecial: false, servedModel: servedModel)
            try learn(ids, pieces: pieces)
            return ids
        } catch {
            remember(error)
            return []
        }
    }

    public func decode(_ tokens: [Int32]) -> String {
        guard !tokens.isEmpty else { return "" }
        do {
            return try Self.detokenize(server, tokens)
        } catch {
            remember(error)
            return ""
        }
    }

    // MARK: TokenTextLengths

    public var learnsTextByteLengths: Bool { true }

    public func textByteLengths() -> [Int32] { lock.withLock { lengths } }

    /// Records the text length of tokens not seen before: from their pieces when the server sent
    /// them, else by detokenizing each alone (a token that is part of a character comes back as
    /// U+FFFD and stays unknown).
    private func learn(_ ids: [Int32], pieces: [Int]?) throws {
        var unknown: [Int32] = []
        lock.withLock {
            for (i, id) in ids.enumerated() where id >= 0 {
                if Int(id) >= lengths.count { lengths += [Int32](repeating: -1, count: Int(id) + 1 - lengths.count) }
                if lengths[Int(id)] >= 0 { continue }
                if let pieces { lengths[Int(id)] = Int32(pieces[i]) } else { unknown.append(id) }
            }
        }
        for id in Set(unknown) {
            let text = try Self.detokenize(server, [id])
            lock.withLock { lengths[Int(id)] = text.unicodeScalars.contains("\u{FFFD}") ? -1 : Int32(text.utf8.count) }
        }
    }

    private func remember(_ error: any Error) {
        lock.withLock { if firstFailure == nil { firstFailure = error } }
    }

    // MARK: Requests

    /// Ids of `text`, and each token's byte length when the server sends pieces.
    static func tokenize(_ server: ServerConnection, _ dialect: ServerInfo.TokenizeDialect, _ text: String,
                         addSpecial: Bool, servedModel: String) throws -> (ids: [Int32], pieces: [Int]?) {
        let body = try TokenizeRequest.body(dialect, text: text, addSpecial: addSpecial, servedModel: servedModel,
                                            withPieces: dialect == .content)
        return try tokens(fromReply: try server.sendRequired(.POST, "/tokenize", body: body).body)
    }

    /// A /tokenize reply's ids, and each token's byte length when it carries pieces.
    static func tokens(fromReply body: Data) throws -> (ids: [Int32], pieces: [Int]?) {
        guard let object = JSONBody.parse(body), let tokens = object["tokens"] as? [Any],
              let ids = JSONBody.ids(tokens) else {
            throw HTTPBackendError.malformedReply(endpoint: "POST /tokenize", detail: "no \"tokens\" list of ids")
        }
        // llama.cpp's pieces: a string, or the bytes when the token is not valid UTF-8 alone.
        let pieces: [Int]? = tokens.first is [String: Any] ? tokens.compactMap { item -> Int? in
            let piece = (item as? [String: Any])?["piece"]
            if let text = piece as? String { return text.utf8.count }
            return (piece as? [Any])?.count
        } : nil
        return (ids, pieces?.count == ids.count ? pieces : nil)
    }

    static func detokenize(_ server: ServerConnection, _ ids: [Int32]) throws -> String {
        try text(fromReply: try server.sendRequired(.POST, "/detokenize", body: try JSONBody.object([:], ids: "tokens", ids)).body)
    }

    /// A /detokenize reply's text (llama.cpp's `content`, vLLM's `prompt`).
    static func text(fromReply body: Data) throws -> String {
        guard let object = JSONBody.parse(body), let text = object["content"] as? String ?? object["prompt"] as? String else {
            throw HTTPBackendError.malformedReply(endpoint: "POST /detokenize", detail: "no \"content\" or \"prompt\" text")
        }
        return text
    }
}
