import FuzzSupport
import Foundation
import Tokenizers

/// A tiktoken rank file (`BASE64 RANK` lines), with a `tiktoken.json` beside it when the input
/// holds a zero byte (the JSON before it: pattern, pat_str, special_tokens). Without one the file
/// is named cl100k_base.tiktoken so the encoding's pattern and specials apply.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzTiktoken(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    let (first, second) = FuzzInput.split(bytes)
    let url: URL
    if let second {
        FuzzInput.write(first, to: "custom/tiktoken.json")
        url = FuzzInput.write(second, to: "custom/custom.tiktoken")
    } else {
        url = FuzzInput.write(first, to: "named/cl100k_base.tiktoken")
    }
    guard let tokenizer = try? TokenizerFile.load(path: url.path) else { return 0 }
    exercise(tokenizer, bytes: bytes)
    return 0
}

@main
enum Main {
    static func main() { FuzzDriver.run(fuzzTiktoken) }
}
