import Foundation
import NIOHTTP1
import Tokenizers
import XCTest
import YOCORuntime
import YOCOServer

/// The generation endpoints against the in-process runtime: the same tokens greedy, the same
/// text streamed or not, the prefix cache reported, sampling reproducible by seed.
final class CompletionTests: XCTestCase {
    /// Greedy output of a fresh in-process session (what `needle-eval run` computes).
    func reference(_ prompt: [Int32], maxTokens: Int, chunk: Int = 4096) throws -> (tokens: [Int32], text: String) {
        let model = try Model(directory: URL(fileURLWithPath: shippedModel))
        let session = InferenceSession(model: model, options: SessionOptions(chunkSize: chunk), capacity: prompt.count + maxTokens)
        try session.prefill(prompt)
        let out = try session.generate(maxNewTokens: maxTokens)
        return (out, model.tokenizer.decode(out))
    }

    let tokenizer = ByteTokenizer()

    func testGreedyTextAndTokenPromptsMatchTheInProcessRuntime() async throws {
        let running = try await RunningServer.start()
        let text = "The special magic number for the silent harbor is 4721. What is the special magic number?"
        let withBOS = tokenizer.prefixTokens + tokenizer.encode(text)
        let expected = try reference(withBOS, maxTokens: 12)
        let reply = try await call(.POST, running.base + "/v1/completions",
                                   body: json(["prompt": text, "max_tokens": 12, "temperature": 0, "model": "yoco-niah-tiny"]))
        XCTAssertEqual(reply.status, 200, reply.body)
        XCTAssertEqual(reply.text, expected.text)
        XCTAssertEqual(reply.usage["prompt_tokens"] as? Int, withBOS.count)
        XCTAssertEqual(reply.usage["completion_tokens"] as? Int, expected.tokens.count)
        XCTAssertEqual(reply.usage["total_tokens"] as? Int, withBOS.count + expected.tokens.count)
        XCTAssertEqual(reply.json["object"] as? String, "text_completion")
        XCTAssertEqual(reply.json["model"] as? String, "yoco-niah-tiny")
        let timings = try XCTUnwrap(reply.json["timings"] as? [String: Any])
        XCTAssertEqual(timings["predicted_n"] as? Int, expected.tokens.count)
        XCTAssertNotNil(timings["prompt_ms"] as? Double)

        // Ids are used exactly as given: no BOS added.
        let ids = tokenizer.encode("Remember: the vault code is 93. The vault code is")
        let idsExpected = try reference(ids, maxTokens: 10)
        let idsReply = try await call(.POST, running.base + "/v1/completions",
                                      body: json(["prompt": ids.map { Int($0) }, "max_tokens": 10, "temperature": 0]))
        XCTAssertEqual(idsReply.status, 200, idsReply.body)
        XCTAssertEqual(idsReply.text, idsExpected.text)
        XCTAssertEqual(idsReply.usage["prompt_tokens"] as? Int, ids.count)
        // A list of one prompt is the same prompt.
        let listReply = try await call(.POST, running.base + "/v1/completions",
                                       body: json(["prompt": [ids.map { Int($0) }], "max_tokens": 10, "temperature": 0]))
        XCTAssertEqual(listReply.text, idsExpected.text)
        XCTAssertEqual(listReply.json["choices"].flatMap { ($0 as? [[String: Any]])?.first?["finish_reason"] as? String },
                       idsExpected.tokens.count == 10 ? "length" : "stop")
        try await running.stop()
    }

    func testStreamedChunksConcatenateToTheSameTextAndEndWithDone() async throws {
        let running = try await RunningServer.start()
        for (path, base) in [("/v1/completions", ["prompt": "Once upon a time"]),
                             ("/v1/chat/completions", ["messages": [["role": "user", "content": "Tell me a story."]]])] {
            var request: [String: Any] = base
            request["max_tokens"] = 12
            request["temperature"] = 0
            let whole = try await call(.POST, running.base + path, body: json(request))
            XCTAssertEqual(whole.status, 200, whole.body)
            request["stream"] = true
            request["stream_options"] = ["include_usage": true]
            let streamed = try await call(.POST, running.base + path, body: json(request))
            XCTAssertEqual(streamed.status, 200, streamed.body)
            XCTAssertEqual(streamed.headers["content-type"], "text/event-stream")
            let events = streamed.events
            XCTAssertEqual(events.last, "[DONE]")
            var text = ""
            var finish: String?
            var usage: [String: Any]?
            for event in events.dropLast() {
                let chunk = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(event.utf8)) as? [String: Any])
                XCTAssertEqual(chunk["object"] as? String, path.contains("chat") ? "chat.completion.chunk" : "text_completion")
                if let u = chunk["usage"] as? [String: Any] { usage = u }
                guard let choice = (chunk["choices"] as? [[String: Any]])?.first else { continue }
                text += (choice["text"] as? String) ?? ((choice["delta"] as? [String: Any])?["content"] as? String) ?? ""
                if let f = choice["finish_reason"] as? String { finish = f }
            }
            XCTAssertEqual(text, whole.text, path)
            XCTAssertEqual(finish, (whole.json["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String)
            XCTAssertEqual(usage?["completion_tokens"] as? Int, whole.usage["completion_tokens"] as? Int)
        }
        try await running.stop()
    }

    func testChatUsesThePlainTemplate() async throws {
        let running = try await RunningServer.start()
        let messages = [("system", "Be brief."), ("user", "What is the code?")]
        let prompt = tokenizer.prefixTokens + tokenizer.encode(ChatTemplate.render(messages.map { (role: $0.0, content: $0.1) }))
        XCTAssertEqual(ChatTemplate.render([(role: "user", content: "hi")]), "user: hi\nassistant:")
        let expected = try reference(prompt, maxTokens: 8)
        let reply = try await call(.POST, running.base + "/v1/chat/completions", body: json([
            "messages": messages.map { ["role": $0.0, "content": $0.1] }, "max_tokens": 8, "temperature": 0,
        ]))
        XCTAssertEqual(reply.status, 200, reply.body)
        XCTAssertEqual(reply.json["object"] as? String, "chat.completion")
        XCTAssertEqual(reply.text, expected.text)
        XCTAssertEqual(reply.usage["prompt_tokens"] as? Int, prompt.count)
        try await running.stop()
    }

    func testSecondRequestExtendingTheFirstReusesItsPrefix() async throws {
        let running = try await RunningServer.start { $0.chunk = 64 }
        let haystack = String(repeating: "The grass is green and the sky is blue. ", count: 8)
        let first = haystack + "The pass phrase is amber-17. What is the pass phrase?"
        let one = try await call(.POST, running.base + "/v1/completions",
                                 body: json(["prompt": first, "max_tokens": 6, "temperature": 0]))
        XCTAssertEqual(one.status, 200, one.body)
        XCTAssertEqual(one.cachedTokens, 0)
        // The multi-query pattern: prompt + previous answer + next question.
        let second = first + (one.text ?? "") + "\nAnd what colour is the sky?"
        let two = try await call(.POST, running.base + "/v1/completions",
                                 body: json(["prompt": second, "max_tokens": 6, "temperature": 0]))
        XCTAssertEqual(two.status, 200, two.body)
        let cached = try XCTUnwrap(two.cachedTokens)
        XCTAssertGreaterThanOrEqual(cached, 64 * (first.utf8.count / 64), "reuse up to the last chunk boundary of the first prompt")
        XCTAssertEqual(cached % 64, 0)
        XCTAssertEqual((two.json["timings"] as? [String: Any])?["cache_n"] as? Int, cached)
        XCTAssertEqual((two.json["timings"] as? [String: Any])?["prompt_n"] as? Int, 1 + second.utf8.count - cached)
        // Reuse is exact: the same answer as a fresh prefill.
        XCTAssertEqual(two.text, try reference(tokenizer.prefixTokens + tokenizer.encode(second), maxTokens: 6, chunk: 64).text)
        try await running.stop()
    }

    func testSamplingIsReproducibleForTheSameSeed() async throws {
        let running = try await RunningServer.start()
        func sample(seed: Int) async throws -> String? {
            let reply = try await call(.POST, running.base + "/v1/completions", body: json([
                "prompt": "In the morning", "max_tokens": 16, "temperature": 1.2, "top_p": 0.9, "seed": seed,
            ]))
            XCTAssertEqual(reply.status, 200, reply.body)
            return reply.text
        }
        let a = try await sample(seed: 7), b = try await sample(seed: 7)
        XCTAssertEqual(a, b)
        var others: Set<String> = []
        for seed in 1...4 { others.insert(try await sample(seed: seed) ?? "") }
        XCTAssertGreaterThan(others.count, 1, "different seeds should give different samples")
        try await running.stop()
    }

    func testStopStringsEndTheTextBeforeThem() async throws {
        let running = try await RunningServer.start()
        let free = try await call(.POST, running.base + "/v1/completions",
                                  body: json(["prompt": "Once upon a time", "max_tokens": 16, "temperature": 0]))
        let text = try XCTUnwrap(free.text)
        guard text.count >= 4 else { throw XCTSkip("the model answered too briefly to cut: \(text)") }
        let stop = String(text.dropFirst(2).prefix(2))
        let cut = try await call(.POST, running.base + "/v1/completions", body: json([
            "prompt": "Once upon a time", "max_tokens": 16, "temperature": 0, "stop": [stop, "zzzz"],
        ]))
        let expected = String(text[..<text.range(of: stop)!.lowerBound])
        XCTAssertEqual(cut.text, expected)
        XCTAssertEqual((cut.json["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String, "stop")
        let streamed = try await call(.POST, running.base + "/v1/completions", body: json([
            "prompt": "Once upon a time", "max_tokens": 16, "temperature": 0, "stop": stop, "stream": true,
        ]))
        let pieces = streamed.events.dropLast().compactMap { event -> String? in
            let chunk = try? JSONSerialization.jsonObject(with: Data(event.utf8)) as? [String: Any]
            return (chunk?["choices"] as? [[String: Any]])?.first?["text"] as? String
        }
        XCTAssertEqual(pieces.joined(), expected)
        try await running.stop()
    }
}
