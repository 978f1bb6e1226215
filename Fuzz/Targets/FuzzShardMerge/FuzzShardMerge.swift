import FuzzSupport
import Foundation
import NeedleEval

/// A shard database as `merge` reads it: any file handed to it, perhaps from another version,
/// another task or a disk that corrupted it. The merge must refuse it with a message naming the
/// file, or merge it; never trap, and never leave the output half-written.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzShardMerge(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let shard = FuzzInput.write(UnsafeBufferPointer(start: data, count: size), to: "shard.sqlite")
    let out = FuzzInput.folder.appendingPathComponent("merged.sqlite")
    for suffix in ["", "-wal", "-shm", "-journal"] { FuzzInput.remove("merged.sqlite" + suffix) }
    _ = try? ShardMerge.merge(into: out.path, shards: [shard.path], busyTimeoutMs: 0)
    return 0
}

@main
enum Main {
    static func main() { FuzzDriver.run(fuzzShardMerge) }
}
