"""Answer the prompts of a `needle-eval generate` file with the PyTorch reference (evaluate.run_trial:
greedy, each question in turn as `needle-eval run` asks them) and score them as the toolkit does.

It checks a model outside the Swift runtime on exactly the toolkit's prompts, and it can change one
thing in them: --flatten-newlines makes every newline of the haystack a space (the questions keep
theirs), which shows whether a miss comes from a paragraph break near the needle.
Usage: needle-eval generate --task T --lengths 4K --depths 50 --trials 5 --out p.jsonl
       python3 training/answer_prompts.py MODEL p.jsonl [--flatten-newlines] [--verbose] [--answers-out a.jsonl]
--answers-out writes one answer per prompt in the format `needle-eval score` imports:
{"id", "output"} ({"id", "outputs"} for several questions), "prompt_tokens" and the trial's time as "decode_ms"."""
import argparse
import collections
import json
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data as D                      # noqa: E402
import evaluate as E                  # noqa: E402
from modeldir import load_model       # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", help="model directory or train.py checkpoint (.pt)")
    p.add_argument("prompts", help="JSON lines written by needle-eval generate")
    p.add_argument("--flatten-newlines", action="store_true", help="haystack newlines become spaces")
    p.add_argument("--stop", default=".", help="stop string of the task (default '.')")
    p.add_argument("--max-new", type=int, default=12)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--verbose", action="store_true", help="print every trial")
    p.add_argument("--answers-out", help="write the answers as JSON lines for `needle-eval score`")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    model, _ = load_model(args.model)
    model.eval()
    right, total, cells = 0, 0, collections.defaultdict(lambda: [0, 0])
    with open(args.prompts, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    answers = []
    for r in rows:
        questions = r["questions"]   # the prompt ends with the first one
        hay = r["prompt"][:len(r["prompt"]) - len(questions[0])]
        if args.flatten_newlines:
            hay = hay.replace("\n", " ")
        ex = dict(prefix=[D.BOS] + list(hay.encode()), qa=[(q.encode(), None) for q in questions],
                  expected=r["expected_per_question"], stop=args.stop.encode())
        started = time.perf_counter()
        with torch.no_grad():
            results = E.run_trial(model, ex, args.max_new)
        outs = [out for out, _ in results]
        # One timing for the whole trial: run_trial does not split prefill from decoding.
        answer = {"id": r.get("id"), "prompt_tokens": len(ex["prefix"]) + len(ex["qa"][0][0]),
                  "decode_ms": round((time.perf_counter() - started) * 1000, 3)}
        answer.update({"output": outs[0]} if len(outs) == 1 else {"outputs": outs})
        answers.append(answer)
        ok = all(E.score(out, exp, args.stop)[0] for out, exp in results)
        right += ok
        total += 1
        cell = cells[(r["length"], r["depth"])]
        cell[0] += ok
        cell[1] += 1
        if args.verbose:
            print(f"{r['length']} {r['depth']}% trial {r['trial']}: {'ok ' if ok else 'MISS'} "
                  f"{' | '.join(outs)} (expected {r['expected_per_question']})")
    if args.answers_out:
        with open(args.answers_out, "w", encoding="utf-8") as f:
            for a in answers:
                f.write(json.dumps(a, ensure_ascii=False) + "\n")
    flat = ", haystack newlines made spaces" if args.flatten_newlines else ""
    print(f"{args.model} on {args.prompts}{flat}: {right}/{total} prompts right")
    missed = [f"{L} {d}% {a}/{n}" for (L, d), (a, n) in sorted(cells.items()) if a < n]
    print("cells with misses: " + (", ".join(missed) if missed else "none"))


if __name__ == "__main__":
    main()
