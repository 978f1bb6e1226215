import Foundation
import XCTest

/// A real server on loopback started for a test: a child process that prints
/// `listening on http://127.0.0.1:PORT` when it accepts connections (needle-eval serve and the
/// Python servers in scripts/servers do). Stopped (SIGKILL unless asked otherwise) on `stop()`.
final class LoopbackServer {
    let process = Process()
    private(set) var url = ""
    private let output = Pipe()

    init(_ executable: String, _ arguments: [String], timeout: TimeInterval = 60, file: StaticString = #filePath, line: UInt = #line) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        var seen = ""
        let handle = output.fileHandleForReading
        while Date() < deadline && process.isRunning {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if let range = seen.range(of: #"listening on (http://[0-9.:]+)"#, options: .regularExpression) {
                url = String(seen[range].dropFirst("listening on ".count))
                return
            }
        }
        process.terminate()
        XCTFail("\(executable) \(arguments.joined(separator: " ")) did not start: \(seen)", file: file, line: line)
        throw CocoaError(.executableLoad)
    }

    /// A Python script from scripts/servers.
    static func python(_ script: String, _ arguments: [String]) throws -> LoopbackServer {
        try LoopbackServer("/usr/bin/env", ["python3", "scripts/servers/\(script)"] + arguments)
    }

    var port: Int { Int(url.split(separator: ":").last ?? "0") ?? 0 }

    func stop(signal: Int32 = SIGKILL) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// Runs `needle-eval` in the background (to kill it mid-run).
func startCLI(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
    let process = Process()
    process.executableURL = needleEvalExecutable()
    process.arguments = arguments
    process.currentDirectoryURL = repositoryRoot
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
}
