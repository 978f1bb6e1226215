import CFuzzDriver
import Foundation

/// Runs libFuzzer with one target's function. A target is a Swift executable with `@main`
/// calling `FuzzDriver.run(f)`, where `f` is also exported as `LLVMFuzzerTestOneInput`: SwiftPM's
/// debug builds rename a Swift `main` and point the `main` symbol at it, so libFuzzer's own
/// `main` (linked by -sanitize=fuzzer, and needing that symbol) is never the one that runs; its
/// driver is.
public enum FuzzDriver {
    public typealias Target = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    public static func run(_ target: Target) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, target))
    }
}
