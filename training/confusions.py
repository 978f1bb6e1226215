"""Why multi-needle answers go wrong: teacher-forced digits of N-needle prompts, each wrong digit
classified by where it came from, and the key pairs the model confuses.

A wrong digit that equals the digit at the same index of another needle's value means the model read
the right place in the wrong needle: it told the keys apart badly (what --confusable-keys trains).
One that equals another digit of its own value means it lost its place inside the value.
--digits D turns that share of the haystack's words into numerals (data.numberize, what
train.py --number-dense trains on), to measure how numbers around the needles disturb the read;
--paragraphs P puts newlines after that share of sentence ends (data.paragraphs, train.py --paragraphs),
which needles may then follow, as in needle-eval's files haystacks.
Usage: python3 training/confusions.py MODEL [--needles 8] [--length 1024] [--prompts 200] [--digits 0.3]
       [--paragraphs 0.3]"""
import argparse
import collections
import os
import random
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data as D                      # noqa: E402
import evaluate as E                  # noqa: E402
from modeldir import load_model       # noqa: E402


def digit_starts(spec, prefix, keys):
    """-> {key: token offset of the first value byte of that key's needle}."""
    text = bytes(prefix[1:])   # the haystack starts after BOS
    starts = {}
    for k in keys:
        head = spec["needle"].split("{value}")[0].format(key=k).encode()
        starts[k] = 1 + text.index(head) + len(head)
    return starts


def newline_context(spec, ex):
    """Where the asked needle sits against the haystack's newlines (--paragraphs): just after one,
    one within the 128 bytes before it (the self-decoder's window), or none there."""
    text = bytes(ex["prefix"][1:])
    head = spec["needle"].split("{value}")[0].format(key=ex["keys"][ex["asked"][0]]).encode()
    a = text.index(head)
    if a and text[a - 1] == 10:
        return "just after a newline"
    return "a newline in the 128 bytes before" if b"\n" in text[max(0, a - 128):a] else "no newline in the 128 before"


def classify(model, spec, ex):
    """-> (prompt right, [(digit index, kind, confused keys)] for each wrong digit)."""
    toks, ans, _ = D.to_tokens(ex)
    key = ex["keys"][ex["asked"][0]]
    value = ex["expected"][0][0]
    starts = digit_starts(spec, ex["prefix"], ex["keys"])
    with torch.no_grad():
        pred = model(torch.tensor([toks]))[0].argmax(-1).tolist()
    first = ans.index(1)
    wrong = []
    for j, want in enumerate(value.encode()):
        got = pred[first + j - 1]   # the logits at position p predict token p + 1
        if got == want:
            continue
        others = [k for k in ex["keys"] if k != key and toks[starts[k] + j] == got]
        kind = ("other needle, same index" if others else
                "own value, other index" if got in value.encode() else "neither")
        wrong.append((j, kind, others))
    return not wrong, wrong


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", help="model directory or train.py checkpoint (.pt)")
    p.add_argument("--needles", type=int, default=8)
    p.add_argument("--length", type=int, default=1024)
    p.add_argument("--prompts", type=int, default=200)
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--digits", type=float, default=0.0, help="share of haystack words made numerals")
    p.add_argument("--paragraphs", type=float, default=0.0, help="share of sentence ends made newlines")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    model, _ = load_model(args.model)
    model.eval()
    spec = D.load_specs()["multi_needle"]
    vocab, rng = D.Vocab(), random.Random(args.seed)
    text = D.Text("builtin", D.builtin_text(require_real=True))
    right, kinds, pairs, digits = 0, collections.Counter(), collections.Counter(), 0
    by_place = collections.defaultdict(lambda: [0, 0])   # newline context -> [right, prompts]
    for _ in range(args.prompts):
        ex = E.make_case(spec, text, vocab, rng, args.length, args.needles, 1, 1, depth=rng.random() * 100,
                         digits=args.digits, breaks=args.paragraphs)
        ok, wrong = classify(model, spec, ex)
        right += ok
        place = by_place[newline_context(spec, ex)]
        place[0] += ok
        place[1] += 1
        digits += len(ex["expected"][0][0])
        key = ex["keys"][ex["asked"][0]]
        for _, kind, others in wrong:
            kinds[kind] += 1
            pairs.update(f"{key}->{o}" for o in others)
    variant = f", {args.digits:.0%} of haystack words numerals" if args.digits else ""
    variant += f", newlines after {args.paragraphs:.0%} of sentence ends" if args.paragraphs else ""
    print(f"{args.model}: N = {args.needles}, {args.length} tokens{variant}, seed {args.seed}: "
          f"{right}/{args.prompts} prompts with every digit right (teacher-forced), "
          f"{sum(kinds.values())}/{digits} digits wrong")
    for kind, n in kinds.most_common():
        print(f"  {kind}: {n}")
    if args.paragraphs:
        print("  by the asked needle's place: " + "; ".join(f"{k} {a}/{n}" for k, (a, n) in sorted(by_place.items())))
    print("  most confused keys (asked->read): " + ", ".join(f"{k} {n}" for k, n in pairs.most_common(12)))


if __name__ == "__main__":
    main()
