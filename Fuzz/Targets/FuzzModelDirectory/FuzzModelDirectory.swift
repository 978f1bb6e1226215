import FuzzSupport
import YOCORuntime

/// A model directory as `--model` reads it: `config.json` (the bytes before the first zero byte)
/// and `model.safetensors` (the bytes after it), with the byte tokenizer's file. The config is
/// decoded and validated, the memory estimate that guards a run is computed from it, and the
/// weights are checked against it. Anything wrong must be a thrown error naming the field.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzModelDirectory(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let (config, weights) = FuzzInput.split(FuzzInput.bytes(data, size))
    let configURL = FuzzInput.write(config, to: "model/config.json")
    FuzzInput.write(Array(#"{"type": "bytes", "bos_id": 256, "eos_id": 257, "pad_id": 258}"#.utf8), to: "model/tokenizer.json")
    if let weights { FuzzInput.write(weights, to: "model/model.safetensors") } else { FuzzInput.remove("model/model.safetensors") }
    guard let c = try? ModelConfig.load(from: configURL) else { return 0 }
    // What `run` computes before it allocates anything: it must not overflow for any valid config.
    for kv in [KVDType.f32, .f16] {
        _ = MemoryEstimate.kvBytes(c, kvDType: kv, tokens: 1 << 20)
        _ = MemoryEstimate.sessionBytes(c, options: SessionOptions(kvDType: kv), capacity: 1 << 20)
    }
    _ = MemoryEstimate.weightBytes(c)
    guard weights != nil else { return 0 }
    _ = try? Model(directory: configURL.deletingLastPathComponent())
    return 0
}

@main
enum Main {
    static func main() { FuzzDriver.run(fuzzModelDirectory) }
}
