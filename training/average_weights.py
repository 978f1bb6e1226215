"""Average the weights of checkpoints of one model (snapshots of a run, or the ends of consecutive
stages): a cheap way to keep what two snapshots each do well, to be measured like any checkpoint.
  python3 training/average_weights.py training/runs/rt4/model_step1505.pt training/runs/rt4/ckpt.pt --out /tmp/avg.pt
  python3 training/export_model.py --ckpt /tmp/avg.pt --out /tmp/avg --no-card
Every input must have the same config (no averaging across grown shapes); the output is a checkpoint
that export_model.py and train.py --init-from read."""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modeldir import load_model   # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("sources", nargs="+", help="checkpoints (.pt) or model directories")
    p.add_argument("--out", required=True, help="the averaged checkpoint (.pt)")
    args = p.parse_args()
    if len(args.sources) < 2:
        sys.exit("average_weights.py: give at least two checkpoints to average")
    models = [load_model(s)[0] for s in args.sources]
    for s, m in zip(args.sources[1:], models[1:]):
        if m.cfg.__dict__ != models[0].cfg.__dict__:
            sys.exit(f"average_weights.py: {s} has another config than {args.sources[0]}; nothing written")
    states = [m.state_dict() for m in models]
    mean = {k: sum(st[k].float() for st in states) / len(states) for k in states[0]}
    tmp = args.out + ".tmp"
    torch.save(dict(model=mean, config=models[0].cfg.__dict__), tmp)
    os.replace(tmp, args.out)
    print(f"averaged {len(states)} checkpoints into {args.out}")


if __name__ == "__main__":
    main()
