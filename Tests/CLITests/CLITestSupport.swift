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
