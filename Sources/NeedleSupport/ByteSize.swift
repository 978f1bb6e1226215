import Foundation

/// Memory sizes as people write them: 8G, 512M, 1024K, 1.5G or plain bytes (K = 2^10, M = 2^20,
/// G = 2^30, T = 2^40; a trailing B is allowed).
public enum ByteSize {
    /// Bytes of `text`; nil when malformed or not positive.
    public static func parse(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        let digits = t.hasSuffix("B") ? String(t.dropLast()) : t
        let units: [Character: Double] = ["K": 0x1p10, "M": 0x1p20, "G": 0x1p30, "T": 0x1p40]
        if let last = digits.last, let unit = units[last] {
            guard let n = Double(digits.dropLast()), n > 0, n * unit < 0x1p62 else { return nil }
            return Int(n * unit)
        }
        guard let n = Int(digits), n > 0 else { return nil }
        return n
    }

    /// "1.50 GiB" from 1 GiB up, "12.3 MiB" below.
    public static func label(_ bytes: Int) -> String {
        let mib = Double(bytes) / 0x1p20
        return mib >= 1024 ? String(format: "%.2f GiB", mib / 1024) : String(format: "%.1f MiB", mib)
    }
}
