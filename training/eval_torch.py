"""Needle retrieval accuracy measured with the PyTorch reference (chunked prefill, early exit, greedy).
Usage: python3 training/eval_torch.py --model models/yoco-niah-tiny --task tasks/niah_single.json \
           --lengths 1K,16K,128K --depths 0,50,100 --trials 2 [--haystack heldout] [--needles 4]"""
import argparse
import json
import os
import random
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data as D                                  # noqa: E402
import evaluate as E                              # noqa: E402
from modeldir import load_model, parse_length     # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=os.path.join(os.path.dirname(HERE), "models", "yoco-niah-tiny"),
                   help="model directory or train.py checkpoint (.pt)")
    p.add_argument("--task", action="append", help="task spec JSON (repeatable); default niah_single")
    p.add_argument("--lengths", help="e.g. 1K,16K,128K (default: the task's lengths)")
    p.add_argument("--depths", help="percent list (default: the task's depths)")
    p.add_argument("--trials", type=int, help="trials per cell (default: the task's)")
    p.add_argument("--needles", type=int, help="override the task's needle count")
    p.add_argument("--haystack", choices=["task", "builtin", "heldout", "licenses", "noise"], default="task",
                   help="task = the task's own kind (builtin -> training/corpus/builtin.txt)")
    p.add_argument("--seed", type=int, help="default: the task's seed")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--chunk", type=int, default=32768, help="prefill chunk (tokens)")
    p.add_argument("--json", help="append one JSON line per task with the table and the command")
    p.add_argument("--verbose", action="store_true", help="print every trial's output")
    return p.parse_args()


def haystack_text(kind, spec, cache={}):
    if kind == "task":
        kind = "noise" if spec["haystack"]["kind"] == "noise" else "builtin"
    if kind not in cache:
        cache[kind] = {"noise": D.noise_text,
                       "builtin": lambda: D.Text("builtin", D.builtin_text(require_real=True)),
                       "licenses": lambda: D.Text("licenses", D.license_text()),
                       "heldout": lambda: D.Text("heldout", D.heldout_text(os.path.join(D.CORPUS, "heldout")))}[kind]()
    return cache[kind]


def eval_task(model, spec, args, vocab):
    lengths = [parse_length(x) for x in (args.lengths.split(",") if args.lengths else spec["lengths"])]
    depths = [float(x) for x in args.depths.split(",")] if args.depths else spec["depths"]
    trials = args.trials or spec.get("trials", 5)
    n = args.needles or spec.get("needles", 1)
    q, vpk = spec.get("queries", 1), spec.get("values_per_key", 1)
    rng = random.Random(args.seed if args.seed is not None else spec.get("seed", 0))
    text = haystack_text(args.haystack, spec, )
    cells = {}
    for L in lengths:
        for d in depths:
            c = s = k = 0
            for t in range(trials):
                ex = E.make_case(spec, text, vocab, rng, L, n, q, vpk, depth=d)
                t0 = time.time()
                for out, exp in E.run_trial(model, ex, spec.get("max_new_tokens", 12), chunk=args.chunk):
                    ci, si = E.score(out, exp, spec.get("stop", "."))
                    c, s, k = c + ci, s + si, k + 1
                    if args.verbose:
                        print(f"  L={L} d={d:g} t={t} {'ok ' if ci else 'BAD'} out={out!r} expected={exp} "
                              f"({time.time() - t0:.1f} s)", flush=True)
            cells[(L, d)] = (c / k, s / k, k)
        row = [cells[(L, d)][0] for d in depths]
        print(f"{spec['name']} N={n} L={L}: mean {sum(row) / len(row):.3f}  by depth " +
              " ".join(f"{d:g}:{a:.2f}" for d, a in zip(depths, row)), flush=True)
    return lengths, depths, n, cells


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    model, meta = load_model(args.model)
    vocab = D.Vocab()
    tasks = args.task or [os.path.join(os.path.dirname(HERE), "tasks", "niah_single.json")]
    for path in tasks:
        with open(path) as f:
            spec = json.load(f)
        lengths, depths, n, cells = eval_task(model, spec, args, vocab)
        if args.json:
            rec = dict(command="python3 training/eval_torch.py " + " ".join(sys.argv[1:]), task=spec["name"],
                       needles=n, haystack=args.haystack, model=args.model, step=meta.get("step"),
                       accuracy={str(L): sum(cells[(L, d)][0] for d in depths) / len(depths) for L in lengths},
                       partial={str(L): sum(cells[(L, d)][1] for d in depths) / len(depths) for L in lengths},
                       trials_per_length=sum(cells[(lengths[0], d)][2] for d in depths),
                       torch_version=torch.__version__, threads=args.threads)
            with open(args.json, "a") as f:
                f.write(json.dumps(rec) + "\n")


if __name__ == "__main__":
    main()
