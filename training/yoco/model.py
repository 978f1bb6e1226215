"""PyTorch reference of YOCO (SWA or gated-retention self-decoder + cross-decoder over one global KV)
and of a standard decoder-only Transformer. Module attribute names reproduce the authors' tensor names
(docs/ARCHITECTURE.md), so state_dict() is what model.safetensors stores."""
import math
import torch
import torch.nn as nn

from .config import Config
from .layers import (RMSNorm, FeedForward, rope_angles, apply_rope, split_heads, merge_heads,
                     sliding_window_attention, causal_attention)
from .gret import GatedRetention


class SlidingWindowAttention(nn.Module):
    """Self-decoder mixer: RoPE attention over the last `window` positions (itself included)."""

    def __init__(self, cfg):
        super().__init__()
        d = cfg.dim
        self.n_heads, self.head_dim = cfg.n_self_heads, cfg.self_head_dim
        self.window, self.theta = cfg.sliding_window, cfg.rope_theta
        self.q_proj = nn.Linear(d, d, bias=False)
        self.k_proj = nn.Linear(d, d, bias=False)
        self.v_proj = nn.Linear(d, d, bias=False)
        self.out_proj = nn.Linear(d, d, bias=False)

    def forward(self, x, state=None, start=0):
        """x (B, T, dim) at positions start..; state = (k, v) (B, H, <=W-1, D) rotated keys of the
        previous positions. Returns (out, new_state)."""
        T = x.shape[1]
        cos, sin = rope_angles(torch.arange(start, start + T, device=x.device), self.head_dim,
                               self.theta, x.dtype)
        q = apply_rope(split_heads(self.q_proj(x), self.n_heads), cos, sin)
        k = apply_rope(split_heads(self.k_proj(x), self.n_heads), cos, sin)
        v = split_heads(self.v_proj(x), self.n_heads)
        if state is not None:
            k, v = torch.cat((state[0], k), 2), torch.cat((state[1], v), 2)
        n_past = k.shape[2] - T
        o = sliding_window_attention(q, k, v, self.window, n_past)
        keep = self.window - 1
        return self.out_proj(merge_heads(o)), (k[:, :, -keep:], v[:, :, -keep:])


class Block(nn.Module):
    """Pre-norm residual block: h = x + mixer(norm(x)); out = h + ffn(norm(h))."""

    def __init__(self, cfg, mixer):
        super().__init__()
        self.mixer_layer_norm = RMSNorm(cfg.dim, cfg.norm_eps)
        self.mixer = mixer
        self.final_layer_norm = RMSNorm(cfg.dim, cfg.norm_eps)
        self.ffn = FeedForward(cfg.dim, cfg.hidden_dim)

    def forward(self, x, *mixer_args, **mixer_kw):
        out = self.mixer(self.mixer_layer_norm(x), *mixer_args, **mixer_kw)
        state = None
        if isinstance(out, tuple):
            out, state = out
        h = x + out
        return h + self.ffn(self.final_layer_norm(h)), state


class SelfDecoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        n = cfg.n_layers // 2
        make = (lambda: SlidingWindowAttention(cfg)) if cfg.sliding_window else (lambda: GatedRetention(cfg))
        self.layers = nn.ModuleList([Block(cfg, make()) for _ in range(n)])

    def forward(self, x, states=None, start=0):
        """x (B, T, dim) -> (X (B, T, dim), per-layer states)."""
        states = states or [None] * len(self.layers)
        new = []
        for layer, st in zip(self.layers, states):
            x, st = layer(x, st, start=start)
            new.append(st)
        return x, new


class CrossAttention(nn.Module):
    """Cross-decoder mixer: own queries, the shared global K, V (GQA), causal."""

    def __init__(self, cfg):
        super().__init__()
        self.n_heads, self.head_dim = cfg.n_attn_heads, cfg.attn_head_dim
        self.theta, self.rope = cfg.rope_theta, cfg.cross_attention_rope
        self.q_proj = nn.Linear(cfg.dim, cfg.dim, bias=False)
        self.out_proj = nn.Linear(cfg.dim, cfg.dim, bias=False)

    def forward(self, x, K, V, start, key_bias=None):
        """x (B, T, dim) at positions start..; K, V (B, Hkv, Tk, D) for positions 0..Tk-1.
        key_bias (B, Tk): training only, added to every query's logit for that key (see train.py)."""
        q = split_heads(self.q_proj(x), self.n_heads)
        if self.rope:
            cos, sin = rope_angles(torch.arange(start, start + x.shape[1], device=x.device),
                                   self.head_dim, self.theta, x.dtype)
            q = apply_rope(q, cos, sin)
        return self.out_proj(merge_heads(causal_attention(q, K, V, q_start=start, key_bias=key_bias)))


class CrossDecoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        kv_dim = cfg.n_attn_kv_heads * cfg.attn_head_dim
        self.n_kv, self.head_dim = cfg.n_attn_kv_heads, cfg.attn_head_dim
        self.theta, self.rope = cfg.rope_theta, cfg.cross_attention_rope
        self.kv_layer_norm = RMSNorm(cfg.dim, cfg.norm_eps)
        self.k_proj = nn.Linear(cfg.dim, kv_dim, bias=False)
        self.v_proj = nn.Linear(cfg.dim, kv_dim, bias=False)
        self.layers = nn.ModuleList([Block(cfg, CrossAttention(cfg)) for _ in range(cfg.n_layers // 2)])

    def global_kv(self, X, start):
        """Self-decoder output X (B, T, dim) -> K, V (B, Hkv, T, D), computed once for all layers."""
        Xn = self.kv_layer_norm(X)
        K = split_heads(self.k_proj(Xn), self.n_kv)
        V = split_heads(self.v_proj(Xn), self.n_kv)
        if self.rope:
            cos, sin = rope_angles(torch.arange(start, start + X.shape[1], device=X.device),
                                   self.head_dim, self.theta, X.dtype)
            K = apply_rope(K, cos, sin)
        return K, V

    def forward(self, x, K, V, start, key_bias=None):
        for layer in self.layers:
            x, _ = layer(x, K, V, start, key_bias=key_bias)
        return x


class YOCO(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.dim)
        self.self_decoder = SelfDecoder(cfg)
        self.cross_decoder = CrossDecoder(cfg)
        self.layer_norm = RMSNorm(cfg.dim, cfg.norm_eps)
        self.output_projection = nn.Linear(cfg.dim, cfg.vocab_size, bias=False)

    def embed(self, ids):
        return self.embed_tokens(ids) * math.sqrt(self.cfg.dim)

    def head(self, x):
        return self.output_projection(self.layer_norm(x))

    def forward(self, ids, key_bias=None):
        """ids (B, T) -> logits (B, T, vocab) at every position. key_bias (B, T): optional additive
        logit bias per global key, a training device only (the runtime has none)."""
        X, _ = self.self_decoder(self.embed(ids))
        K, V = self.cross_decoder.global_kv(X, 0)
        return self.head(self.cross_decoder(X, K, V, 0, key_bias))


class TransformerAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.n_heads, self.n_kv, self.head_dim = cfg.n_attn_heads, cfg.n_attn_kv_heads, cfg.attn_head_dim
        self.theta = cfg.rope_theta
        kv_dim = cfg.n_attn_kv_heads * cfg.attn_head_dim
        self.q_proj = nn.Linear(cfg.dim, cfg.dim, bias=False)
        self.k_proj = nn.Linear(cfg.dim, kv_dim, bias=False)
        self.v_proj = nn.Linear(cfg.dim, kv_dim, bias=False)
        self.out_proj = nn.Linear(cfg.dim, cfg.dim, bias=False)

    def forward(self, x):
        cos, sin = rope_angles(torch.arange(x.shape[1], device=x.device), self.head_dim, self.theta, x.dtype)
        q = apply_rope(split_heads(self.q_proj(x), self.n_heads), cos, sin)
        k = apply_rope(split_heads(self.k_proj(x), self.n_kv), cos, sin)
        v = split_heads(self.v_proj(x), self.n_kv)
        return self.out_proj(merge_heads(causal_attention(q, k, v, q_start=0)))


class Transformer(nn.Module):
    """Baseline: the same blocks, full causal RoPE attention (GQA) in every layer."""

    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.dim)
        self.layers = nn.ModuleList([Block(cfg, TransformerAttention(cfg)) for _ in range(cfg.n_layers)])
        self.layer_norm = RMSNorm(cfg.dim, cfg.norm_eps)
        self.output_projection = nn.Linear(cfg.dim, cfg.vocab_size, bias=False)

    def forward(self, ids):
        x = self.embed_tokens(ids) * math.sqrt(self.cfg.dim)
        for layer in self.layers:
            x, _ = layer(x)
        return self.output_projection(self.layer_norm(x))


def build(cfg: Config):
    return (YOCO if cfg.architecture == "yoco" else Transformer)(cfg)


def init_weights(model, std=0.02, norm_jitter=0.0, generator=None):
    """Linears ~ N(0, std) (residual outputs scaled by 1/sqrt(2 n_layers)); embedding ~ N(0, 1/sqrt(dim))
    so that embed*sqrt(dim) has unit scale; norms = 1 (+ optional jitter for fixtures)."""
    n_layers = model.cfg.n_layers
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.fill_(1.0)
                if norm_jitter:
                    p.add_(torch.randn(p.shape, generator=generator) * norm_jitter)
            elif name == "embed_tokens.weight":
                p.copy_(torch.randn(p.shape, generator=generator) / math.sqrt(model.cfg.dim))
            else:
                s = std / math.sqrt(2 * n_layers) if name.endswith(("out_proj.weight", "fc2.weight")) else std
                p.copy_(torch.randn(p.shape, generator=generator) * s)
    return model
