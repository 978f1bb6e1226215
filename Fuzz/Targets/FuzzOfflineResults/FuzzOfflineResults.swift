import FuzzSupport
import Foundation
import NeedleEval

/// The JSON-lines files of offline scoring: a prompts file (`generate --format jsonl`, maybe
/// edited) and an answers file written by someone's batch inference. Each must be read or
/// refused line by line with the field named, never trap.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOfflineResults(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let url = FuzzInput.write(UnsafeBufferPointer(start: data, count: size), to: "lines.jsonl")
    _ = try? AnswerFile.read(path: url.path)
    _ = try? PromptFile.read(path: url.path)
    return 0
}

@main
enum Main {
    static func main() { FuzzDriver.run(fuzzOfflineResults) }
}
