"""Greedy retrieval scoring with the chunked PyTorch reference (yoco/infer.py), shared by train.py
(a small fixed held-out set) and eval_torch.py (task grids up to long lengths)."""
import os
import random

import torch

import data as D
from yoco.infer import Session


def run_trial(model, ex, max_new_tokens, chunk=4096):
    """Prompt = prefix + first question; each answer is generated greedily and stays in the context
    before the next question. Returns [(output text, expected values)] per query."""
    n = len(ex["prefix"]) + sum(len(q) + max_new_tokens for q, _ in ex["qa"]) + 8
    s = Session(model, capacity=n, chunk=chunk)
    s.prefill(ex["prefix"])
    results = []
    for (q, _), expected in zip(ex["qa"], ex["expected"]):
        s.prefill(list(q))
        out = s.generate(max_new_tokens, stop=ex["stop"])
        results.append((bytes(t for t in out if t < 256).decode("utf-8", "replace"), expected))
    return results


def score(output, expected, stop="."):
    """-> (correct 0/1: all values, in order, exactly; partial: fraction of values found)."""
    text = output[:-len(stop)] if stop and output.endswith(stop) else output
    correct = int(text.strip() == ", ".join(expected))
    partial = sum(v in output for v in expected) / len(expected)
    return correct, partial


def make_case(spec, text, vocab, rng, length, n_keys, n_queries, vpk, depth=None, digits=0.0, breaks=0.0):
    depths = None if depth is None else [depth / 100.0]
    while True:
        ex = D.build_example(spec, text, vocab, rng, length, n_keys, n_queries, vpk, depths=depths,
                             first_only=True, digits=digits, breaks=breaks)
        if ex is not None:
            return ex


class TrainEval:
    """Fixed held-out sequences (stdlib docstrings and noise haystacks), built once per run: CASES made by
    data.py, or the same cells made by needle-eval (train.py --toolkit-mix)."""

    CASES = [  # (label, spec, length, needles, queries, values per key, count)
        ("single_1K", "niah_single", 1024, 1, 1, 1, 5),
        ("single_4K", "niah_single", 4096, 1, 1, 1, 5),
        ("single_16K", "niah_single", 16384, 1, 1, 1, 3),
        ("multi4_2K", "multi_needle", 2048, 4, 1, 1, 5),
        ("multi4_8K", "multi_needle", 8192, 4, 1, 1, 5),
        ("multi8_4K", "multi_needle", 4096, 8, 1, 1, 4),
        ("mquery4_4K", "niah_multiquery", 4096, 4, 4, 1, 2),
        ("mkey4_4K", "niah_multikey", 4096, 4, 1, 1, 3),
        ("mvalue4_4K", "niah_multivalue", 4096, 1, 1, 4, 3),
    ]

    def __init__(self, vocab, specs, seed, heldout_dir=os.path.join(D.CORPUS, "heldout"), cases=None):
        """cases: [(label, example, max_new_tokens)] built elsewhere (toolkit_source.eval_examples: the
        same cells with needle-eval's prompts) instead of data.py's."""
        if cases is not None:
            self.cases = cases
            return
        rng = random.Random(seed)
        held = D.Text("heldout", D.heldout_text(heldout_dir))
        noise = D.noise_text()
        self.cases = []
        for label, name, L, n, q, vpk, count in self.CASES:
            spec = specs[name]
            text = noise if spec["haystack"]["kind"] == "noise" else held
            for i in range(count):
                depth = 100.0 * i / max(1, count - 1)
                ex = make_case(spec, text, vocab, rng, L, n, q, vpk, depth)
                self.cases.append((label, ex, spec.get("max_new_tokens", 12)))

    @torch.no_grad()
    def run(self, model):
        tally = {}
        for label, ex, max_new in self.cases:
            for out, exp in run_trial(model, ex, max_new):
                c, _ = score(out, exp, ex["stop"].decode())
                a, b = tally.get(label, (0, 0))
                tally[label] = (a + c, b + 1)
        return {k: a / b for k, (a, b) in tally.items()}
