#!/usr/bin/env python3
"""Crash anywhere: SIGKILL `needle-eval run`, `needle-eval merge` and `run --backend http` (through a
proxy that drops connections at random) at seeded random moments.

For each command, one uninterrupted reference is run and timed. Then, K times, the command is
started on a "chain" file (with --resume for run once the file exists) and killed with SIGKILL
at a moment drawn uniformly in [0, reference duration). A process that ends by itself before
its moment completes the chain: the file is checked and a new chain starts on a fresh file. The
last chain is finished by one unkilled start. Every chain must hold each planned trial exactly
once, pass PRAGMA integrity_check, and hold the reference's answers (run: output and correct per
cell; merge: every trial row as merged). Exit 0 when all hold, 1 with a report otherwise.

The http phase starts `needle-eval serve` on the same model and scripts/servers/fault_proxy.py
in front of it, closing --drop-rate of the completion requests without a reply. Its reference
is an uninterrupted run straight to the server, whose answers must also equal the in-process
run's; the kill moments are drawn over an uninterrupted run through the proxy.

Standard library only. Example: scripts/hardening/crash_anywhere.py --kills 50 --seed 7
"""
import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts", "servers"))
from loopback import LoopbackServer  # noqa: E402  (scripts/servers/loopback.py)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", default=os.path.join(ROOT, ".build/debug/needle-eval"))
    p.add_argument("--model", default=os.path.join(ROOT, "Tests/YOCORuntimeTests/Fixtures/yoco_swa"))
    p.add_argument("--lengths", default="1K,2K")
    p.add_argument("--depths", default="0,25,50,75,100")
    p.add_argument("--trials", type=int, default=4)
    p.add_argument("--shards", type=int, default=3, help="shard files the merge combines")
    p.add_argument("--kills", type=int, default=50, help="kills of each phase")
    p.add_argument("--phases", default="run,merge,http", help="which commands to kill (comma-separated)")
    p.add_argument("--drop-rate", type=float, default=0.2, help="http: share of completion requests the proxy drops")
    p.add_argument("--seed", type=int, default=1, help="seeds the kill moments and the grid")
    p.add_argument("--workdir", help="keep files here (default: a temporary folder, removed)")
    return p.parse_args()


class Crasher:
    def __init__(self, args, workdir):
        self.args, self.workdir = args, workdir
        self.random = random.Random(args.seed)
        self.failures = []
        self.grid = ["--model", args.model, "--lengths", args.lengths, "--depths", args.depths,
                     "--trials", str(args.trials), "--seed", str(args.seed)]
        self.planned = (len(args.lengths.split(",")) * len(args.depths.split(",")) * args.trials)

    def path(self, name):
        return os.path.join(self.workdir, name)

    def needle_eval(self, arguments):
        """Runs needle-eval to the end; a failure stops the script (it is not a crash result)."""
        started = time.monotonic()
        done = subprocess.run([self.args.binary] + arguments, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"needle-eval {' '.join(arguments)} exited {done.returncode}:\n{done.stderr}")
        return time.monotonic() - started

    def crash(self, name, command, reference_rows, duration, row_query):
        """K kills of `command(file)` over chains of files; returns (landed, partial, chains, trials)."""
        landed = partial = chains = trials = 0
        chain = None
        for kill in range(self.args.kills):
            if chain is None:
                chains += 1
                chain = self.path(f"{name}-chain{chains}.sqlite")
            moment = self.random.uniform(0, duration)
            process = subprocess.Popen([self.args.binary] + command(chain),
                                       cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                process.wait(timeout=moment)
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGKILL)
                process.wait()
                landed += 1
                partial += 0 < self.trial_count(chain) < self.planned
                if name in ("run", "http") and self.run_finished(chain):
                    # Killed after the run was recorded as finished (writing its exports, exiting):
                    # the chain is complete. `--resume` continues only unfinished runs, so starting
                    # it again would begin a second, new run of the grid in the same file.
                    trials += self.check(name, chain, reference_rows, row_query)
                    chain = None
                continue
            if process.returncode != 0:
                self.failures.append(f"{name}: {chain} exited {process.returncode} on start {kill + 1}")
            trials += self.check(name, chain, reference_rows, row_query)
            chain = None
        if chain is not None:
            self.needle_eval(command(chain))
            trials += self.check(name, chain, reference_rows, row_query)
        return landed, partial, chains, trials

    def run_finished(self, db):
        """Whether `db` holds a run whose status is finished."""
        try:
            return bool(self.rows(db, "SELECT COUNT(*) FROM runs WHERE status = 'finished'")[0][0]) if os.path.exists(db) else False
        except sqlite3.Error:
            return False

    def trial_count(self, db):
        """Trials in `db` now (0 before the file or its schema exists)."""
        try:
            return self.rows(db, "SELECT COUNT(*) FROM trials")[0][0] if os.path.exists(db) else 0
        except sqlite3.Error:
            return 0

    def check(self, name, db, reference_rows, row_query):
        """Exactly-once, integrity and the reference's answers; returns the trials checked."""
        with sqlite3.connect(db) as connection:
            integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
            count, distinct = connection.execute(
                "SELECT COUNT(*), COUNT(DISTINCT length || '/' || depth || '/' || trial) FROM trials").fetchone()
            rows = connection.execute(row_query).fetchall()
        connection.close()
        if integrity != "ok":
            self.failures.append(f"{name}: {db}: integrity_check says {integrity}")
        if not count == distinct == self.planned:
            self.failures.append(f"{name}: {db}: {count} trials, {distinct} distinct cells-and-trials,"
                                 f" {self.planned} planned")
        if rows != reference_rows:
            differing = sum(1 for a, b in zip(rows, reference_rows) if a != b) + abs(len(rows) - len(reference_rows))
            self.failures.append(f"{name}: {db}: {differing} rows differ from the uninterrupted reference")
        return count

    def run_crashes(self):
        query = "SELECT length, depth, trial, output, correct FROM trials ORDER BY length, depth, trial"
        reference = self.path("run-reference.sqlite")
        duration = self.needle_eval(["run", "--db", reference] + self.grid)
        rows = self.rows(reference, query)

        def command(db):
            return ["run", "--db", db] + (["--resume"] if os.path.exists(db) else []) + self.grid
        return duration, self.crash("run", command, rows, duration, query)

    def merge_crashes(self):
        # Every column the merge copies from the shards, so "equal" means the same trials.
        query = ("SELECT length, depth, trial, keys_json, expected_json, output, correct, score, prompt_tokens,"
                 " needle_token_offset, prefill_ms, decode_ms, peak_rss_bytes, kv_bytes, started_at, finished_at"
                 " FROM trials ORDER BY length, depth, trial")
        count = self.args.shards
        shards = [self.path(f"shard{i}.sqlite") for i in range(1, count + 1)]
        for i, shard in enumerate(shards, start=1):
            self.needle_eval(["run", "--db", shard, "--shard", f"{i}/{count}"] + self.grid)
        reference = self.path("merge-reference.sqlite")
        duration = self.needle_eval(["merge", reference] + shards)
        rows = self.rows(reference, query)
        return duration, self.crash("merge", lambda db: ["merge", db] + shards, rows, duration, query)

    def http_crashes(self):
        query = "SELECT length, depth, trial, output, correct, status FROM trials ORDER BY length, depth, trial"
        with LoopbackServer([self.args.binary, "serve", "--model", self.args.model, "--port", "0",
                              "--served-model-name", "crash", "--ctx-size", "16K"], cwd=ROOT) as server, \
             LoopbackServer([sys.executable, os.path.join(ROOT, "scripts/servers/fault_proxy.py"), "--upstream", server.url,
                              "--port", "0", "--faults", "drop", "--fault-rate", str(self.args.drop_rate),
                              "--seed", str(self.args.seed)], cwd=ROOT) as proxy:
            def command(url, db):
                return (["run", "--backend", "http", "--base-url", url, "--served-model", "crash", "--tokenizer", self.args.model,
                         "--concurrency", "2", "--max-attempts", "30", "--timeout", "30", "--db", db]
                        + (["--resume"] if os.path.exists(db) else []) + self.grid)
            direct = self.path("http-reference.sqlite")
            self.needle_eval(command(server.url, direct))
            rows = self.rows(direct, query)
            in_process = self.path("run-reference.sqlite")
            if os.path.exists(in_process):
                answers = self.rows(in_process, "SELECT length, depth, trial, output, correct FROM trials ORDER BY length, depth, trial")
                if [r[:5] for r in rows] != answers:
                    self.failures.append("http: the server's answers differ from the in-process run's")
            through_proxy = self.path("http-proxied.sqlite")
            duration = self.needle_eval(command(proxy.url, through_proxy))
            self.check("http", through_proxy, rows, query)
            return duration, self.crash("http", lambda db: command(proxy.url, db), rows, duration, query)

    @staticmethod
    def rows(db, query):
        with sqlite3.connect(db) as connection:
            rows = connection.execute(query).fetchall()
        connection.close()
        return rows


def main():
    args = parse_args()
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"{args.binary}: not built; run `swift build` first or pass --binary")
    with tempfile.TemporaryDirectory(prefix="crash-anywhere-") as scratch:
        workdir = args.workdir or scratch
        os.makedirs(workdir, exist_ok=True)
        crasher = Crasher(args, workdir)
        phases = {"run": crasher.run_crashes, "merge": crasher.merge_crashes, "http": crasher.http_crashes}
        unknown = [p for p in args.phases.split(",") if p not in phases]
        if unknown:
            sys.exit(f"--phases: unknown {', '.join(unknown)}; use run, merge, http")
        for name, crashes in [(p, phases[p]) for p in args.phases.split(",")]:
            duration, (landed, partial, chains, trials) = crashes()
            print(f"{name}: uninterrupted {duration:.2f} s; {args.kills} kills, {landed} landed mid-{name}"
                  f" (process still working), {partial} of them with the file part-filled;"
                  f" {chains} chains, {trials} trials checked")
    if crasher.failures:
        print(f"FAILED ({len(crasher.failures)}):\n  " + "\n  ".join(crasher.failures))
        return 1
    print(f"ok: every trial exactly once ({crasher.planned} planned per file), integrity ok,"
          " answers equal the uninterrupted references'")
    return 0


if __name__ == "__main__":
    sys.exit(main())
