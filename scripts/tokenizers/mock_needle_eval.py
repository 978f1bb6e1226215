#!/usr/bin/env python3
"""A stand-in for the Swift `needle-eval` binary's tokenizer commands, built on
the Python references, to test compare.py and bench.py before the Swift side
exists (and to pin the CLI contract down):

    needle-eval tokenize --tokenizer PATH --in IN.jsonl --out OUT.jsonl
        IN lines {"text": ...} -> OUT lines {"ids": [...]} (same order), ids
        without post-processor additions.
    needle-eval bench --tokenizer PATH --text FILE --json
        prints {"mb_per_s": ..., "tokens": ..., "bytes": ...}

PATH is a tokenizer.json, or a .tiktoken file with tiktoken.json beside it.

MOCK_PERTURB=1 changes one id in every 50th document (compare.py must report
them); MOCK_FAIL=1 exits 3 (compare.py must report the failure).

    python3 scripts/tokenizers/compare.py --needle-eval scripts/tokenizers/mock_needle_eval.py
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("tokenize")
    t.add_argument("--tokenizer", type=Path, required=True)
    t.add_argument("--in", dest="inp", type=Path, required=True)
    t.add_argument("--out", type=Path, required=True)
    b = sub.add_parser("bench")
    b.add_argument("--tokenizer", type=Path, required=True)
    b.add_argument("--text", type=Path, required=True)
    b.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if os.environ.get("MOCK_FAIL"):
        print("mock failure requested", file=sys.stderr)
        return 3
    ref = common.load_reference(args.tokenizer.parent)
    if args.cmd == "tokenize":
        with open(args.inp, encoding="utf-8") as f:
            texts = [json.loads(line)["text"] for line in f if line.strip()]
        outs = ref.encode_batch(texts)
        if os.environ.get("MOCK_PERTURB"):
            for i in range(0, len(outs), 50):
                if outs[i]:
                    outs[i][len(outs[i]) // 2] += 1
        common.write_jsonl(args.out, ({"ids": ids} for ids in outs))
        return 0
    text = args.text.read_text(encoding="utf-8")
    t0 = time.perf_counter()
    ids = ref.impl.encode_ordinary(text) if ref.kind == "tiktoken" else ref.encode(text)
    secs = time.perf_counter() - t0
    n = len(text.encode("utf-8"))
    out = {"mb_per_s": n / 1e6 / secs, "tokens": len(ids), "bytes": n}
    print(json.dumps(out) if args.json else out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
