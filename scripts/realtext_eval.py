#!/usr/bin/env python3
"""Single-needle accuracy of a model on each held-out real-text haystack (training/make_realtext.py),
per length and per line position of the needle: does it start a line (the byte before it is a line
break, or it opens the prompt) or not.

Each haystack is a `files` task made from training/eval_tasks/niah_single_heldout.json with its
folder; `needle-eval run` answers the grid into one SQLite database (resumable: a rerun with the same
--db continues). The line position is read from the haystack text itself: a files haystack is its
files' bytes in sorted order, so the byte before a needle at token offset t (BOS is token 0) is byte
t - 2 of that stream; the script checks this against `needle-eval generate` on the first cell.

Usage: scripts/realtext_eval.py [--model DIR] [--lengths 4K,64K,1M] [--trials 2] [--db FILE]
                                [--haystacks prose,code,...] [--json OUT]"""
import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATE = os.path.join(ROOT, "training", "eval_tasks", "niah_single_heldout.json")
HELDOUT = os.path.join(ROOT, "training", "corpus", "realtext", "heldout")
DEPTHS = list(range(0, 101, 10))


def stream_bytes(folder):
    """The haystack stream's bytes as needle-eval reads a files folder (*.txt, sorted, each file
    ending with a line break)."""
    out = bytearray()
    for name in sorted(os.listdir(folder)):
        if name.endswith(".txt"):
            with open(os.path.join(folder, name), "rb") as f:
                data = f.read()
            if data:
                out += data if data.endswith(b"\n") else data + b"\n"
    return bytes(out)


def starts_line(stream, needle_offset):
    i = needle_offset - 2
    return i < 0 or stream[i % len(stream)] == 0x0A


def write_spec(name, folder, workdir):
    with open(TEMPLATE) as f:
        spec = json.load(f)
    spec.update(name=f"realtext_{name}", haystack={"kind": "files", "path": folder, "glob": "*.txt"},
                description=f"Single needle in held-out real text: {name} (training/make_realtext.py).")
    path = os.path.join(workdir, f"realtext_{name}.json")
    with open(path, "w") as f:
        json.dump(spec, f, indent=1)
    return path


def check_offsets(binary, spec, stream, length):
    """The line position from the stream equals the one in the prompt needle-eval builds."""
    out = spec + ".jsonl"
    subprocess.run([binary, "generate", "--task", spec, "--lengths", length, "--depths", "30,70",
                    "--trials", "1", "--out", out], check=True, capture_output=True)
    with open(out) as f:
        for line in f:
            row = json.loads(line)
            ids, t = row["prompt_ids"], row["needle_token_offset"]
            if (ids[t - 1] == 10) != starts_line(stream, t):
                sys.exit(f"realtext_eval: line position of {spec} at depth {row['depth']} disagrees with the prompt")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=os.path.join(ROOT, "models", "yoco-niah-tiny"))
    p.add_argument("--lengths", default="4K,64K,1M")
    p.add_argument("--trials", type=int, default=2)
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--db", default="realtext.sqlite")
    p.add_argument("--haystacks", default=None, help="comma-separated names (default: every folder)")
    p.add_argument("--needle-eval", default=os.environ.get("NEEDLE_EVAL", os.path.join(ROOT, ".build/release/needle-eval")))
    p.add_argument("--json", default=None, help="write the tables as JSON here too")
    args = p.parse_args()
    if not os.path.isdir(HELDOUT):
        sys.exit(f"realtext_eval: {HELDOUT} is missing: run python3 training/make_realtext.py first")
    names = args.haystacks.split(",") if args.haystacks else sorted(os.listdir(HELDOUT))
    report = {}
    with tempfile.TemporaryDirectory(prefix="realtext-") as workdir:
        for name in names:
            folder = os.path.join(HELDOUT, name)
            spec = write_spec(name, folder, workdir)
            stream = stream_bytes(folder)
            check_offsets(args.needle_eval, spec, stream, args.lengths.split(",")[0])
            subprocess.run([args.needle_eval, "run", "--task", spec, "--model", args.model, "--lengths", args.lengths,
                            "--depths", ",".join(map(str, DEPTHS)), "--trials", str(args.trials),
                            "--seed", str(args.seed), "--db", args.db, "--resume"], check=True)
            report[name] = summarize(args.db, f"realtext_{name}", stream, args.model)
    print_tables(report, args.lengths.split(","))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)


def summarize(db, task, stream, model):
    """{length: [right, total], 'line_start': [...], 'mid_line': [...], 'worst_cell': x} of the
    newest finished run of this task and model (the path as `run` recorded it)."""
    con = sqlite3.connect(db)
    run_id = con.execute("SELECT id FROM runs WHERE task_name = ? AND model_path IN (?, ?) AND status = 'finished' "
                         "ORDER BY id DESC LIMIT 1", (task, model, os.path.abspath(model))).fetchone()
    if run_id is None:
        sys.exit(f"realtext_eval: {db} has no finished run of {task} with model {model}")
    rows = con.execute("SELECT length, depth, correct, needle_token_offset FROM trials WHERE run_id = ?",
                       run_id).fetchall()
    out = {"lengths": {}, "line_start": [0, 0], "mid_line": [0, 0], "cells": {}}
    for length, depth, correct, offset in rows:
        out["lengths"].setdefault(str(length), [0, 0])
        for bucket in (out["lengths"][str(length)], out["line_start" if starts_line(stream, offset) else "mid_line"],
                       out["cells"].setdefault(f"{length}/{depth}", [0, 0])):
            bucket[0] += correct
            bucket[1] += 1
    out["worst_cell"] = min((r / n for r, n in out["cells"].values()), default=0)
    return out


def fmt(pair):
    right, total = pair
    return f"{right / total:.2f} ({right}/{total})" if total else "–"


def print_tables(report, lengths):
    print("| haystack | " + " | ".join(lengths) + " | all | needle starts a line | not | worst cell |")
    print("|---|" + "---:|" * (len(lengths) + 4))
    for name, r in report.items():
        per = sorted(r["lengths"].items(), key=lambda kv: int(kv[0]))
        total = [sum(v[0] for _, v in per), sum(v[1] for _, v in per)]
        print(f"| {name} | " + " | ".join(fmt(v) for _, v in per) + f" | {fmt(total)} | {fmt(r['line_start'])} | "
              f"{fmt(r['mid_line'])} | {r['worst_cell']:.2f} |")


if __name__ == "__main__":
    main()
