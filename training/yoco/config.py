"""Model configuration: exactly the fields of config.json (the Swift loader rejects unknown ones)."""
import json
from dataclasses import dataclass, asdict
from typing import Optional

FIELDS = ("dim", "n_layers", "hidden_dim", "n_self_heads", "n_attn_heads", "n_attn_kv_heads",
          "vocab_size", "rope_theta", "norm_eps", "sliding_window", "architecture",
          "cross_attention_rope")


@dataclass
class Config:
    dim: int = 128
    n_layers: int = 4
    hidden_dim: int = 384
    n_self_heads: int = 4
    n_attn_heads: int = 4
    n_attn_kv_heads: int = 2
    vocab_size: int = 264
    rope_theta: float = 1e8
    norm_eps: float = 1e-5
    sliding_window: Optional[int] = 128   # None => gated retention self-decoder
    architecture: str = "yoco"            # "yoco" | "transformer"
    cross_attention_rope: bool = False    # False => NoPE global attention

    @property
    def self_head_dim(self):
        return self.dim // self.n_self_heads

    @property
    def attn_head_dim(self):
        return self.dim // self.n_attn_heads

    def validate(self):
        assert self.architecture in ("yoco", "transformer"), self.architecture
        assert self.dim % self.n_self_heads == 0 and self.dim % self.n_attn_heads == 0
        assert self.n_attn_heads % self.n_attn_kv_heads == 0
        assert self.self_head_dim % 2 == 0 and self.attn_head_dim % 2 == 0
        if self.architecture == "yoco":
            assert self.n_layers % 2 == 0, "YOCO splits layers evenly into self and cross decoder"
        return self

    def to_json(self):
        return json.dumps(asdict(self), indent=2) + "\n"

    @staticmethod
    def from_dict(d):
        unknown = set(d) - set(FIELDS)
        assert not unknown, f"unknown config fields {sorted(unknown)}"
        return Config(**d).validate()

    @staticmethod
    def load(path):
        with open(path) as f:
            return Config.from_dict(json.load(f))
