import FuzzSupport
import Foundation
import NeedleEval
import Tokenizers

/// A task spec as `--task` reads it: fields, key and value sources, haystack kinds, lengths and
/// depths. A spec that validates must build a prompt (the generator runs on what the spec
/// allows); one that does not must be refused naming its field.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzTaskSpec(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let url = FuzzInput.write(UnsafeBufferPointer(start: data, count: size), to: "task.json")
    guard let spec = try? TaskSpec.load(path: url.path) else { return 0 }
    // Small lengths only: the fuzzer explores fields, not the generator's speed at 1M tokens.
    let length = min(spec.lengths[0], 2048)
    guard let builder = try? PromptBuilder(spec: spec, tokenizer: ByteTokenizer()) else { return 0 }
    _ = try? builder.build(length: length, depth: spec.depths[0], trial: 0)
    return 0
}

@main
enum Main {
    static func main() {
        // A folder of text beside the spec, so that `"haystack": {"kind": "files", "path":
        // "texts"}` reads real files.
        let text = "Line one of a changelog.\n- 2024-05-01: version 1.2.3 fixed a bug.\n\tindented code();\nThe end.\n"
        FuzzInput.write(Array(String(repeating: text, count: 8).utf8), to: "texts/notes.txt")
        FuzzDriver.run(fuzzTaskSpec)
    }
}
