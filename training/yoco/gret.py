"""Gated retention, the alternative YOCO self-decoder mixer (sliding_window: null).
Per head (head dim D): log g_t = logsigmoid(x_t W_gt) / 16, S_t = g_t S_{t-1} + k_t^T v_t, o_t = q_t S_t,
with RoPE on q, k and k scaled by 1/sqrt(D). Output: per-head RMSNorm (no weight), silu(g) * o, out_proj."""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

from .layers import rope_angles, apply_rope, split_heads, merge_heads, rms_norm

GATE_LOGIT_DENOM = 16.0


class GatedRetention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg.dim
        self.n_heads, self.head_dim = cfg.n_self_heads, cfg.self_head_dim
        self.theta, self.eps = cfg.rope_theta, cfg.norm_eps
        self.q_proj = nn.Linear(d, d, bias=False)
        self.k_proj = nn.Linear(d, d, bias=False)
        self.v_proj = nn.Linear(d, d, bias=False)
        self.g_proj = nn.Linear(d, d, bias=False)
        self.gt_proj = nn.Linear(d, cfg.n_self_heads, bias=False)
        self.out_proj = nn.Linear(d, d, bias=False)
        self.chunk = 256   # chunkwise form's chunk size (authors: 256); any size gives the same output

    def project(self, x, start):
        """x (B, T, dim) at absolute positions start.. -> q, k, v (B, H, T, D), log_gamma (B, H, T)."""
        T = x.shape[1]
        cos, sin = rope_angles(torch.arange(start, start + T, device=x.device), self.head_dim,
                               self.theta, x.dtype)
        q = apply_rope(split_heads(self.q_proj(x), self.n_heads), cos, sin)
        k = apply_rope(split_heads(self.k_proj(x), self.n_heads), cos, sin) / math.sqrt(self.head_dim)
        v = split_heads(self.v_proj(x), self.n_heads)
        log_gamma = (F.logsigmoid(self.gt_proj(x)) / GATE_LOGIT_DENOM).transpose(1, 2)
        return q, k, v, log_gamma

    def output(self, x, o):
        """o (B, H, T, D) -> (B, T, dim): per-head RMSNorm, silu(g) * o, out_proj."""
        o = merge_heads(rms_norm(o, self.eps))
        return self.out_proj(F.silu(self.g_proj(x)) * o)

    def forward(self, x, state=None, start=0, recurrent=False):
        """x (B, T, dim). state (B, H, D, D) or None. Returns (out, new_state)."""
        B, T, _ = x.shape
        q, k, v, lg = self.project(x, start)
        if state is None:
            state = x.new_zeros(B, self.n_heads, self.head_dim, self.head_dim)
        if recurrent:
            o, state = retention_recurrent(q, k, v, lg, state)
        else:
            outs = []
            for s in range(0, T, self.chunk):
                e = min(s + self.chunk, T)
                oc, state = retention_chunk(q[:, :, s:e], k[:, :, s:e], v[:, :, s:e], lg[:, :, s:e], state)
                outs.append(oc)
            o = torch.cat(outs, dim=2)
        return self.output(x, o), state


def retention_recurrent(q, k, v, log_gamma, S):
    """Token by token: S = g S + k^T v; o = q S. q, k, v (B, H, T, D); S (B, H, D, D)."""
    outs = []
    for t in range(q.shape[2]):
        g = log_gamma[:, :, t].exp()[..., None, None]
        S = g * S + k[:, :, t, :, None] * v[:, :, t, None, :]
        outs.append((q[:, :, t, None, :] @ S).squeeze(2))
    return torch.stack(outs, dim=2), S


def retention_chunk(q, k, v, log_gamma, S):
    """One chunk of C tokens. G = inclusive cumsum of log gamma inside the chunk.
    o = (q k^T * exp(G_i - G_j) * [j<=i]) v + (q * exp(G_i)) S_prev;
    S = exp(G_last) S_prev + k^T (v * exp(G_last - G_j))."""
    C = q.shape[2]
    G = log_gamma.cumsum(-1)                                   # (B, H, C)
    causal = torch.ones(C, C, dtype=torch.bool, device=q.device).tril()
    decay = (G[..., :, None] - G[..., None, :]).masked_fill(~causal, float("-inf")).exp()  # (B,H,C,C)
    inner = ((q @ k.transpose(-1, -2)) * decay) @ v
    cross = (q * G[..., None].exp()) @ S
    G_last = G[..., -1:]                                       # (B, H, 1)
    S = G_last[..., None].exp() * S + k.transpose(-1, -2) @ (v * (G_last - G)[..., None].exp())
    return inner + cross, S
