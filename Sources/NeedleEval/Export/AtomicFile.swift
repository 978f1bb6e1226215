import Foundation

/// A file written where a user asked (`--out`) failed; the message names the file and the fix.
public struct OutputFileError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)\n  fix: check the path given with --out (its folder must exist and be writable)" }
}

/// Writes files whole or not at all: the bytes go to a temporary file beside the target, which
/// is then renamed over it, so an error or a kill never leaves a half-written output.
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws {
        let target = URL(fileURLWithPath: path)
        let folder = target.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw OutputFileError(path: path, reason: "folder \(folder.path) does not exist")
        }
        let temporary = folder.appendingPathComponent(".\(target.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        do {
            try Data(text.utf8).write(to: temporary)
        } catch {
            throw OutputFileError(path: path, reason: "cannot write a temporary file in \(folder.path)")
        }
        guard rename(temporary.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw OutputFileError(path: path, reason: "cannot replace the file: \(reason)")
        }
    }
}
