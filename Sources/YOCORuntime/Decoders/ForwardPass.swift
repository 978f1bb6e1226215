/// Which rows of a chunk need logits: none (prompt body, early exit), the last, or all (tests).
enum OutputRows { case none, last, all }

/// One architecture's forward pass over a chunk; it owns its caches and recurrent states.
protocol ForwardPass: AnyObject {
    /// Tokens processed so far (positions 0 ..< position are cached).
    var position: Int { get }
    /// Bytes of KV cache allocated.
    var kvBytes: Int { get }
    /// Runs `count` ≤ chunk tokens at positions position ..< position+count and caches them.
    /// Writes logits for `outputs` rows into `logits` ((1 or count), vocab).
    func forward(tokens: UnsafePointer<Int32>, count: Int, outputs: OutputRows, logits: UnsafeMutablePointer<Float>)
    func reset()
    /// Floats a snapshot of the recurrent self-decoder state holds (0: caches alone suffice).
    var snapshotFloats: Int { get }
    /// Copies the state needed to resume at `position` into `dst` (snapshotFloats floats).
    func saveSnapshot(into dst: UnsafeMutablePointer<Float>)
    /// Rewinds to `position` (≤ the current one) from a snapshot saved there; KV rows before it
    /// are unchanged, so the caches are truncated, not copied.
    func restore(position: Int, from src: UnsafePointer<Float>)
}
