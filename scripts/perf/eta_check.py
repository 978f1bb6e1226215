#!/usr/bin/env python3
"""How honest `needle-eval run`'s ETA is: runs the command, stamps each progress line
("N/T cells · ... · ETA 1m05s") as it arrives, and once the run ends compares every ETA with the
time that was really left until the last trial finished. Prints each line's error and the worst
one after --after (default 10%) of the trials' time, counting only lines with at least
--min-left seconds left (the ETA is printed in whole seconds, so "3s" for 2.6 s is 15% off by
rounding alone). Exits 1 when the worst error exceeds --limit (default 25%).

    scripts/perf/eta_check.py -- .build/release/needle-eval run --length 1M --db /tmp/eta.sqlite
    scripts/perf/eta_check.py -- .build/release/needle-eval run --lengths 64K --depths 0,10,20,30,40,50,60,70,80,90,100 --trials 4 --db /tmp/u.sqlite

Standard library only. A progress line comes at most every 5 s when stderr is not a terminal.
"""
import argparse
import re
import subprocess
import sys
import time

LINE = re.compile(r"^(\d+)/(\d+) cells .* ETA (?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?\s*$")


def eta_seconds(match):
    h, m, s = (int(g) if g else 0 for g in match.groups()[2:])
    return 3600 * h + 60 * m + s


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--after", type=float, default=0.10, help="judge lines after this share of the trials' time")
    p.add_argument("--min-left", type=float, default=5.0, help="judge lines with at least this many seconds left")
    p.add_argument("--limit", type=float, default=0.25, help="largest relative error allowed")
    p.add_argument("command", nargs=argparse.REMAINDER, help="-- then the needle-eval command")
    args = p.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        sys.exit("give the command after --")
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines = []   # (arrival time, cells done, total, ETA seconds)
    # The trials start right after the last line before the first progress line (the run's
    # opening line, or the note that the shared haystack was prefilled).
    start = time.monotonic()
    for raw in process.stderr:
        now = time.monotonic()
        text = raw.strip()
        match = LINE.match(text)
        if match:
            lines.append((now, int(match.group(1)), int(match.group(2)), eta_seconds(match)))
        elif not lines:
            start = now
            print(f"  {text}")
    if process.wait() != 0:
        sys.exit(f"{' '.join(command)} exited {process.returncode}")
    if not lines:
        sys.exit("no progress lines: is this a `needle-eval run`?")
    end = lines[-1][0]
    # What counting cells would say (the ETA before it weighed cells by length), for comparison.
    print(f"{'at s':>7} {'cells':>9} {'ETA s':>7} {'left s':>7} {'error':>7} {'by cells':>9}")
    worst = 0.0
    for at, done, total, eta in lines:
        left = end - at
        error = (eta - left) / left if left > 0 else 0.0
        judged = (at - start) >= args.after * (end - start) and left >= args.min_left
        if judged:
            worst = max(worst, abs(error))
        by_cells = (total - done) * (at - start) / done if done else 0.0
        print(f"{at - start:7.1f} {done:>4}/{total:<4} {eta:7d} {left:7.1f} {error:+7.0%} {by_cells:9.1f}"
              f"{'' if judged else '  (not judged)'}")
    print(f"worst error after {args.after:.0%} of the trials' time with ≥ {args.min_left:g} s left: {worst:.0%}"
          f" (limit {args.limit:.0%}); the trials took {end - start:.1f} s")
    return 0 if worst <= args.limit else 1


if __name__ == "__main__":
    sys.exit(main())
