/// Activation buffers for one chunk of at most `chunk` tokens, reused by every chunk and every
/// decode step (llama2.c's RunState). Sizes depend only on the model and the chunk: O(chunk).
final class RunState {
    let chunk: Int
    let compute: ComputeContext      // the owning session's threads
    let x: FloatBuffer      // (chunk, dim) residual stream
    let xb: FloatBuffer     // (chunk, dim) normed input of the current block
    let proj: FloatBuffer   // (chunk, projWidth) fused projection outputs (q;k;v;…)
    let att: FloatBuffer    // (chunk, dim) mixer output before out_proj
    let hb: FloatBuffer     // (chunk, 2 hidden) fc1 | gate
    let hb2: FloatBuffer    // (chunk, hidden) swiglu
    let logits: FloatBuffer // (vocab) logits of the last token

    init(config c: ModelConfig, chunk: Int, compute: ComputeContext) {
        self.chunk = chunk
        self.compute = compute
        let projWidth = max(4 * c.dim + c.nSelfHeads, c.dim + 2 * c.kvDim)
        x = FloatBuffer(chunk * c.dim)
        xb = FloatBuffer(chunk * c.dim)
        proj = FloatBuffer(chunk * projWidth)
        att = FloatBuffer(chunk * c.dim)
        hb = FloatBuffer(chunk * 2 * c.hiddenDim)
        hb2 = FloatBuffer(chunk * c.hiddenDim)
        logits = FloatBuffer(c.vocabSize)
    }
}
