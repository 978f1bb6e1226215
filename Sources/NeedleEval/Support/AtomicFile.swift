import Foundation

/// Writes a file so that readers see either the old file or the whole new one, never half:
/// write to a temporary file in the same folder, then rename over the target.
public final class AtomicFileWriter {
    public let url: URL
    private let temporary: URL
    private let descriptor: Int32
    private var buffer = [UInt8]()
    private var finished = false

    public init(url: URL) throws {
        self.url = url
        let folder = url.deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDir), isDir.boolValue else {
            throw AtomicFileError(path: url.path, message: "folder \(folder.path) does not exist; create it or choose another --out")
        }
        temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).partial")
        descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw Self.failure(url: url, errno: errno, doing: "cannot create a file in \(folder.path)")
        }
    }

    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// POSIX write rather than FileHandle, so a failure keeps its errno (ENOSPC, EROFS) for the
    /// message; any failure removes the temporary at once, so nothing half-written stays behind.
    private func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw abandon(errno: errno, doing: "cannot write the file")
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Makes the file visible under its final name.
    public func commit() throws {
        try flush()
        // Some filesystems (NFS) report a full disk only when the data is flushed or closed.
        if fsync(descriptor) != 0 && errno != EINVAL { throw abandon(errno: errno, doing: "cannot write the file") }
        let closed = close(descriptor)
        finished = true
        if closed != 0 { throw abandon(errno: errno, doing: "cannot write the file", closing: false) }
        if rename(temporary.path, url.path) != 0 {
            throw abandon(errno: errno, doing: "cannot replace the file", closing: false)
        }
    }

    /// Removes the temporary and returns the error for `code`.
    private func abandon(errno code: Int32, doing what: String, closing: Bool = true) -> AtomicFileError {
        if closing && !finished { close(descriptor) }
        finished = true
        unlink(temporary.path)
        return Self.failure(url: url, errno: code, doing: what)
    }

    private static func failure(url: URL, errno code: Int32, doing what: String) -> AtomicFileError {
        let folder = url.deletingLastPathComponent().path
        if let problem = StorageProblem(errno: code) {
            let fix = problem == .diskFull ? "free space there or choose another --out" : "choose another --out on a writable filesystem"
            return AtomicFileError(path: url.path, message: "\(problem.message(folder: folder)); nothing was written; \(fix)")
        }
        return AtomicFileError(path: url.path, message: "\(what) (\(String(cString: strerror(code)))); check permissions or choose another --out")
    }

    deinit {
        if !finished {
            close(descriptor)
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
