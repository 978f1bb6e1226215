/// Process-wide facts about the BLAS the runtime runs on.
public enum RuntimeInfo {
    /// The OpenBLAS kernel family picked at load time ("Prescott" means the slow generic fallback).
    public static var blasCoreName: String { BLAS.coreName }

    /// The OPENBLAS_CORETYPE the process was started with, if any.
    public static var blasCoreTypeVariable: String? { ProcessEnvironment.get("OPENBLAS_CORETYPE") }
}
