import ArgumentParser
import Foundation
import YOCORuntime

/// Parses "4K,64K,1M" (K = 1,024, M = 1,048,576; DESIGN.md "Lengths").
func parseBenchLengths(_ text: String) throws -> [Int] {
    try text.split(separator: ",").map { raw in
        let s = raw.trimmingCharacters(in: .whitespaces).uppercased()
        var multiplier = 1, digits = Substring(s)
        if s.hasSuffix("K") { multiplier = 1024; digits = digits.dropLast() }
        if s.hasSuffix("M") { multiplier = 1_048_576; digits = digits.dropLast() }
        guard let n = Int(digits), n > 0 else {
            throw ValidationError("--lengths: '\(raw)' is not a length. Fix: use counts like 4096, 4K, 64K, 1M")
        }
        return n * multiplier
    }
}

/// "64K" for multiples of 1,024, "1M" for multiples of 1,048,576.
func formatLength(_ n: Int) -> String {
    if n % 1_048_576 == 0 { return "\(n / 1_048_576)M" }
    if n % 1024 == 0 { return "\(n / 1024)K" }
    return "\(n)"
}

func formatBytes(_ b: Int) -> String {
    let mib = Double(b) / 1_048_576
    return mib >= 1024 ? String(format: "%.2f GiB", mib / 1024) : String(format: "%.1f MiB", mib)
}

/// Best-of-3 memcpy bandwidth over a 256 MiB buffer, counting bytes read + written (GB/s).
func measureMemcpyGBps(bytes: Int = 256 << 20) -> Double {
    let src = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
    let dst = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
    defer { src.deallocate(); dst.deallocate() }
    memset(src, 1, bytes)
    memset(dst, 0, bytes)
    var best = Double.infinity
    for _ in 0..<3 {
        let t0 = DispatchTime.now().uptimeNanoseconds
        memcpy(dst, src, bytes)
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    return 2 * Double(bytes) / best / 1e9
}

func seconds(since t0: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9 }

/// One length's measurements (also the --json row).
struct BenchRow: Codable {
    var length: Int
    var prefillSeconds: Double
    var prefillTokensPerSecond: Double
    var prefillGflops: Double
    var prefillFractionOfSgemmPeak: Double?
    var decodeTokens: Int
    var decodeTokensPerSecond: Double
    var decodeFractionOfKVBound: Double?
    var peakRSSBytes: Int
    var kvBytes: Int
}

struct BenchReport: Codable {
    var blasCore: String
    var openblasCoretype: String
    var threads: Int
    var architecture: String
    var config: ModelConfig
    var parameters: Int
    var chunk: Int
    var kv: String
    var sgemmPeakGflops: Double?
    var sgemmShapes: [String: Double]?
    var memcpyGbps: Double?
    var rows: [BenchRow]
}

/// Prints a bench report as pretty, key-sorted, snake_case JSON.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
