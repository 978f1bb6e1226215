import Foundation

/// What every fuzz target needs around libFuzzer's raw bytes: the parsers under test read files
/// by path (as users' commands do), so an input is written to a scratch folder of this process
/// first; some inputs carry two files, split at the first zero byte.
public enum FuzzInput {
    /// A folder of this process, on a memory filesystem when there is one (a file per input).
    public static let folder: URL = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let url = URL(fileURLWithPath: base).appendingPathComponent("needle-eval-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        // The folder goes when the fuzzer exits, however many inputs it wrote.
        atexit { try? FileManager.default.removeItem(at: FuzzInput.folder) }
        return url
    }()

    /// libFuzzer's input as bytes.
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// Writes `bytes` to `name` in the scratch folder (replacing what was there) and returns its URL.
    @discardableResult
    public static func write(_ bytes: some Collection<UInt8>, to name: String) -> URL {
        let url = folder.appendingPathComponent(name)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: url.path, contents: Data(bytes))
        return url
    }

    /// Removes `name` from the scratch folder, so an input without it does not see the last one's.
    public static func remove(_ name: String) {
        try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
    }

    /// The bytes before the first zero byte and those after it (nil when there is none).
    public static func split(_ bytes: [UInt8]) -> (first: ArraySlice<UInt8>, second: ArraySlice<UInt8>?) {
        guard let zero = bytes.firstIndex(of: 0) else { return (bytes[...], nil) }
        return (bytes[..<zero], bytes[(zero + 1)...])
    }

    /// Text for a tokenizer to encode: the bytes as UTF-8 (invalid sequences replaced), at most
    /// `limit` bytes of them, so one input cannot make a slow encode the fuzzer reports as a hang.
    public static func text(_ bytes: some Collection<UInt8>, limit: Int = 512) -> String {
        String(decoding: bytes.prefix(limit), as: UTF8.self)
    }
}
