#!/usr/bin/env python3
"""Builds the libFuzzer targets (Fuzz/Targets, with AddressSanitizer) and runs each for a fixed
time on its seed corpus (Fuzz/corpus) and its regression inputs (Fuzz/regressions), then prints
executions, coverage and findings per target. Exits 1 when any target crashed, hung, ran out of
memory or allocated beyond the limit; the input that did it is kept under --findings.

    scripts/fuzz/run.py --seconds 300               # the measured campaign (docs/FUZZING.md)
    scripts/fuzz/run.py --seconds 5                 # the CI smoke
    scripts/fuzz/run.py --replay                    # seeds and regressions only, no fuzzing
    scripts/fuzz/run.py --targets FuzzTaskSpec --seconds 60

Standard library only. Needs the Swift toolchain's libFuzzer (`-sanitize=fuzzer`, Linux).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRATCH = os.path.join(ROOT, ".build-fuzz")
# The targets are the folders of Fuzz/Targets (Package.swift declares one executable per folder).
TARGETS = sorted(os.listdir(os.path.join(ROOT, "Fuzz", "Targets")))
# The largest input libFuzzer makes, where 4 KiB is too small for a whole file of that kind
# (seeds may be larger and are kept whole).
MAX_LEN = {"FuzzModelDirectory": 240_000, "FuzzTokenizerJSON": 65_536, "FuzzTiktoken": 16_384,
           "FuzzShardMerge": 65_536, "FuzzOfflineResults": 16_384}

def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--targets", default=",".join(TARGETS), help="comma-separated (default: all)")
    p.add_argument("--seconds", type=int, default=60, help="fuzzing time per target")
    p.add_argument("--replay", action="store_true", help="only run the seeds and regressions, no fuzzing")
    p.add_argument("--no-build", action="store_true", help="use the binaries already in .build-fuzz")
    p.add_argument("--timeout", type=int, default=10, help="seconds one input may take before it counts as a hang")
    p.add_argument("--malloc-limit-mb", type=int, default=1024, help="one allocation above this is a finding")
    p.add_argument("--rss-limit-mb", type=int, default=2048)
    p.add_argument("--findings", default=os.path.join(SCRATCH, "findings"), help="where failing inputs are kept")
    p.add_argument("--keep-corpus", action="store_true",
                   help="continue from the corpus a previous campaign grew (.build-fuzz/corpus) instead of the seeds")
    return p.parse_args()


def build(targets):
    env = dict(os.environ, NEEDLE_EVAL_FUZZ="1")
    for target in targets:
        started = time.monotonic()
        done = subprocess.run(["swift", "build", "--scratch-path", SCRATCH, "--product", target,
                               "-Xswiftc", "-sanitize=fuzzer,address", "-Xswiftc", "-use-ld=lld"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if done.returncode != 0:
            sys.exit(f"building {target} failed:\n{done.stdout[-4000:]}")
        print(f"built {target} in {time.monotonic() - started:.0f} s", flush=True)


def binary(target):
    path = os.path.join(SCRATCH, "debug", target)
    if not os.access(path, os.X_OK):
        sys.exit(f"{path}: not built; run without --no-build")
    return path


def fuzz(target, args):
    """Runs one target; returns its row of the summary and whether it found anything."""
    seeds = os.path.join(ROOT, "Fuzz", "corpus", target)
    regressions = os.path.join(ROOT, "Fuzz", "regressions", target)
    work = os.path.join(SCRATCH, "corpus", target)
    if not args.keep_corpus:
        shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work, exist_ok=True)
    findings = os.path.join(args.findings, target)
    shutil.rmtree(findings, ignore_errors=True)   # a finding counts for the campaign that made it
    os.makedirs(findings, exist_ok=True)
    inputs = [d for d in [regressions, seeds] if os.path.isdir(d)]
    flags = [f"-timeout={args.timeout}", f"-rss_limit_mb={args.rss_limit_mb}",
             f"-malloc_limit_mb={args.malloc_limit_mb}", f"-max_len={MAX_LEN.get(target, 4096)}",
             "-print_final_stats=1", f"-artifact_prefix={findings}/", "-use_value_profile=1",
             f"-dict={os.path.join(ROOT, 'Fuzz', 'dictionaries', 'json.dict')}",
             # Swift's runtime keeps metadata caches for the life of the process, which
             # LeakSanitizer reports at exit; leaks per input are not what this checks.
             "-detect_leaks=0"]
    if args.replay:
        command = [binary(target)] + flags + ["-runs=0"] + inputs
    else:
        # The new corpus comes first: what the fuzzer finds interesting is written there.
        command = [binary(target)] + flags + [f"-max_total_time={args.seconds}", work] + inputs
    # LeakSanitizer off at exit too (ASAN_OPTIONS; -detect_leaks is libFuzzer's per-input check):
    # see the flag above, and docs/FUZZING.md for the one leak it reported (in Foundation).
    # Swift's own backtracer off: on a trap it would symbolicate for minutes where libFuzzer's
    # handler reports at once and saves the input.
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0:" + os.environ.get("ASAN_OPTIONS", ""), SWIFT_BACKTRACE="enable=no")
    started = time.monotonic()
    done = subprocess.run(command, cwd=SCRATCH, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          errors="replace")
    seconds = time.monotonic() - started
    log = done.stdout
    with open(os.path.join(findings, "last.log"), "w") as f:
        f.write(log)
    execs = re.findall(r"stat::number_of_executed_units:\s*(\d+)", log)
    coverage = re.findall(r"\bcov: (\d+) ft: (\d+)", log)
    corpus = re.findall(r"\bcorp: (\d+)/", log)
    artifacts = sorted(f for f in os.listdir(findings) if re.match(r"(crash|timeout|oom|leak|slow-unit)-", f))
    failed = done.returncode != 0 or bool(artifacts)
    row = {
        "target": target, "seconds": seconds, "execs": int(execs[-1]) if execs else 0,
        "cov": int(coverage[-1][0]) if coverage else 0, "ft": int(coverage[-1][1]) if coverage else 0,
        "corpus": int(corpus[-1]) if corpus else 0, "findings": artifacts, "exit": done.returncode,
    }
    if failed:
        reason = re.findall(r"==\d+==\s*ERROR: .*|SUMMARY: .*|Fatal error: .*|ERROR: libFuzzer: .*", log)
        row["why"] = reason[:3] or [log[-800:]]
    return row, failed


def main():
    args = parse_args()
    targets = [t for t in args.targets.split(",") if t]
    unknown = [t for t in targets if t not in TARGETS]
    if unknown:
        sys.exit(f"--targets: unknown {', '.join(unknown)}; known: {', '.join(TARGETS)}")
    if not args.no_build:
        build(targets)
    rows, failures = [], []
    for target in targets:
        row, failed = fuzz(target, args)
        rows.append(row)
        if failed:
            failures.append(row)
        print(f"{target:22} {row['seconds']:7.1f} s {row['execs']:>10} execs {row['execs'] / max(row['seconds'], 1e-9):>8.0f}/s"
              f"  cov {row['cov']:>6}  ft {row['ft']:>7}  corpus {row['corpus']:>5}  "
              + ("FOUND " + ", ".join(row["findings"]) if row["findings"] else ("FAILED" if failed else "ok")), flush=True)
    if failures:
        for row in failures:
            print(f"\n{row['target']} (exit {row['exit']}): see {os.path.join(args.findings, row['target'], 'last.log')}")
            for line in row.get("why", []):
                print("  " + line.strip())
        return 1
    total = sum(r["execs"] for r in rows)
    print(f"ok: {len(rows)} targets, {total} executions, 0 crashes, 0 hangs, 0 out-of-memory")
    return 0


if __name__ == "__main__":
    sys.exit(main())
