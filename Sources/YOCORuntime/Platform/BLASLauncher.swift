import Foundation

/// OpenBLAS picks its kernels when the library is loaded, before `main`. Debian's 0.3.21 does not
/// know Sapphire Rapids and falls back to "Prescott" (≈7× slower sgemm). The only fix from inside
/// the program is to start again with OPENBLAS_CORETYPE set; this does that, once.
public enum BLASLauncher {
    /// Marker set in the re-executed process so that it never re-executes again.
    public static let markerVariable = "NEEDLE_EVAL_BLAS_REEXEC"

    /// Why the current process runs on the kernels it does, for reports.
    public static var decision: String {
        if let user = ProcessEnvironment.get("OPENBLAS_CORETYPE") {
            let how = ProcessEnvironment.get(markerVariable) != nil ? "set by re-exec" : "set by user"
            return "OPENBLAS_CORETYPE=\(user) (\(how))"
        }
        return "OPENBLAS_CORETYPE unset"
    }

    /// Re-executes /proc/self/exe with the same argv and OPENBLAS_CORETYPE=SkylakeX when the
    /// variable is unset, OpenBLAS chose "Prescott" and the CPU has AVX-512F. Returns (doing
    /// nothing) in every other case, or if execv fails.
    public static func reexecWithFastKernelsIfNeeded() {
        guard ProcessEnvironment.get("OPENBLAS_CORETYPE") == nil,
              ProcessEnvironment.get(markerVariable) == nil,
              BLAS.coreName == "Prescott",
              cpuHasAVX512F() else { return }
        setenv("OPENBLAS_CORETYPE", "SkylakeX", 1)
        setenv(markerVariable, "1", 1)
        fflush(nil)                 // every C stream: output printed so far must not be lost or repeated
        _ = execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv only returns on failure: carry on with the slow kernels, but don't leave the
        // variable set for child processes that would then behave differently.
        unsetenv("OPENBLAS_CORETYPE")
    }

    static func cpuHasAVX512F() -> Bool {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
        for line in info.split(separator: "\n") where line.hasPrefix("flags") {
            return line.split(separator: " ").contains("avx512f")
        }
        return false
    }
}
