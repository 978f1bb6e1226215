import Foundation

/// Memory of this process as Linux reports it in /proc/self/status (0 where unavailable).
public enum ProcessMemory {
    /// Peak resident set size ("VmHWM") in bytes.
    public static var peakRSSBytes: Int { statusField("VmHWM") }
    /// Current resident set size ("VmRSS") in bytes.
    public static var currentRSSBytes: Int { statusField("VmRSS") }

    /// Memory the system can still hand out ("MemAvailable" of /proc/meminfo) in bytes; nil where
    /// unknown.
    public static var availableBytes: Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let parts = line.split(separator: " ")
            if parts.count >= 2, let kb = Int(parts[1]) { return kb * 1024 }
        }
        return nil
    }

    /// Resets the peak (VmHWM) to the current RSS (Linux: write "5" to /proc/self/clear_refs).
    /// Returns false where unsupported.
    @discardableResult
    public static func resetPeak() -> Bool {
        guard let h = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? h.close() }
        return (try? h.write(contentsOf: Data("5".utf8))) != nil
    }

    /// Reads a "Name:   1234 kB" line of /proc/self/status.
    static func statusField(_ name: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 2, let kb = Int(parts[1]) else { return 0 }
            return kb * 1024
        }
        return 0
    }
}

/// Environment access in one place (getenv returns C strings).
enum ProcessEnvironment {
    static func get(_ name: String) -> String? {
        guard let p = getenv(name) else { return nil }
        return String(cString: p)
    }
}
