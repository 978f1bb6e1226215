"""Chunked YOCO inference with early exit: prompt tokens run only the self-decoder (window cache or
retention state per layer) and the global K/V projection; the cross-decoder runs on the last token."""
import torch

from .model import YOCO


class Session:
    """Incremental state of one sequence. extend(ids) appends tokens and returns the logits of the last."""

    def __init__(self, model: YOCO, capacity, chunk=4096):
        cfg = model.cfg
        p = next(model.parameters())
        self.model, self.chunk = model, chunk
        self.pos = 0
        self.states = None                               # per self-decoder layer
        shape = (1, cfg.n_attn_kv_heads, capacity, cfg.attn_head_dim)
        self.K = torch.empty(shape, dtype=p.dtype, device=p.device)   # (1, Hkv, capacity, D)
        self.V = torch.empty(shape, dtype=p.dtype, device=p.device)
        self.last_x = None                               # self-decoder output of the newest token

    @torch.no_grad()
    def prefill(self, ids):
        """Self-decoder + global KV over ids (list or 1-D tensor), chunk by chunk; no logits."""
        m = self.model
        ids = torch.as_tensor(ids, dtype=torch.long, device=self.K.device)
        for s in range(0, len(ids), self.chunk):
            c = ids[s:s + self.chunk][None]                       # (1, C)
            X, self.states = m.self_decoder(m.embed(c), self.states, start=self.pos)
            K, V = m.cross_decoder.global_kv(X, self.pos)
            n = c.shape[1]
            assert self.pos + n <= self.K.shape[2], "Session capacity exceeded"
            self.K[:, :, self.pos:self.pos + n] = K
            self.V[:, :, self.pos:self.pos + n] = V
            self.pos += n
            self.last_x = X[:, -1:]

    @torch.no_grad()
    def logits(self):
        """Cross-decoder on the newest token only -> logits (vocab,)."""
        m, p = self.model, self.pos
        x = m.cross_decoder(self.last_x, self.K[:, :, :p], self.V[:, :, :p], p - 1)
        return m.head(x)[0, -1]

    def extend(self, ids):
        self.prefill(ids)
        return self.logits()

    def generate(self, max_new_tokens, stop=None, eos_id=257):
        """Greedy decode; stops after the stop bytes, at EOS or after max_new_tokens. Returns byte ids
        (EOS excluded); the generated tokens, the stop bytes included, stay in the context."""
        out = []
        logits = self.logits()
        for _ in range(max_new_tokens):
            t = int(logits.argmax())
            if t == eos_id:
                break
            out.append(t)
            if stop and bytes(b for b in out if b < 256).endswith(stop):
                self.prefill([t])   # the stop stays in the context, as the Swift runtime runs its pending
                break               # token before the next question (no logits needed now)
            logits = self.extend([t])
        return out
