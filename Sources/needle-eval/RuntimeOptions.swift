import ArgumentParser
import YOCORuntime

/// How the YOCO runtime runs (`run`, `serve`, `bench`): threads, prefill chunk, KV cache storage.
struct RuntimeOptions: ParsableArguments {
    @Option(help: "Threads for OpenBLAS and the runtime's parallel loops (default: all cores).")
    var threads: Int?

    @Option(help: "Prefill chunk size in tokens (for serve, also the prefix cache's granularity).")
    var chunk: Int = 4096

    @Option(help: "KV cache storage: f32 or f16 (half the memory).")
    var kv: String = "f32"

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1 (got \(threads))") }
        if chunk < 1 { throw ValidationError("--chunk must be at least 1 (got \(chunk)). Fix: e.g. --chunk 4096") }
        if KVDType(rawValue: kv) == nil { throw ValidationError("--kv must be f32 or f16 (got '\(kv)')") }
    }

    /// The KV storage type (`validate()` has checked the flag).
    var kvDType: KVDType { KVDType(rawValue: kv)! }
}
