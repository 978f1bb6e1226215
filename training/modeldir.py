"""Load a model from a model directory (config.json + model.safetensors) or a training checkpoint."""
import os

import torch
from safetensors.torch import load_file

from yoco import Config, build


def load_model(path, device="cpu"):
    """path: model directory, or a .pt file written by train.py (ckpt.pt or model_stepN.pt)."""
    if os.path.isdir(path):
        cfg = Config.load(os.path.join(path, "config.json"))
        state = {k: v.float() for k, v in load_file(os.path.join(path, "model.safetensors")).items()}
        meta = {}
    else:
        ck = torch.load(path, map_location="cpu", weights_only=False)
        cfg, state = Config.from_dict(ck["config"]), ck["model"]
        meta = {k: ck[k] for k in ("step", "elapsed", "plan", "args", "eval") if k in ck}
    model = build(cfg)
    model.load_state_dict(state)
    return model.to(device).eval(), meta


def parse_length(s):
    """'4K' -> 4096, '1M' -> 1048576, '300' -> 300."""
    s = s.strip().upper()
    mult = {"K": 1024, "M": 1024 * 1024}.get(s[-1:], 1)
    return int(float(s[:-1] if mult > 1 else s) * mult)
