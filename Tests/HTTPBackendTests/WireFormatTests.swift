import Foundation
import NeedleEval
import XCTest
@testable import HTTPBackend

final class WireFormatTests: XCTestCase {
    func testIdArraysEncodeAsJSONSerializationReadsThem() throws {
        let ids: [Int32] = [0, 1, 9, 10, 255, 65535, 2_147_483_647, -1, -2_147_483_648]
        let data = try JSONBody.object(["model": "m", "max_tokens": 3], ids: "prompt", ids)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(JSONBody.ids(object["prompt"]), ids)
        XCTAssertEqual(object["model"] as? String, "m")
        XCTAssertEqual(JSONBody.int(object["max_tokens"]), 3)
        let alone = try JSONBody.object([:], ids: "tokens", [7])
        XCTAssertEqual(String(decoding: alone, as: UTF8.self), #"{"tokens":[7]}"#)
    }

    func testTokenListsInEitherDialectAndBooleansAreNotNumbers() {
        XCTAssertEqual(JSONBody.ids([1, 2, 3] as [Any]), [1, 2, 3])
        XCTAssertEqual(JSONBody.ids([["id": 5, "piece": "a"], ["id": 6, "piece": [226, 128]]] as [Any]), [5, 6])
        XCTAssertNil(JSONBody.ids([1, "2"] as [Any]))
        XCTAssertNil(JSONBody.ids([1.5] as [Any]))
        XCTAssertNil(JSONBody.ids([4_294_967_296] as [Any]), "outside Int32")
        XCTAssertNil(JSONBody.int(true))
    }

    func testCredentialsNeverLeaveTheirPlace() throws {
        XCTAssertEqual(Credentials.stripped("http://user:sk-secret@host:8000/v1"), "http://host:8000/v1")
        XCTAssertEqual(Credentials.redacted("bad key sk-secret-123 given", secret: "sk-secret-123"), "bad key [redacted] given")
        let server = try ServerConnection(baseURL: "http://me:pw@127.0.0.1:9/v1/", apiKey: "k", timeout: 1)
        XCTAssertEqual(server.baseURL, "http://127.0.0.1:9")
        XCTAssertThrowsError(try ServerConnection(baseURL: "ftp://x", apiKey: nil, timeout: 1)) { error in
            XCTAssertTrue("\(error)".contains("--base-url"))
        }
    }

    func testRetryWaitsGrowAndHonourRetryAfter() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: 1, maxDelay: 8)
        for attempt in 1...6 {
            let bound = min(8, pow(2, Double(attempt - 1)))
            let delay = policy.delay(afterAttempt: attempt, retryAfter: nil)
            XCTAssertTrue((bound / 2...bound).contains(delay), "attempt \(attempt): \(delay)")
        }
        XCTAssertGreaterThanOrEqual(policy.delay(afterAttempt: 1, retryAfter: 5), 5)
        XCTAssertEqual(RetryPolicy.retryAfter("7"), 7)
        XCTAssertNil(RetryPolicy.retryAfter("soon"))
        XCTAssertEqual(RetryPolicy.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT"), 0, "a date in the past: no wait")
        XCTAssertTrue(RetryPolicy.isRetryable(status: 503) && RetryPolicy.isRetryable(status: 429) && RetryPolicy.isRetryable(status: 408))
        XCTAssertFalse(RetryPolicy.isRetryable(status: 400) || RetryPolicy.isRetryable(status: 401) || RetryPolicy.isRetryable(status: 404))
    }

    func testCellsThatCannotFitTheContextAreRefusedUpFront() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var spec = try TaskSpec.load(path: root.appendingPathComponent("tasks/niah_single.json").path)
        spec.lengths = [1024, 8192]
        XCTAssertNoThrow(try HTTPBackend.checkContext(spec: spec, plan: spec.plan, limit: 16384, source: "GET /props"))
        XCTAssertThrowsError(try HTTPBackend.checkContext(spec: spec, plan: spec.plan, limit: 8192, source: "GET /props")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("8192 tokens (GET /props)"), message)
            XCTAssertTrue(message.contains("length 8K"), message)
        }
    }

    func testTheModelsFingerprintIgnoresCreationTimes() {
        let a = HTTPBackend.fingerprint(servedModel: "m", entryJSON: #"{"id":"m","created":1,"meta":{"n_vocab":5}}"#)
        let b = HTTPBackend.fingerprint(servedModel: "m", entryJSON: #"{"id":"m","created":2,"meta":{"n_vocab":5}}"#)
        let c = HTTPBackend.fingerprint(servedModel: "m", entryJSON: #"{"id":"m","created":2,"meta":{"n_vocab":6}}"#)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
    }
}
