#!/usr/bin/env python3
"""Encode throughput on one core, same text, side by side per tokenizer file.

Columns (MB of UTF-8 input per second, best of --repeat runs):
  hf whole     `tokenizers`: tok.encode(text) of the whole text as one string
  hf lines     `tokenizers`: tok.encode_batch(lines) (RAYON_NUM_THREADS=1,
               TOKENIZERS_PARALLELISM=false, so one thread)
  tiktoken     tiktoken: enc.encode_ordinary(text) of the whole text (one thread)
  tt lines     tiktoken: enc.encode_ordinary(line) for each line, in a Python loop
               (encode_ordinary_batch's thread pool costs more per line than it saves
               on one thread)
  spm          the `sentencepiece` library on the whole text, for fixtures that
               ship the tokenizer.model they were converted from
  swift        `needle-eval bench --tokenizer PATH --text FILE --json`, which
               prints {"mb_per_s": ..., "tokens": ..., "bytes": ...}

All encodes are without special-token handling (encode_ordinary / no
post-processor). The text is machine text of many kinds (common.build_corpus),
written to --work; pass --text FILE to use your own.

    taskset -c 0 python3 scripts/tokenizers/bench.py            # 2 MB, all fixtures
    python3 scripts/tokenizers/bench.py --mb 1 --only llama3_style --no-swift
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402  (forces one rayon thread before tokenizers loads)


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def cpu_name() -> str:
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def swift_bench(binary: Path, path: Path, text_file: Path, timeout: float) -> tuple[float | None, str]:
    cmd = [str(binary), "bench", "--tokenizer", str(path), "--text", str(text_file), "--json"]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, str(e)
    if p.returncode != 0:
        return None, f"exit {p.returncode}: {(p.stderr or p.stdout).strip()[-300:]}"
    # `bench --json` prints one (pretty-printed) JSON object
    try:
        return float(json.loads(p.stdout)["mb_per_s"]), ""
    except (ValueError, KeyError, TypeError):
        pass
    return None, f"no JSON with mb_per_s in output: {p.stdout[-200:]!r}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=2.0, help="size of the generated text")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--text", type=Path, help="use this UTF-8 file instead of a generated text")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--needle-eval", type=Path, default=common.REPO / ".build" / "release" / "needle-eval")
    ap.add_argument("--no-swift", action="store_true")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "needle-eval-tokbench")
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = ap.parse_args()

    if args.text:
        text_file = args.text
        text = text_file.read_text(encoding="utf-8")
    else:
        args.work.mkdir(parents=True, exist_ok=True)
        text_file = args.work / f"bench-{args.mb:g}mb-seed{args.seed}.txt"
        if not text_file.exists():
            docs = common.build_corpus(int(args.mb * 1_000_000), seed=args.seed, log=lambda *_: None)
            text_file.write_text("\n".join(t for _, t in docs), encoding="utf-8")
        text = text_file.read_text(encoding="utf-8")
    nbytes = len(text.encode("utf-8"))
    lines = text.splitlines(keepends=True)
    mb = nbytes / 1e6
    swift = not args.no_swift and args.needle_eval.exists()
    print(f"text: {text_file} ({mb:.2f} MB, {len(lines)} lines); CPU: {cpu_name()}; "
          f"RAYON_NUM_THREADS={os.environ.get('RAYON_NUM_THREADS')}; best of {args.repeat}")
    if not args.no_swift and not swift:
        print(f"Swift binary not found: {args.needle_eval}; swift column empty")

    rows = []
    for d in common.fixture_dirs(args.only):
        ref = common.load_reference(d)
        r: dict[str, object] = {"tokenizer": d.name, "kind": ref.kind}
        if ref.kind == "tiktoken":
            enc = ref.impl
            s, ids = best_of(lambda: enc.encode_ordinary(text), args.repeat)
            r["tiktoken"], r["tokens"] = mb / s, len(ids)
            s, _ = best_of(lambda: [enc.encode_ordinary(line) for line in lines], args.repeat)
            r["tt_lines"] = mb / s
        else:
            tok = ref.impl
            s, enc = best_of(lambda: tok.encode(text, add_special_tokens=False), args.repeat)
            r["hf_whole"], r["tokens"] = mb / s, len(enc.ids)
            s, _ = best_of(lambda: tok.encode_batch(lines, add_special_tokens=False), args.repeat)
            r["hf_lines"] = mb / s
        if (d / "tokenizer.model").exists():
            import sentencepiece as spm

            sp = spm.SentencePieceProcessor(model_file=str(d / "tokenizer.model"))
            s, _ = best_of(lambda: sp.encode(text), args.repeat)
            r["spm"] = mb / s
        if swift:
            v, err = swift_bench(args.needle_eval, ref.path, text_file, args.timeout)
            r["swift"] = v
            if err:
                r["swift_error"] = err
                print(f"  {d.name}: swift bench failed: {err}")
        rows.append(r)
        print(f"  {d.name}: " + ", ".join(f"{k} {v:.2f}" for k, v in r.items() if isinstance(v, float)))

    cols = [("hf_whole", "hf whole"), ("hf_lines", "hf lines"), ("tiktoken", "tiktoken"),
            ("tt_lines", "tt lines"), ("spm", "spm"), ("swift", "swift")]
    print(f"\nMB/s on one core ({cpu_name()}), {mb:.2f} MB text, best of {args.repeat}\n")
    print("| tokenizer | kind | tokens | " + " | ".join(c[1] for c in cols) + " |")
    print("|---|---|---:|" + "---:|" * len(cols))
    for r in rows:
        cells = [f"{r[k]:.2f}" if isinstance(r.get(k), float) else ("err" if k == "swift" and "swift_error" in r else "")
                 for k, _ in cols]
        print(f"| {r['tokenizer']} | {r['kind']} | {r['tokens']} | " + " | ".join(cells) + " |")
    if args.json:
        args.json.write_text(json.dumps({"cpu": cpu_name(), "mb": mb, "repeat": args.repeat, "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
