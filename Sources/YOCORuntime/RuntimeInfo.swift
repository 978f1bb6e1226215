import COpenBLAS

/// Process-wide facts about the BLAS the runtime runs on.
public enum RuntimeInfo {
    /// The OpenBLAS kernel family picked at load time ("Prescott" means the slow generic fallback).
    public static var blasCoreName: String { String(cString: openblas_get_corename()) }
}
