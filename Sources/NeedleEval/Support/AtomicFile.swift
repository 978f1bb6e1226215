import Foundation

/// Writes a file so that readers see either the old file or the whole new one, never half:
/// write to a temporary file in the same folder, then rename over the target.
public final class AtomicFileWriter {
    public let url: URL
    private let temporary: URL
    private let handle: FileHandle
    private var buffer = [UInt8]()
    private var committed = false

    public init(url: URL) throws {
        self.url = url
        let folder = url.deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDir), isDir.boolValue else {
            throw AtomicFileError(path: url.path, message: "folder \(folder.path) does not exist; create it or choose another --out")
        }
        temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).partial")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let h = try? FileHandle(forWritingTo: temporary) else {
            throw AtomicFileError(path: url.path, message: "cannot write in \(folder.path); check permissions or choose another --out")
        }
        handle = h
    }

    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    /// Makes the file visible under its final name.
    public func commit() throws {
        try flush()
        try handle.close()
        if rename(temporary.path, url.path) != 0 {
            throw AtomicFileError(path: url.path, message: "cannot replace the file (\(String(cString: strerror(errno)))); choose another --out")
        }
        committed = true
    }

    deinit {
        if !committed {
            try? handle.close()
            unlink(temporary.path)
        }
    }

    /// Writes a whole string atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(text, to: URL(fileURLWithPath: path))
    }

    public static func write(_ text: String, to url: URL) throws {
        let writer = try AtomicFileWriter(url: url)
        try writer.write(text)
        try writer.commit()
    }
}

public struct AtomicFileError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}
