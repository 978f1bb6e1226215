"""Grow a trained YOCO without changing what it computes, so that training can go on with more capacity.
  python3 training/grow_model.py training/runs/mined2/ckpt.pt --kv-heads 4 --layers 6 --out /tmp/grown.pt
  python3 training/train.py --name wide1 --init-from /tmp/grown.pt ...
--kv-heads: each global K/V head is copied into Hkv_new / Hkv_old heads; the query heads that shared it
  (GQA: query head h reads kv head h // (Hq / Hkv)) now read identical copies, which training can then
  pull apart: more key dimensions per query head for telling same-template needles apart.
--layers: new self- and cross-decoder layers are appended with zero output projections (attention
  out_proj and ffn fc2), so each starts as the identity on the residual stream.
The script checks that old and grown models give the same logits (max |diff| printed) and writes a
checkpoint that train.py --init-from reads."""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from yoco import Config, build, init_weights   # noqa: E402
from modeldir import load_model                 # noqa: E402


def grow(old, kv_heads, n_layers, seed):
    oc = old.cfg
    if n_layers % 2 or n_layers < oc.n_layers:
        sys.exit(f"grow_model.py: --layers {n_layers}: must be even and at least the model's {oc.n_layers}")
    if kv_heads % oc.n_attn_kv_heads or oc.n_attn_heads % kv_heads:
        sys.exit(f"grow_model.py: --kv-heads {kv_heads}: must be a multiple of the model's {oc.n_attn_kv_heads} "
                 f"and divide n_attn_heads {oc.n_attn_heads}")
    cfg = Config.from_dict({**oc.__dict__, "n_layers": n_layers, "n_attn_kv_heads": kv_heads})
    torch.manual_seed(seed)
    new = init_weights(build(cfg))
    state = new.state_dict()
    rep, D = kv_heads // oc.n_attn_kv_heads, cfg.attn_head_dim
    for name, w in old.state_dict().items():
        if name in ("cross_decoder.k_proj.weight", "cross_decoder.v_proj.weight"):
            # rows are (kv head, head dim); repeat each head's block rep times in place
            w = w.view(oc.n_attn_kv_heads, 1, D, oc.dim).expand(-1, rep, -1, -1).reshape(-1, oc.dim)
        state[name] = w.clone()
    old_half = oc.n_layers // 2
    for part in ("self_decoder", "cross_decoder"):
        for i in range(old_half, n_layers // 2):
            for leaf in ("mixer.out_proj.weight", "ffn.fc2.weight"):
                state[f"{part}.layers.{i}.{leaf}"].zero_()
    new.load_state_dict(state)
    return new.eval()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("source", help="training checkpoint (.pt) or model directory")
    p.add_argument("--kv-heads", type=int, help="new n_attn_kv_heads (default: unchanged)")
    p.add_argument("--layers", type=int, help="new n_layers (default: unchanged)")
    p.add_argument("--seed", type=int, default=0, help="seed for the new layers' input weights")
    p.add_argument("--out", required=True, help="checkpoint to write (.pt)")
    args = p.parse_args()
    old, _ = load_model(args.source)
    new = grow(old, args.kv_heads or old.cfg.n_attn_kv_heads, args.layers or old.cfg.n_layers, args.seed)
    ids = torch.randint(0, old.cfg.vocab_size, (2, 300), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        diff = (old(ids) - new(ids)).abs().max().item()
    print(f"grown {old.cfg.n_layers} -> {new.cfg.n_layers} layers, kv heads {old.cfg.n_attn_kv_heads} -> "
          f"{new.cfg.n_attn_kv_heads}, params {sum(p.numel() for p in old.parameters()):,} -> "
          f"{sum(p.numel() for p in new.parameters()):,}; max |logit diff| {diff:.2e}")
    if diff > 1e-4:
        sys.exit("grow_model.py: the grown model does not compute the same function; nothing written")
    tmp = args.out + ".tmp"
    torch.save(dict(model=new.state_dict(), config=new.cfg.__dict__), tmp)
    os.replace(tmp, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
