/// Process-wide facts about the BLAS the runtime runs on.
public enum RuntimeInfo {
    /// The OpenBLAS kernel family picked at load time ("Prescott" means the slow generic fallback).
    public static var blasCoreName: String { BLAS.coreName }

    /// The OPENBLAS_CORETYPE the process was started with, if any.
    public static var blasCoreTypeVariable: String? { ProcessEnvironment.get("OPENBLAS_CORETYPE") }

    /// Threads a large gemm is split over (OpenBLAS itself runs one thread per call).
    public static var blasThreads: Int { BLAS.threads }

    /// Sets the threads large gemms are split over (process-wide). Sessions call this with their setting.
    public static func setThreads(_ n: Int) { BLAS.setThreads(n) }
}
