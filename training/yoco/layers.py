"""Small building blocks shared by every architecture: RMSNorm, SwiGLU FFN, interleaved RoPE,
sliding-window attention and causal (GQA) attention. Shapes: B batch, T time, H heads, D head dim."""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return rms_norm(x, self.eps) * self.weight


def rms_norm(x, eps):
    # computed in at least fp32 (the reference runs the whole model in fp64 for fixtures)
    xf = x.float() if x.dtype in (torch.float16, torch.bfloat16) else x
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).type_as(x)


class FeedForward(nn.Module):
    """SwiGLU: fc2(silu(fc1(x)) * gate(x))."""

    def __init__(self, dim, hidden_dim):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden_dim, bias=False)
        self.gate = nn.Linear(dim, hidden_dim, bias=False)
        self.fc2 = nn.Linear(hidden_dim, dim, bias=False)

    def forward(self, x):
        return self.fc2(F.silu(self.fc1(x)) * self.gate(x))


def rope_angles(positions, head_dim, theta, dtype):
    """positions (T,) int64 -> cos, sin (T, D/2). f_i = 1/theta**linspace(0,1,D/2), angles in fp64."""
    freqs = 1.0 / (theta ** torch.linspace(0.0, 1.0, head_dim // 2, dtype=torch.float64))
    ang = positions.to(torch.float64)[:, None] * freqs[None, :]
    return ang.cos().to(dtype), ang.sin().to(dtype)


def apply_rope(x, cos, sin):
    """Interleaved pairs (x[2i], x[2i+1]) rotated. x (B, H, T, D); cos, sin (T, D/2)."""
    a, b = x[..., 0::2], x[..., 1::2]
    out = torch.stack((a * cos - b * sin, a * sin + b * cos), dim=-1)
    return out.flatten(-2)


def split_heads(x, n_heads):
    """(B, T, H*D) -> (B, H, T, D)"""
    B, T, _ = x.shape
    return x.view(B, T, n_heads, -1).transpose(1, 2)


def merge_heads(x):
    """(B, H, T, D) -> (B, T, H*D)"""
    B, H, T, D = x.shape
    return x.transpose(1, 2).reshape(B, T, H * D)


def sliding_window_attention(q, k, v, window, n_past):
    """Query i attends keys j with i-(window-1) <= j <= i, computed block-wise (cost T*2W, not T^2).
    q (B, H, T, D) are the T newest positions; k, v (B, H, n_past+T, D) hold n_past <= window
    earlier keys followed by the T new ones."""
    B, H, T, D = q.shape
    W = window
    assert n_past <= W and k.shape[2] == n_past + T
    front = W - n_past                        # zero keys prepended so that k starts one block early
    nb = (T + W - 1) // W
    back = nb * W - T                          # pad to whole blocks; padded keys lie in the future
    q = F.pad(q, (0, 0, 0, back))
    k = F.pad(k, (0, 0, front, back))          # (B, H, W + nb*W, D)
    v = F.pad(v, (0, 0, front, back))
    qb = q.view(B, H, nb, W, D)
    kb = torch.cat((k[:, :, :-W].reshape(B, H, nb, W, D), k[:, :, W:].reshape(B, H, nb, W, D)), 3)
    vb = torch.cat((v[:, :, :-W].reshape(B, H, nb, W, D), v[:, :, W:].reshape(B, H, nb, W, D)), 3)
    a = torch.arange(W, device=q.device)[:, None]          # query offset in its block
    c = torch.arange(2 * W, device=q.device)[None, :]      # key offset in previous+current block
    band = (c >= a + 1) & (c <= a + W)                      # (W, 2W)
    key_index = torch.arange(nb, device=q.device)[:, None] * W + c   # index into padded k
    mask = band[None] & (key_index >= front)[:, None, :]    # (nb, W, 2W)
    att = (qb @ kb.transpose(-1, -2)) * (1.0 / math.sqrt(D))  # (B, H, nb, W, 2W)
    att = att.masked_fill(~mask, float("-inf")).softmax(-1)
    out = att @ vb                                          # (B, H, nb, W, D)
    return out.reshape(B, H, nb * W, D)[:, :, :T]


def causal_attention(q, k, v, q_start=None, key_bias=None):
    """GQA causal attention. q (B, Hq, Tq, D), k, v (B, Hkv, Tk, D). Query head h reads kv head
    h // (Hq/Hkv). Query t sits at absolute position q_start + t (default Tk - Tq).
    key_bias (B, Tk), optional: added to every query's logit for that key."""
    Hq, Tq, Tk = q.shape[1], q.shape[2], k.shape[2]
    rep = Hq // k.shape[1]
    if rep > 1:
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
    if q_start is None:
        q_start = Tk - Tq
    if q_start == 0 and Tq == Tk and key_bias is None:
        return F.scaled_dot_product_attention(q, k, v, is_causal=True)
    qpos = torch.arange(Tq, device=q.device)[:, None] + q_start
    mask = torch.arange(Tk, device=q.device)[None, :] <= qpos
    if key_bias is not None:
        mask = torch.where(mask, key_bias[:, None, None, :].to(q.dtype),
                           torch.tensor(float("-inf"), dtype=q.dtype, device=q.device))
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
