import Foundation
import YOCORuntime

/// Everything `needle-eval serve` can be told. The command line fills it; tests build it directly.
public struct ServerOptions: Sendable {
    /// Model directory (config.json, model.safetensors, tokenizer.json).
    public var modelDirectory: String
    /// The name clients must give in `model`; nil = the directory's last path component.
    public var servedModelName: String?
    public var host = "127.0.0.1"
    /// 0 = any free port (the real one is reported when listening).
    public var port = 8080
    /// The bearer token every request but GET /health must carry; nil = no authentication.
    public var apiKey: String?
    /// Maximum context (prompt + max_tokens) in tokens; nil = 1M (2^20), or what fits in memory.
    public var contextSize: Int?
    /// Requests that may wait behind the running one before new ones get 503.
    public var queueLimit = 16
    /// Largest request body in bytes (a 1M-token id array is about 7 MB).
    public var maxBodyBytes = 16 << 20
    /// Seconds a client has to send its request body (408 after), and, plus a second, to send
    /// headers or a next request on a kept-alive connection (closed after).
    public var requestTimeout: Double = 60
    /// Refuse contexts whose memory estimate exceeds this; nil = the memory available.
    public var maxMemory: Int?
    public var threads: Int?
    public var chunk = 4096
    public var kv: KVDType = .f32
    /// Byte budget of the prefix cache's chunk-boundary snapshots.
    public var prefixCacheBytes = 64 << 20
    /// Handle SIGTERM and SIGINT (drain, then return); tests running the server in-process say no.
    public var handleSignals = true

    public init(modelDirectory: String) { self.modelDirectory = modelDirectory }

    /// `servedModelName`, or the model directory's last path component.
    public var modelName: String {
        servedModelName ?? URL(fileURLWithPath: modelDirectory).standardizedFileURL.lastPathComponent
    }

    /// 1M tokens: the reach the shipped model was built for.
    public static let defaultContextSize = 1 << 20
}
