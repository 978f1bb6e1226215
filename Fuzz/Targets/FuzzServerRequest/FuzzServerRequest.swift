import FuzzSupport
@testable import YOCOServer
import Tokenizers

/// A request body as `needle-eval serve` reads it, for each endpoint that takes one:
/// /v1/completions, /v1/chat/completions, /tokenize and /detokenize. The body goes through the
/// server's JSON parser and the same field checks the endpoints run; the answers of /tokenize
/// and /detokenize are written out as the server would send them. A bad body must end in an
/// APIError (a 4xx with the field named), never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzServerRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let limits = RequestLimits(modelName: "yoco-niah-tiny", tokenizer: ByteTokenizer(), vocabSize: 264, contextSize: 4096)
    let value: JSONValue
    do { value = try JSONParser.parse(FuzzInput.bytes(data, size)) } catch { return 0 }
    guard let fields = try? RequestFields(value) else { return 0 }
    // Each endpoint reads the same body its own way; every path runs on every input.
    do {
        try limits.checkModel(fields)
        let prompt = try limits.completionPrompt(fields)
        _ = try limits.generation(fields, prompt: prompt, defaultMaxTokens: 16)
    } catch {}
    do {
        let prompt = limits.encode(ChatTemplate.render(try ChatTemplate.messages(fields)))
        _ = try limits.generation(fields, prompt: prompt, defaultMaxTokens: 512)
    } catch {}
    var out: [UInt8] = []
    if let reply = try? limits.tokenization(fields) { JSONWriter.write(reply, into: &out) }
    if let text = try? limits.detokenization(fields) { JSONWriter.write(.string(text), into: &out) }
    return 0
}

@main
enum Main {
    static func main() { FuzzDriver.run(fuzzServerRequest) }
}
