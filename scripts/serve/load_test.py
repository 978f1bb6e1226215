#!/usr/bin/env python3
"""Load test of `needle-eval serve` on loopback (CI runs a short one: ServeCLITests).

N client threads send requests for S seconds: greedy and sampled completions,
streamed chat, token-id prompts, tokenize, and malformed requests mixed in
(bad JSON, wrong types, unknown model, ids outside the vocabulary, prompts
over the context, a body over --max-body). Reports p50/p99 latency per kind,
counts by status, and the server's resident memory (from /metrics) before and
after. Every request is bounded by a timeout; the run stops by itself.

Exit 1 when a well-formed request fails other than by a deliberate 503 (queue full),
a malformed one gets another status than its own (400, 404, 413) or no OpenAI error
shape, the server stops answering, its RSS grows by more than --max-rss-growth MiB (or, sampled
every --rss-every seconds, rises in the second half by more than --max-late-growth MiB above the
first half's peak), or
(with --server-pid) it holds more than --max-fd-growth more file descriptors at the end.

    needle-eval serve --port 0 --ctx-size 64K --queue 8 &
    python3 scripts/serve/load_test.py --base-url http://127.0.0.1:PORT --clients 8 --seconds 60
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import random
import re
import sys
import threading
import time
import urllib.parse

GOOD = {
    "completion": lambda r: ("/v1/completions", json.dumps({"prompt": "The key is " + str(r.randrange(1000)), "max_tokens": r.randrange(1, 24), "temperature": 0})),
    "sampled": lambda r: ("/v1/completions", json.dumps({"prompt": "Once upon a time", "max_tokens": 16, "temperature": 0.8, "seed": r.randrange(99)})),
    "chat_stream": lambda r: ("/v1/chat/completions", json.dumps({"messages": [{"role": "user", "content": "Tell me the code."}], "max_tokens": 12, "stream": True})),
    "token_ids": lambda r: ("/v1/completions", json.dumps({"prompt": [256] + [r.randrange(32, 127) for _ in range(r.randrange(1, 2000))], "max_tokens": 4, "temperature": 0})),
    "tokenize": lambda r: ("/tokenize", json.dumps({"content": "hello world " * r.randrange(1, 50)})),
}
BAD = {
    "bad_json": lambda r: ("/v1/completions", '{"prompt": "x", '),
    "wrong_type": lambda r: ("/v1/completions", json.dumps({"prompt": "x", "max_tokens": "many"})),
    "unknown_model": lambda r: ("/v1/completions", json.dumps({"prompt": "x", "model": "gpt-9"})),
    "bad_ids": lambda r: ("/v1/completions", json.dumps({"prompt": [1, 2, 100000]})),
    "too_long": lambda r: ("/v1/completions", json.dumps({"prompt": "x", "max_tokens": 10**12})),
    "too_big": lambda r: ("/v1/completions", '{"prompt": "' + "a" * (17 << 20) + '"}'),
    "not_found": lambda r: ("/v1/nothing", "{}"),
}
# The status each malformed request must get; anything else is a failure.
EXPECTED_BAD = {"bad_json": 400, "wrong_type": 400, "unknown_model": 404, "bad_ids": 400,
                "too_long": 400, "too_big": 413, "not_found": 404}


def rss(base: urllib.parse.ParseResult) -> int | None:
    try:
        conn = http.client.HTTPConnection(base.hostname, base.port, timeout=10)
        conn.request("GET", "/metrics")
        text = conn.getresponse().read().decode()
        conn.close()
    except OSError:
        return None
    found = re.search(r"^yoco_process_resident_bytes ([0-9.e+]+)$", text, re.M)
    return int(float(found.group(1))) if found else None


def open_fds(pid: int | None) -> int | None:
    """Open file descriptors of the server process (Linux /proc), or None without a pid."""
    if pid is None:
        return None
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def client(base, deadline, seed, results, lock, bad_share):
    r = random.Random(seed)
    conn = None
    while time.time() < deadline:
        table = BAD if r.random() < bad_share else GOOD
        kind = r.choice(sorted(table))
        path, body = table[kind](r)
        started = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(base.hostname, base.port, timeout=120)
            conn.request("POST", path, body=body.encode(), headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            payload = response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
            if status >= 400 and "error" not in json.loads(payload):
                status = f"{status}-unshaped"
        except (OSError, http.client.HTTPException, ValueError) as error:
            status = f"error:{type(error).__name__}"
            if conn is not None:
                conn.close()
            conn = None
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            results.append((kind, status, elapsed))
    if conn is not None:
        conn.close()


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))] if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8080")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--bad-share", type=float, default=0.3, help="share of malformed requests (default 0.3)")
    parser.add_argument("--server-pid", type=int, help="the server's pid: its open file descriptors are counted before and after")
    parser.add_argument("--max-fd-growth", type=int, default=8, help="descriptors the server may hold more at the end (default 8)")
    parser.add_argument("--max-rss-growth", type=float, default=128, help="MiB the server's RSS may grow by (default 128)")
    parser.add_argument("--rss-every", type=float, default=5, help="seconds between RSS samples during the test (default 5)")
    parser.add_argument("--max-late-growth", type=float, default=32,
                        help="MiB the RSS may rise in the second half above the first half's peak (default 32): flat once warm")
    args = parser.parse_args()
    base = urllib.parse.urlparse(args.base_url)
    if base.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("load tests run against loopback only")

    before = rss(base)
    fds_before = open_fds(args.server_pid)
    results: list = []
    lock = threading.Lock()
    deadline = time.time() + args.seconds
    threads = [threading.Thread(target=client, args=(base, deadline, i, results, lock, args.bad_share)) for i in range(args.clients)]
    samples: list = []   # (seconds since start, RSS bytes), taken while the clients run
    started = time.time()

    def sample():
        while time.time() < deadline:
            value = rss(base)
            if value is not None:
                samples.append((time.time() - started, value))
            time.sleep(args.rss_every)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=args.seconds + 300)
    wall = time.time() - started
    after = rss(base)
    time.sleep(1)   # connections the clients just closed are released by the server's event loops
    fds_after = open_fds(args.server_pid)

    by_status = collections.Counter(str(s) for _, s, _ in results)
    print(f"{len(results)} requests in {wall:.1f} s from {args.clients} clients ({len(results) / wall:.1f}/s)")
    print("by status: " + ", ".join(f"{k}: {v}" for k, v in sorted(by_status.items())))
    print(f"{'kind':14} {'n':>6} {'p50 ms':>9} {'p99 ms':>9}  statuses")
    for kind in sorted(set(k for k, _, _ in results)):
        rows = [(s, ms) for k, s, ms in results if k == kind]
        statuses = collections.Counter(str(s) for s, _ in rows)
        print(f"{kind:14} {len(rows):6d} {percentile([ms for _, ms in rows], 50):9.1f} {percentile([ms for _, ms in rows], 99):9.1f}  "
              + ", ".join(f"{k}x{v}" for k, v in sorted(statuses.items())))
    ok = [ms for _, s, ms in results if s == 200]
    print(f"all 200s: p50 {percentile(ok, 50):.1f} ms, p99 {percentile(ok, 99):.1f} ms")
    fmt = lambda b: "?" if b is None else f"{b / 2**20:.1f} MiB"
    print(f"server RSS before {fmt(before)}, after {fmt(after)}")
    late_growth = None
    if len(samples) >= 4:
        half = [b for t, b in samples if t < wall / 2], [b for t, b in samples if t >= wall / 2]
        marks = [samples[round(i * (len(samples) - 1) / 4)] for i in range(5)]
        print(f"server RSS during the test ({len(samples)} samples, every {args.rss_every:g} s): "
              + ", ".join(f"{t:.0f} s {fmt(b)}" for t, b in marks) + f"; peak {fmt(max(b for _, b in samples))}")
        if half[0] and half[1]:
            late_growth = (max(half[1]) - max(half[0])) / 2**20
            print(f"second half's peak above the first half's: {late_growth:.1f} MiB")
    unshaped = sum(v for k, v in by_status.items() if "unshaped" in k)
    alive = rss(base) is not None
    print(f"server still answering: {alive}; refusals without the error shape: {unshaped}")
    failed = [(k, s) for k, s, _ in results if (k in GOOD and s not in (200, 503)) or (k in BAD and s != EXPECTED_BAD[k])]
    for kind, status in sorted(collections.Counter(failed).items())[:20]:
        print(f"FAILED {kind}: {status}")
    growth = None if before is None or after is None else (after - before) / 2**20
    grew = growth is None or growth > args.max_rss_growth
    if grew:
        print(f"FAILED: RSS growth {growth if growth is None else round(growth, 1)} MiB (limit {args.max_rss_growth} MiB)")
    if late_growth is not None and late_growth > args.max_late_growth:
        print(f"FAILED: RSS kept rising: {late_growth:.1f} MiB in the second half (limit {args.max_late_growth} MiB)")
        grew = True
    leaked = False
    if args.server_pid is not None:
        print(f"server open file descriptors before {fds_before}, after {fds_after}")
        leaked = fds_before is None or fds_after is None or fds_after - fds_before > args.max_fd_growth
        if leaked:
            print(f"FAILED: open descriptors {fds_before} -> {fds_after} (limit +{args.max_fd_growth})")
    good = sum(1 for k, s, _ in results if k in GOOD and s == 200)
    print(f"well-formed answered: {good}; failures: {len(failed)}")
    return 0 if alive and unshaped == 0 and not failed and not grew and not leaked and good > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
