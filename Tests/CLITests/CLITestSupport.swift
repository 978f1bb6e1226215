import Foundation
import XCTest

/// Runs the built `needle-eval` executable (next to the test bundle) and captures its output.
struct CLIResult { var status: Int32; var stdout: String; var stderr: String }

func needleEvalExecutable() -> URL {
    // The executable is built into the same products folder as the test bundle; on Linux the
    // bundle URL is that folder itself, on macOS the .xctest inside it.
    let bundle = Bundle(for: CLIMarker.self).bundleURL
    for dir in [bundle, bundle.deletingLastPathComponent()] {
        let candidate = dir.appendingPathComponent("needle-eval")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return bundle.deletingLastPathComponent().appendingPathComponent("needle-eval")
}

final class CLIMarker {}

/// The repository root (where tasks/ and models/ live), found from this source file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The small random-weight model (the runtime's parity fixture) the CLI tests run grids on.
let fixtureModel = repositoryRoot.appendingPathComponent("Tests/YOCORuntimeTests/Fixtures/yoco_swa").path

/// A fresh temporary folder for one test, removed when it ends.
func makeTestFolder(_ test: XCTestCase, prefix: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return dir
}

/// Starts `needle-eval ARGUMENTS` in the repository root with its output discarded, for tests
/// that stop it (SIGKILL) while it works.
func startCLI(_ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = needleEvalExecutable()
    process.arguments = arguments
    process.currentDirectoryURL = repositoryRoot
    process.standardError = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    return process
}

func runCLI(_ arguments: [String], cwd: URL = repositoryRoot, environment: [String: String] = [:]) throws -> CLIResult {
    let process = Process()
    process.executableURL = needleEvalExecutable()
    process.arguments = arguments
    process.currentDirectoryURL = cwd
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes before waiting so a chatty child cannot block on a full pipe.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CLIResult(status: process.terminationStatus,
                     stdout: String(decoding: outData, as: UTF8.self),
                     stderr: String(decoding: errData, as: UTF8.self))
}

/// Runs `python3 ARGUMENTS` and captures its output.
func runPython(_ arguments: [String]) throws -> CLIResult {
    let python = Process()
    python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    python.arguments = ["python3"] + arguments
    let out = Pipe(), err = Pipe()
    python.standardOutput = out
    python.standardError = err
    try python.run()
    let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    python.waitUntilExit()
    return CLIResult(status: python.terminationStatus, stdout: stdout, stderr: stderr)
}
