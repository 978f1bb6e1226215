import Foundation
import XCTest

/// `run --backend http` against a server needle-eval did not write: llama.cpp's server
/// (xllamacpp) serving SmolLM2-135M-Instruct, installed by scripts/servers/thirdparty/install.sh
/// (CI runs it; elsewhere the test is skipped when it is missing). Prompt lengths as the server
/// counts them must equal the intended lengths, with the server's tokenizer and with its
/// tokenizer.json read locally.
final class ThirdPartyServerCLITests: XCTestCase {
    private static let scripts = repositoryRoot.appendingPathComponent("scripts/servers/thirdparty")
    private static let model = "SmolLM2-135M-Instruct"
    private var folder: URL!
    private var port = 0

    override func setUpWithError() throws {
        let install = try shell(Self.scripts.appendingPathComponent("install.sh").path, [])
        if install.status != 0 {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                XCTFail("the third-party server is not installed: \(install.stderr)")
            }
            throw XCTSkip("scripts/servers/thirdparty/install.sh failed (no network?): the third-party server is not installed")
        }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("thirdparty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        port = 30_000 + Int(getpid() % 20_000)
        let start = try shell(Self.scripts.appendingPathComponent("start.sh").path, ["\(port)", "--ctx-per-slot", "8192"],
                              environment: ["NEEDLE_SERVER_DIR": folder.path])
        XCTAssertEqual(start.status, 0, start.stderr)
        XCTAssertEqual(start.stdout.trimmingCharacters(in: .whitespacesAndNewlines), Self.model)
    }

    override func tearDownWithError() throws {
        guard let folder else { return }
        _ = try? shell(Self.scripts.appendingPathComponent("stop.sh").path, ["\(port)"], environment: ["NEEDLE_SERVER_DIR": folder.path])
        try? FileManager.default.removeItem(at: folder)
    }

    private func run(tokenizer: String, db: String) throws -> CLIResult {
        try runCLI(["run", "--backend", "http", "--base-url", "http://127.0.0.1:\(port)", "--served-model", Self.model,
                    "--tokenizer", tokenizer, "--lengths", "1K", "--depths", "0,100", "--concurrency", "2", "--db", db])
    }

    func testPromptLengthsAsTheServerCountsThemEqualTheIntendedOnes() throws {
        let tokenizerFile = try shell(Self.scripts.appendingPathComponent("install.sh").path, []).stdout
            .split(separator: "\n").first { $0.hasPrefix("TOKENIZER_FILE=") }.map { String($0.dropFirst("TOKENIZER_FILE=".count)) }
        for (name, tokenizer) in [("server", "server"), ("file", try XCTUnwrap(tokenizerFile))] {
            let db = folder.appendingPathComponent("\(name).sqlite").path
            let result = try run(tokenizer: tokenizer, db: db)
            XCTAssertEqual(result.status, 0, "\(name): \(result.stderr)")
            XCTAssertFalse(result.stdout.contains("warning:"), result.stdout)
            let rows = try runCLI(["query", "--db", db, "--csv",
                                   "SELECT count(*), sum(status = 'ok'), sum(prompt_tokens = length), min(completion_tokens) > 0 FROM trials"])
            XCTAssertEqual(rows.stdout, "count(*),sum(status = 'ok'),sum(prompt_tokens = length),min(completion_tokens) > 0\n2,2,2,1\n", name)
            let csv = folder.appendingPathComponent("\(name)-run1-heatmap.csv").path
            XCTAssertTrue((try? String(contentsOfFile: csv, encoding: .utf8))?.hasPrefix("depth_percent,1024\n") ?? false, csv)
        }
    }
}

/// Runs a program (a script) and captures its output. The output goes through files, not pipes:
/// a script that starts a server in the background may leave the pipes' inherited descriptors open
/// in it, and reading a pipe to its end would then wait for the server to exit.
func shell(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> CLIResult {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shell-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let outURL = folder.appendingPathComponent("out"), errURL = folder.appendingPathComponent("err")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = repositoryRoot
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    try process.run()
    process.waitUntilExit()
    return CLIResult(status: process.terminationStatus, stdout: try String(contentsOf: outURL, encoding: .utf8),
                     stderr: try String(contentsOf: errURL, encoding: .utf8))
}
