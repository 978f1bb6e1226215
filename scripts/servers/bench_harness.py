#!/usr/bin/env python3
"""What needle-eval's HTTP backend itself costs per trial (prompt building, tokenization, JSON,
HTTP, SQLite), measured against scripts/servers/instant_server.py, which answers at once:

    swift build -c release
    python3 scripts/servers/bench_harness.py --bin .build/release/needle-eval

Reports trials/s at --concurrency 1 and 16 on a grid of 1K-token prompts (101 depths x 4 trials),
and the client time of one 1M-token prompt (built, sent as token ids, answered, recorded). Each
figure is the whole `needle-eval run` process, start-up and summary included.
"""
import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

from loopback import LoopbackServer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run(binary, url, db, grid, concurrency):
    command = [binary, "run", "--backend", "http", "--base-url", url, "--served-model", "instant",
               "--tokenizer", "models/yoco-niah-tiny", "--db", db, "--concurrency", str(concurrency)] + grid
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr}")
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/needle-eval"))
    parser.add_argument("--workers", type=int, default=2, help="instant server processes")
    args = parser.parse_args()
    with LoopbackServer([sys.executable, os.path.join(HERE, "instant_server.py"), "--port", "0", "--workers", str(args.workers)]) as server, \
         tempfile.TemporaryDirectory() as folder:
        url = server.url
        depths = ",".join(str(d) for d in range(101))
        grid = ["--lengths", "1K", "--depths", depths, "--trials", "4"]
        trials = 101 * 4
        for concurrency in (1, 16):
            db = os.path.join(folder, f"c{concurrency}.sqlite")
            seconds = run(args.bin, url, db, grid, concurrency)
            print(f"1K prompts, concurrency {concurrency:2d}: {trials} trials in {seconds:.2f} s = {trials / seconds:.0f} trials/s")
        db = os.path.join(folder, "1m.sqlite")
        seconds = run(args.bin, url, db, ["--lengths", "1M", "--depths", "50", "--trials", "1"], 1)
        latency = sqlite3.connect(db).execute("SELECT latency_ms FROM trials").fetchone()[0]
        print(f"one 1M-token prompt: {seconds:.2f} s for the whole run (build, send as ids, record); "
              f"request {latency / 1000:.2f} s of it (the Python server's JSON parse included)")


if __name__ == "__main__":
    main()
