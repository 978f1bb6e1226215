#!/usr/bin/env python3
"""Measured against predicted cost of each shard of a grid, on this machine, one shard at a time.

    swift build -c release
    python3 scripts/slurm/measure_shards.py --counts 2,4,8            # the default 1M grid
    python3 scripts/slurm/measure_shards.py --counts 3 --grid "--lengths 1K,4K --depths 0,50,100"

For each N it prints `needle-eval shards`' prediction, then runs `run --shard I/N` for every I
(each a whole process with its own database, as on a cluster node) and reports wall seconds per
shard, the measured max/mean, and the shards' sum against one unsharded process (--baseline).
Run it on an idle machine: the figures are wall times.
"""
import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def timed_run(binary, grid, db, shard=None):
    command = [binary, "run", "--db", db] + grid + (["--shard", shard] if shard else [])
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{shlex.join(command)} failed ({result.returncode}):\n{result.stderr}")
    accuracy = re.search(r"accuracy [0-9.]+ \(\d+/\d+[^)]*\)", result.stdout)
    return seconds, accuracy.group(0) if accuracy else "?"


def predicted(binary, grid, count):
    out = subprocess.run([binary, "shards", "--count", str(count)] + grid, cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    rows = re.findall(r"^(\d+)/\d+\s+(\d+)\s+([0-9.]+)\s+(.*)$", out, re.M)
    return [(int(i), int(t), float(s), cells) for i, t, s, cells in rows], out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/needle-eval"))
    parser.add_argument("--grid", default="--length 1M", help="grid flags for run and shards (default: --length 1M)")
    parser.add_argument("--counts", default="2,4,8")
    parser.add_argument("--baseline", action="store_true", help="also time one unsharded process")
    args = parser.parse_args()
    grid = shlex.split(args.grid)
    with tempfile.TemporaryDirectory() as folder:
        if args.baseline:
            seconds, accuracy = timed_run(args.bin, grid, os.path.join(folder, "one.sqlite"))
            print(f"one process: {seconds:.1f} s ({accuracy})", flush=True)
        for count in (int(c) for c in args.counts.split(",")):
            rows, _ = predicted(args.bin, grid, count)
            print(f"\nN = {count}\nshard  trials  predicted_s  measured_s  cells", flush=True)
            measured = []
            for index, trials, guess, cells in rows:
                db = os.path.join(folder, f"n{count}-s{index}.sqlite")
                seconds, _ = timed_run(args.bin, grid, db, f"{index}/{count}")
                measured.append(seconds)
                print(f"{index}/{count:<4} {trials:6d}  {guess:11.1f}  {seconds:10.1f}  {cells}", flush=True)
            mean = sum(measured) / len(measured)
            guesses = [g for _, _, g, _ in rows]
            print(f"measured max/mean {max(measured) / mean:.2f} (predicted {max(guesses) / (sum(guesses) / len(guesses)):.2f}); "
                  f"sum {sum(measured):.1f} s, max {max(measured):.1f} s", flush=True)


if __name__ == "__main__":
    main()
