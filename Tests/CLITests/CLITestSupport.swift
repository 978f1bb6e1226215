import Foundation
import XCTest

/// Runs the built `needle-eval` executable (next to the test bundle) and captures its output.
struct CLIResult { var status: Int32; var stdout: String; var stderr: String }

func needleEvalExecutable() -> URL {
    // Test bundles live in the same products folder as the executable.
    var dir = Bundle(for: CLIMarker.self).bundleURL.deletingLastPathComponent()
    if dir.lastPathComponent.hasSuffix(".xctest") { dir = dir.deletingLastPathComponent() }
    return dir.appendingPathComponent("needle-eval")
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
