import Foundation
import XCTest

/// The HTTP backend against `needle-eval serve`: over HTTP the shipped model answers every cell of
/// a small grid exactly as the in-process runtime does — with its tokenizer file and with the
/// server's /tokenize, single needle and multi-query (questions asked after earlier answers).
final class ServeHTTPBackendCLITests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("serve-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private func answers(_ db: String) throws -> String {
        let result = try runCLI(["query", "--db", db, "--csv",
                                 "SELECT length, depth, trial, output, correct, prompt_tokens, status FROM trials ORDER BY length, depth, trial"])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout
    }

    func testAnswersOverHTTPEqualInProcessAnswersCellForCell() throws {
        let server = try LoopbackServer(needleEvalExecutable().path, ["serve", "--port", "0", "--ctx-size", "16K"])
        // Multi-query asks four questions per trial: one length and the server's tokenizer keep
        // the debug-build test short; single needle covers both tokenizers.
        let cases = [("tasks/niah_single.json", "1K,2K", ["models/yoco-niah-tiny", "server"]),
                     ("tasks/niah_multiquery.json", "1K", ["server"])]
        for (task, lengths, tokenizers) in cases {
            let grid = ["--task", task, "--lengths", lengths, "--depths", "0,50,100"]
            let name = URL(fileURLWithPath: task).deletingPathExtension().lastPathComponent
            let local = folder.appendingPathComponent("\(name)-local.sqlite").path
            let inProcess = try runCLI(["run", "--db", local] + grid)
            XCTAssertEqual(inProcess.status, 0, inProcess.stderr)
            let expected = try answers(local)
            for tokenizer in tokenizers {
                let db = folder.appendingPathComponent("\(name)-\(tokenizer.count).sqlite").path
                let http = try runCLI(["run", "--backend", "http", "--base-url", server.url, "--served-model", "yoco-niah-tiny",
                                       "--tokenizer", tokenizer, "--concurrency", "2", "--db", db] + grid)
                XCTAssertEqual(http.status, 0, http.stderr)
                XCTAssertFalse(http.stdout.contains("warning:"), http.stdout)
                XCTAssertEqual(try answers(db), expected, "\(task) with --tokenizer \(tokenizer)")
            }
        }
        server.stop(signal: SIGTERM)
        XCTAssertEqual(server.process.terminationStatus, 0)
    }
}
