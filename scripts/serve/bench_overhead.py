#!/usr/bin/env python3
"""Server overhead of `needle-eval serve` against the in-process runtime, and the
time to accept a 1M-token prompt sent as token ids.

1. In process: `needle-eval bench --model M --prompt-ids FILE --decode-tokens N`
   (a fresh session's prefill + greedy decode of the same ids).
2. Over HTTP: the same ids to POST /v1/completions (temperature 0, max_tokens
   N) on a fresh `serve`; the client's wall time, best of --repeat (each with a
   prompt that differs in its first token, so the prefix cache reuses nothing).
   The completions must be the same tokens.
3. Parsing: a 1M-id array to a server whose context is smaller, which refuses
   it with 400 after reading, parsing and checking every id; plus the server's
   parser and Foundation's JSONSerialization on the same file, in process.

    swift build -c release
    python3 scripts/serve/bench_overhead.py --bin .build/release/needle-eval --length 64K
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "servers"))
from loopback import LoopbackServer  # noqa: E402  (scripts/servers/loopback.py)


def parse_length(text: str) -> int:
    text = text.strip().upper()
    scale = {"K": 1024, "M": 1024 * 1024}.get(text[-1:], 1)
    return int(text[:-1] if scale > 1 else text) * scale


def start_serve(binary: str, model: str, extra: list[str]) -> LoopbackServer:
    return LoopbackServer([binary, "serve", "--model", model, "--port", "0", "--log-level", "warning"] + extra)


def post(url: str, body: bytes, timeout: float = 3600) -> tuple[int, dict, float]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        payload = error.read()
        status = error.code
    return status, json.loads(payload), (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=".build/release/needle-eval")
    parser.add_argument("--model", default="models/yoco-niah-tiny")
    parser.add_argument("--length", default="64K", help="prompt tokens (default 64K)")
    parser.add_argument("--decode-tokens", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--parse-ids", default="1M", help="ids in the parse-time request (default 1M)")
    args = parser.parse_args()
    length = parse_length(args.length)
    rng = random.Random(7)
    ids = [256] + [rng.randrange(32, 127) for _ in range(length - 1)]

    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "ids.json")
        with open(path, "w") as f:
            json.dump(ids, f)
        local = []
        for _ in range(args.repeat):
            out = subprocess.run([args.bin, "bench", "--model", args.model, "--prompt-ids", path,
                                  "--decode-tokens", str(args.decode_tokens)], capture_output=True, text=True, check=True)
            local.append(json.loads(out.stdout.strip().splitlines()[-1]))
        best_local = min(local, key=lambda r: r["prefill_ms"] + r["decode_ms"])
        in_process_ms = best_local["prefill_ms"] + best_local["decode_ms"]

        with start_serve(args.bin, args.model, ["--ctx-size", str(length + args.decode_tokens + 16)]) as server:
            base = server.url
            served = []
            for i in range(args.repeat):
                prompt = list(ids)
                prompt[1] = 32 + i  # no shared prefix with the previous request
                body = json.dumps({"prompt": prompt, "max_tokens": args.decode_tokens, "temperature": 0}).encode()
                status, reply, wall_ms = post(base + "/v1/completions", body)
                if status != 200:
                    sys.exit(f"completions answered {status}: {reply}")
                served.append((wall_ms, reply))
            # The same prompt as in process, for the token check.
            body = json.dumps({"prompt": ids, "max_tokens": args.decode_tokens, "temperature": 0}).encode()
            _, same, _ = post(base + "/v1/completions", body)
        best_wall, best_reply = min(served, key=lambda s: s[0])
        timings = best_reply["timings"]
        runtime_ms = timings["prompt_ms"] + timings["predicted_ms"]
        print(f"prompt {length} tokens, {args.decode_tokens} decoded, best of {args.repeat}")
        print(f"in process   prefill {best_local['prefill_ms']:9.1f} ms  decode {best_local['decode_ms']:8.1f} ms  "
              f"total {in_process_ms:9.1f} ms")
        print(f"server       prompt  {timings['prompt_ms']:9.1f} ms  decode {timings['predicted_ms']:8.1f} ms  "
              f"(runtime {runtime_ms:.1f} ms)  client wall {best_wall:9.1f} ms")
        print(f"overhead     vs in process {100 * (best_wall / in_process_ms - 1):+.2f} %   "
              f"vs the server's own runtime time {100 * (best_wall / runtime_ms - 1):+.2f} %  ({best_wall - runtime_ms:.1f} ms)")
        local_text = bytes(t for t in best_local["completion"] if t < 256).decode("utf-8", errors="replace")
        same_text = same["choices"][0]["text"] == local_text
        print(f"same completion as in process: {same_text}")
        if not same_text:
            print(f"  server {same['choices'][0]['text']!r}\n  local  {local_text!r}", file=sys.stderr)
            return 1

        n = parse_length(args.parse_ids)
        big = os.path.join(work, "big.json")
        with open(big, "w") as f:
            json.dump([rng.randrange(0, 256) for _ in range(n)], f)
        size = os.path.getsize(big)
        parsers = json.loads(subprocess.run([args.bin, "bench", "--model", args.model, "--prompt-ids", big, "--parse-only"],
                                            capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
        # Through the server: one whose context is smaller refuses the prompt with 400 after
        # reading, parsing and checking every id.
        with start_serve(args.bin, args.model, ["--ctx-size", "4096"]) as server:
            base = server.url
            with open(big, "rb") as f:
                payload = b'{"prompt": ' + f.read() + b', "max_tokens": 1}'
            walls = []
            for _ in range(args.repeat):
                status, reply, wall_ms = post(base + "/v1/completions", payload)
                assert status == 400 and reply["error"]["code"] == "context_length_exceeded", reply
                walls.append(wall_ms)
        print(f"{n} ids ({size / 1e6:.1f} MB JSON) sent, read, parsed and checked by the server: "
              f"best {min(walls):.1f} ms (client wall, loopback)")
        print(f"in process, the same file: server parser {parsers['parse_ms']:.1f} ms, "
              f"Foundation JSONSerialization {parsers['foundation_parse_ms']:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
