import Foundation

/// FLOP and byte counts of the forward pass from the config, for benchmark roofline fractions.
/// Counts multiply-adds as 2 FLOPs; attention counts only the keys a query really sees.
public enum CostModel {
    /// FLOPs to prefill `length` tokens (YOCO: self-decoder + KV projection, early exit; the one
    /// cross-decoder token is negligible. Transformer: every layer with causal attention).
    public static func prefillFLOPs(_ c: ModelConfig, length: Int) -> Double {
        let d = Double(c.dim), h = Double(c.hiddenDim), L = Double(length)
        let ffn = 2 * d * 2 * h + 2 * h * d
        switch c.architecture {
        case .yoco:
            var perToken = 0.0
            for _ in 0..<c.nSelfLayers {
                if let w = c.slidingWindow {
                    perToken += 2 * d * 3 * d + 2 * d * d + 4 * d * Double(min(w, length)) + ffn
                } else {
                    let hd = Double(c.selfHeadDim)
                    perToken += 2 * d * (4 * d + Double(c.nSelfHeads)) + 2 * d * d + 4 * d * hd + ffn
                }
            }
            perToken += 2 * d * 2 * Double(c.kvDim)
            return perToken * L
        case .transformer:
            let proj = 2 * d * (d + 2 * Double(c.kvDim)) + 2 * d * d + ffn
            // causal attention: Σ_i (i+1) keys ≈ L²/2, QK and PV each 2·hd per key per head
            let attention = 4 * d * L * (L + 1) / 2
            return Double(c.nLayers) * (proj * L + attention)
        }
    }

    /// KV-cache bytes one decode token reads at `context` tokens (every cross layer, or every
    /// Transformer layer, reads all K and V once).
    public static func decodeKVBytesRead(_ c: ModelConfig, context: Int, kvDType: KVDType) -> Double {
        let layers = c.architecture == .yoco ? c.nCrossLayers : c.nLayers
        return Double(layers) * 2 * Double(context) * Double(c.kvDim) * (kvDType == .f32 ? 4 : 2)
    }
}
