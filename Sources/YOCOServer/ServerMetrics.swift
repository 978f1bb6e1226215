import CoreMetrics
import Foundation
import Prometheus
import YOCORuntime

/// The server's metrics, recorded through swift-metrics into a Prometheus registry of its own
/// (not the process-wide bootstrap: two servers in one test process keep separate counts), and
/// written for GET /metrics in the Prometheus text format.
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    let promptTokens: CoreMetrics.Counter
    let cachedPromptTokens: CoreMetrics.Counter
    let generatedTokens: CoreMetrics.Counter
    let prefillSeconds: FloatingPointCounter
    let decodeSeconds: FloatingPointCounter
    let queueDepth: CoreMetrics.Meter
    let running: CoreMetrics.Meter
    let kvCacheBytes: CoreMetrics.Meter
    let contextTokens: CoreMetrics.Meter
    let residentBytes: CoreMetrics.Meter

    /// Endpoints counted by name; any other path counts as "other" (a scanner cannot grow the
    /// label set).
    static let endpoints: Set<String> = [
        "/v1/completions", "/v1/chat/completions", "/tokenize", "/detokenize", "/v1/models", "/props", "/health", "/metrics",
    ]

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["yoco_request_duration_seconds"] = [
            .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5),
            .seconds(30), .seconds(120), .seconds(600),
        ]
        self.factory = factory
        promptTokens = CoreMetrics.Counter(label: "yoco_prompt_tokens_total", factory: factory)
        cachedPromptTokens = CoreMetrics.Counter(label: "yoco_prompt_tokens_cached_total", factory: factory)
        generatedTokens = CoreMetrics.Counter(label: "yoco_generated_tokens_total", factory: factory)
        prefillSeconds = FloatingPointCounter(label: "yoco_prefill_seconds_total", factory: factory)
        decodeSeconds = FloatingPointCounter(label: "yoco_decode_seconds_total", factory: factory)
        queueDepth = CoreMetrics.Meter(label: "yoco_queue_depth", factory: factory)
        running = CoreMetrics.Meter(label: "yoco_requests_running", factory: factory)
        kvCacheBytes = CoreMetrics.Meter(label: "yoco_kv_cache_bytes", factory: factory)
        contextTokens = CoreMetrics.Meter(label: "yoco_context_max_tokens", factory: factory)
        residentBytes = CoreMetrics.Meter(label: "yoco_process_resident_bytes", factory: factory)
    }

    /// One answered request, by endpoint and status.
    func recordRequest(path: String, status: Int, seconds: Double) {
        let endpoint = Self.endpoints.contains(path) ? path : "other"
        CoreMetrics.Counter(label: "yoco_requests_total", dimensions: [("endpoint", endpoint), ("status", String(status))], factory: factory)
            .increment()
        CoreMetrics.Timer(label: "yoco_request_duration_seconds", dimensions: [("endpoint", endpoint)], factory: factory)
            .recordSeconds(seconds)
    }

    /// The Prometheus text, the process's resident memory read at this moment.
    public func text() -> String {
        residentBytes.set(ProcessMemory.currentRSSBytes)
        return registry.emitToString()
    }
}
