extension Array where Element: Equatable {
    /// Whether `needle` occurs within the first `limit` elements (first-element scan, then
    /// compare): values must not already appear in the haystack a prompt can contain.
    public func containsSubsequence(_ needle: [Element], inFirst limit: Int) -> Bool {
        guard let first = needle.first else { return true }
        let end = Swift.min(limit, count) - needle.count
        guard end >= 0 else { return false }
        return withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { n in
                var i = 0
                while i <= end {
                    if hay[i] == first {
                        var j = 1
                        while j < n.count && hay[i + j] == n[j] { j += 1 }
                        if j == n.count { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }
}
