"""Checkpoint -> model directory (config.json, model.safetensors f32 with the authors' tensor names,
tokenizer.json, MODEL_CARD.md).
Usage: python3 training/export_model.py --ckpt training/runs/tiny1/ckpt.pt --out models/yoco-niah-tiny \
           [--eval results.jsonl]   (JSON lines from eval_torch.py --json, rendered as the accuracy table)"""
import argparse
import json
import os
import platform
import sys

import torch
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from modeldir import load_model   # noqa: E402

TOKENIZER = {"type": "bytes", "bos_id": 256, "eos_id": 257, "pad_id": 258}


def eval_table(path):
    if not path or not os.path.exists(path):
        return "No accuracy measured yet for this export.\n"
    rows = [json.loads(l) for l in open(path) if l.strip()]
    lines = ["Measured by the PyTorch reference (training/eval_torch.py: chunked prefill, early exit, greedy "
             "decoding), not by the Swift runtime. Accuracy = exact answer; partial = share of values found.", ""]
    for r in rows:
        lines += [f"`{r['command']}`", "",
                  f"task {r['task']}, needles {r['needles']}, haystack {r['haystack']}, "
                  f"{r['trials_per_length']} answers per length, checkpoint step {r.get('step')}", "",
                  "| length | accuracy | partial |", "|---:|---:|---:|"]
        lines += [f"| {L} | {a:.3f} | {r['partial'][L]:.3f} |" for L, a in r["accuracy"].items()]
        lines.append("")
    return "\n".join(lines) + "\n"


def model_card(model, meta, args):
    cfg = model.cfg
    n = sum(p.numel() for p in model.parameters())
    a = meta.get("args", {})
    plan = meta.get("plan")
    kind = "sliding-window attention" if cfg.sliding_window else "gated retention"
    elapsed = meta.get("elapsed")
    return f"""# yoco-niah-tiny

A byte-level YOCO decoder-decoder (Sun et al. 2024) trained by this project only to retrieve needles
from long haystacks. It is a test instrument for needle-eval, not a language model.

## Architecture
- {cfg.n_layers // 2} self-decoder layers ({kind}{f", window {cfg.sliding_window}" if cfg.sliding_window else ""},
  {cfg.n_self_heads} heads, RoPE theta {cfg.rope_theta:g}) + {cfg.n_layers // 2} cross-decoder layers
  ({cfg.n_attn_heads} query heads over one global K/V with {cfg.n_attn_kv_heads} kv heads,
  {"RoPE" if cfg.cross_attention_rope else "no position encoding (NoPE)"} on the global q/K).
- dim {cfg.dim}, SwiGLU hidden {cfg.hidden_dim}, vocab {cfg.vocab_size} (bytes 0-255, BOS 256, EOS 257, PAD 258).
- {n:,} parameters, stored f32 under the authors' tensor names.

## Training
- Data: generated on the fly by training/data.py from the task specs in tasks/ (single needle, 1-8
  needles with distinct keys, several questions per sequence with teacher-forced answers, uuid
  multi-key, multi-value); haystacks from the toolkit's built-in generator, Debian license texts and
  RULER-style noise. Python standard-library docstrings are held out for evaluation.
- Loss: answer-token cross-entropy + {a.get('lm_weight', 0.05)} x next-byte cross-entropy on all tokens.
- AdamW lr {a.get('lr')}, betas 0.9/0.95, weight decay 0.01, warm-up {a.get('warmup')} steps then
  cosine to 10%, grad-clip 1.0, batch {a.get('batch')}, seed {a.get('seed')}.
- Curriculum (sequence length, steps): {plan}.
- Exported at step {meta.get('step')} of {sum(s for _, s in plan) if plan else '?'}; wall time
  {f"{elapsed / 3600:.2f} h" if elapsed else "?"} on {args.machine}.
- Reproduce: `{args.train_command}`

## Accuracy
{eval_table(args.eval)}"""


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ckpt", required=True)
    p.add_argument("--out", default=os.path.join(os.path.dirname(HERE), "models", "yoco-niah-tiny"))
    p.add_argument("--eval", help="JSON lines written by eval_torch.py --json")
    p.add_argument("--no-card", action="store_true",
                   help="leave MODEL_CARD.md alone (the shipped card is measured by scripts/model_card_eval.sh)")
    p.add_argument("--machine", default=f"{os.cpu_count()}-core {platform.machine()} CPU, PyTorch "
                                        f"{torch.__version__}, 2 threads")
    p.add_argument("--train-command", default="training/reproduce_shipped.sh",
                   help="how the exported checkpoint was trained, for the generated card")
    args = p.parse_args()
    model, meta = load_model(args.ckpt)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "config.json"), "w") as f:
        f.write(model.cfg.to_json())
    with open(os.path.join(args.out, "tokenizer.json"), "w") as f:
        json.dump(TOKENIZER, f)
        f.write("\n")
    state = {k: v.detach().float().contiguous() for k, v in model.state_dict().items()}
    save_file(state, os.path.join(args.out, "model.safetensors"), metadata={"format": "pt"})
    if not args.no_card:
        with open(os.path.join(args.out, "MODEL_CARD.md"), "w") as f:
            f.write(model_card(model, meta, args))
    print(f"exported step {meta.get('step')} to {args.out}")


if __name__ == "__main__":
    main()
