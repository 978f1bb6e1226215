import Foundation
import NIOHTTP1
import XCTest
import YOCOServer

/// The endpoints around generation: tokens, models, props, health, metrics, and the API key.
final class ServerInfoTests: XCTestCase {
    func testTokenizeAnswersBothClientShapesAndDetokenizeInverts() async throws {
        let running = try await RunningServer.start()
        let llama = try await call(.POST, running.base + "/tokenize", body: json(["content": "hé"]))
        XCTAssertEqual(llama.json["tokens"] as? [Int], [104, 195, 169])
        XCTAssertEqual(llama.json["count"] as? Int, 3)
        XCTAssertEqual(llama.json["max_model_len"] as? Int, 4096)
        let llamaSpecial = try await call(.POST, running.base + "/tokenize", body: json(["content": "h", "add_special": true]))
        XCTAssertEqual(llamaSpecial.json["tokens"] as? [Int], [256, 104])
        let vllm = try await call(.POST, running.base + "/tokenize", body: json(["prompt": "h", "model": "yoco-niah-tiny"]))
        XCTAssertEqual(vllm.json["tokens"] as? [Int], [256, 104])
        let vllmPlain = try await call(.POST, running.base + "/tokenize", body: json(["prompt": "h", "add_special_tokens": false]))
        XCTAssertEqual(vllmPlain.json["tokens"] as? [Int], [104])
        let back = try await call(.POST, running.base + "/detokenize", body: json(["tokens": [256, 104, 195, 169]]))
        XCTAssertEqual(back.json["content"] as? String, "hé")
        XCTAssertEqual(back.json["prompt"] as? String, "hé")
        try await running.stop()
    }

    func testModelsPropsHealthAndMetrics() async throws {
        let running = try await RunningServer.start { $0.servedModelName = "tiny" }
        let models = try await call(.GET, running.base + "/v1/models")
        XCTAssertEqual(models.json["object"] as? String, "list")
        let model = try XCTUnwrap((models.json["data"] as? [[String: Any]])?.first)
        XCTAssertEqual(model["id"] as? String, "tiny")
        XCTAssertEqual(model["object"] as? String, "model")
        XCTAssertEqual(model["max_model_len"] as? Int, 4096)
        XCTAssertEqual((model["meta"] as? [String: Any])?["n_ctx_train"] as? Int, 4096)
        let props = try await call(.GET, running.base + "/props")
        XCTAssertEqual((props.json["default_generation_settings"] as? [String: Any])?["n_ctx"] as? Int, 4096)
        let health = try await call(.GET, running.base + "/health")
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(health.json["status"] as? String, "ok")
        let done = try await call(.POST, running.base + "/v1/completions", body: json(["prompt": "abc", "max_tokens": 3, "model": "tiny"]))
        XCTAssertEqual(done.status, 200, done.body)
        _ = try await call(.POST, running.base + "/v1/completions", body: json(["prompt": "abc", "model": "yoco-niah-tiny"]))
        let metrics = try await call(.GET, running.base + "/metrics")
        XCTAssertEqual(metrics.status, 200)
        for line in ["yoco_requests_total{endpoint=\"/v1/completions\",status=\"200\"} 1",
                     "yoco_requests_total{endpoint=\"/v1/completions\",status=\"404\"} 1",
                     "yoco_prompt_tokens_total 4", "yoco_generated_tokens_total", "yoco_prefill_seconds_total",
                     "yoco_decode_seconds_total", "yoco_queue_depth 0", "yoco_kv_cache_bytes", "yoco_context_max_tokens 4096"] {
            XCTAssertTrue(metrics.body.contains(line), "\(line) missing from:\n\(metrics.body)")
        }
        try await running.stop()
    }

    func testAPIKeyIsRequiredAndNeverEchoed() async throws {
        let key = "sk-test-7f3a9c"
        let running = try await RunningServer.start { $0.apiKey = key }
        let body = json(["prompt": "abc", "max_tokens": 2])
        for headers in [[:], ["Authorization": "Bearer wrong"], ["Authorization": "Bearer \(key)x"], ["Authorization": key]] {
            let reply = try await call(.POST, running.base + "/v1/completions", body: body, headers: headers)
            assertRefused(reply, status: 401, code: "invalid_api_key")
            XCTAssertFalse(reply.body.contains(key))
        }
        assertRefused(try await call(.GET, running.base + "/v1/models"), status: 401, code: "invalid_api_key")
        let health = try await call(.GET, running.base + "/health")
        XCTAssertEqual(health.status, 200)
        let ok = try await call(.POST, running.base + "/v1/completions", body: body, headers: ["Authorization": "Bearer \(key)"])
        XCTAssertEqual(ok.status, 200, ok.body)
        let metrics = try await call(.GET, running.base + "/metrics", headers: ["Authorization": "Bearer \(key)"])
        XCTAssertFalse(metrics.body.contains(key))
        try await running.stop()
    }
}
