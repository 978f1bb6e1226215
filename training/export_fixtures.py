"""Write the Swift runtime's test fixtures: small random models and the reference logits at every position.
Usage: python3 training/export_fixtures.py [--out Tests/YOCORuntimeTests/Fixtures]

One folder per case = a model directory (config.json, model.safetensors, tokenizer.json) plus
expected.safetensors (tokens int32 [T], logits float32 [T, vocab]) and case.json. The reference runs in
float64 on exactly the stored weights (f16/bf16 cases: on the rounded weights), then casts to float32."""
import argparse
import json
import os
import sys

import torch
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from yoco import Config, build, init_weights   # noqa: E402
from yoco.gret import retention_recurrent      # noqa: E402, F401  (documented alternative form)

TOKENIZER = {"type": "bytes", "bos_id": 256, "eos_id": 257, "pad_id": 258}
T = 272            # > 4 chunks of 64 and > 16 windows of 16
GRET_CHUNK = 100   # the reference's chunk; the Swift side may use any chunk size
SMALL = dict(dim=32, n_layers=4, hidden_dim=64, n_self_heads=4, n_attn_heads=4, n_attn_kv_heads=2,
             vocab_size=264, rope_theta=10000.0, norm_eps=1e-5)

CASES = [  # (folder, config overrides, stored dtype, description)
    ("yoco_swa", dict(sliding_window=16, architecture="yoco", cross_attention_rope=True), torch.float32,
     "YOCO, sliding-window self-decoder (window 16), RoPE on the global q/K, f32 weights"),
    ("yoco_swa_nope", dict(sliding_window=16, architecture="yoco", cross_attention_rope=False), torch.float32,
     "YOCO, sliding-window self-decoder (window 16), NoPE global attention, f32 weights"),
    ("yoco_gret", dict(sliding_window=None, architecture="yoco", cross_attention_rope=True), torch.float32,
     "YOCO, gated-retention self-decoder, RoPE on the global q/K, f32 weights"),
    ("transformer", dict(sliding_window=None, architecture="transformer", cross_attention_rope=True),
     torch.float32, "decoder-only Transformer baseline, full causal GQA attention with RoPE, f32 weights"),
    ("yoco_swa_f16", dict(sliding_window=16, architecture="yoco", cross_attention_rope=True), torch.float16,
     "yoco_swa's model with weights stored as f16; logits from the f16-rounded weights"),
    ("yoco_swa_bf16", dict(sliding_window=16, architecture="yoco", cross_attention_rope=True), torch.bfloat16,
     "yoco_swa's model with weights stored as bf16; logits from the bf16-rounded weights"),
]


def random_model(cfg, seed):
    """Random weights with a scale that keeps logits clearly distinct (linears std 0.08, norms 1 +- 0.2)."""
    g = torch.Generator().manual_seed(seed)
    return init_weights(build(cfg), std=0.08, norm_jitter=0.2, generator=g)


def reference_logits(model, tokens):
    """float64 forward over the whole sequence -> float32 logits [T, vocab]."""
    m = build(model.cfg).double()
    m.load_state_dict({k: v.double() for k, v in model.state_dict().items()})
    if model.cfg.architecture == "yoco" and model.cfg.sliding_window is None:
        for layer in m.self_decoder.layers:
            layer.mixer.chunk = GRET_CHUNK
    with torch.no_grad():
        logits = m(tokens[None].long())[0]
        check_gret_forms(m, tokens)
    return logits.float()


def check_gret_forms(m, tokens):
    """gRet only: the recurrent form must give the same logits as the chunkwise one."""
    if m.cfg.architecture != "yoco" or m.cfg.sliding_window is not None:
        return
    x = m.embed(tokens[None].long())
    mix = m.self_decoder.layers[0].mixer
    a, _ = mix(m.self_decoder.layers[0].mixer_layer_norm(x))
    b, _ = mix(m.self_decoder.layers[0].mixer_layer_norm(x), recurrent=True)
    assert (a - b).abs().max() < 1e-10, "gRet recurrent and chunkwise forms disagree"


def write_case(out, folder, cfg, model, dtype, tokens, description):
    d = os.path.join(out, folder)
    os.makedirs(d, exist_ok=True)
    stored = {k: v.detach().to(dtype).contiguous() for k, v in model.state_dict().items()}
    model.load_state_dict({k: v.float() for k, v in stored.items()})   # reference sees the rounding
    logits = reference_logits(model, tokens)
    with open(os.path.join(d, "config.json"), "w") as f:
        f.write(cfg.to_json())
    with open(os.path.join(d, "tokenizer.json"), "w") as f:
        json.dump(TOKENIZER, f)
        f.write("\n")
    save_file(stored, os.path.join(d, "model.safetensors"), metadata={"format": "pt"})
    save_file({"tokens": tokens.to(torch.int32).contiguous(), "logits": logits.contiguous()},
              os.path.join(d, "expected.safetensors"), metadata={"format": "pt"})
    case = {"description": description, "T": int(tokens.numel()), "torch_version": torch.__version__}
    if cfg.architecture == "yoco" and cfg.sliding_window is None:
        case["gret_chunk"] = GRET_CHUNK
    with open(os.path.join(d, "case.json"), "w") as f:
        json.dump(case, f, indent=2)
        f.write("\n")
    print(f"{folder}: logits std {logits.std():.3f}, max |logit| {logits.abs().max():.3f}, "
          f"argmax distinct {len(set(logits.argmax(-1).tolist()))}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=os.path.join(os.path.dirname(HERE), "Tests", "YOCORuntimeTests", "Fixtures"))
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    g = torch.Generator().manual_seed(args.seed)
    tokens = torch.cat((torch.tensor([256]), torch.randint(0, 256, (T - 1,), generator=g)))
    for i, (folder, over, dtype, desc) in enumerate(CASES):
        cfg = Config.from_dict({**SMALL, **over})
        seed = args.seed + (0 if folder.startswith("yoco_swa") and "nope" not in folder else 100 + i)
        write_case(args.out, folder, cfg, random_model(cfg, seed), dtype, tokens, desc)


if __name__ == "__main__":
    main()
