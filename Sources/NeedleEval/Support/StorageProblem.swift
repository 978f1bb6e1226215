import Foundation

/// Why a file could not be written because of the filesystem under it: full or mounted read-only.
/// The one place that turns ENOSPC/EDQUOT/EROFS (or a full or read-only mount seen by statvfs)
/// into words, for both the results database (`DatabaseError`) and output files
/// (`AtomicFileWriter`), so the two say the same thing.
public enum StorageProblem: Equatable, Sendable {
    case diskFull
    case readOnly

    /// The problem an OS error number stands for, or nil when it is neither.
    public init?(errno code: Int32) {
        switch code {
        case ENOSPC, EDQUOT: self = .diskFull
        case EROFS: self = .readOnly
        default: return nil
        }
    }

    /// The problem of the filesystem that holds `folder` right now, or nil when it looks writable
    /// with space left. For errors that do not carry an errno (SQLite's CANTOPEN on a read-only
    /// mount), so the message can still name the cause.
    public static func ofFolder(_ folder: String) -> StorageProblem? {
        var info = statvfs()
        guard statvfs(folder, &info) == 0 else { return nil }
        if info.f_flag & UInt(ST_RDONLY) != 0 { return .readOnly }
        if info.f_bavail == 0 { return .diskFull }
        return nil
    }

    /// What is wrong with the filesystem holding `folder`.
    public func message(folder: String) -> String {
        switch self {
        case .diskFull: return "the disk is full (no space left on the filesystem holding \(folder))"
        case .readOnly: return "the filesystem holding \(folder) is read-only"
        }
    }
}
