#!/usr/bin/env python3
"""Compare the Swift tokenizers with the Python references on a multi-MB corpus.

The corpus is assembled from this machine's text (license and copyright files,
man pages rendered and raw, English and translated, Python source, gettext
translations in many scripts, locale files, changelogs), every edge text of
edge_texts.py and synthetic stress documents. It is written to --work, never
committed.

For every fixture (Tests/TokenizersTests/Fixtures/*/ with a tokenizer.json or
a *.tiktoken + tiktoken.json) it
  * encodes every document with the reference (`tokenizers` / `tiktoken`),
  * runs the Swift side, whose contract is
        needle-eval tokenize --tokenizer PATH --in IN.jsonl --out OUT.jsonl
    (IN lines {"text": ...}, OUT lines {"ids": [...]}, same order; PATH is a
    tokenizer.json or a .tiktoken file whose sibling tiktoken.json gives the
    pattern and special tokens),
  * prints documents, MB, mismatching documents (with the first mismatch as a
    diff), reference round-trip failures (decode(encode(text)) != text) and
    how many Swift outputs do not decode back to the text with the reference
    decoder.

Swift ids are compared with the reference ids WITHOUT post-processor additions
(add_special_tokens=False); a document that instead matches the ids WITH them
is counted separately ("with_special") so a convention difference shows as such.

    python3 scripts/tokenizers/compare.py                       # 4 MB, all fixtures
    python3 scripts/tokenizers/compare.py --corpus-mb 1 --only llama3_style
    python3 scripts/tokenizers/compare.py --reference-only      # no Swift binary needed

Exit status: 0 when every Swift output matched (or the Swift side was not run
and --require-swift was not given), 1 on any mismatch or Swift failure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from common import Reference  # noqa: E402


def load_corpus(args) -> list[tuple[str, str]]:
    args.work.mkdir(parents=True, exist_ok=True)
    cache = args.work / f"corpus-{args.corpus_mb:g}mb-seed{args.seed}.jsonl"
    if cache.exists() and not args.rebuild_corpus:
        with open(cache, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f]
        docs = [(r["name"], r["text"]) for r in rows]
        print(f"corpus: {cache} (cached; --rebuild-corpus to rebuild)")
    else:
        print(f"corpus: building {args.corpus_mb:g} MB (seed {args.seed}) ...")
        docs = common.build_corpus(int(args.corpus_mb * 1_000_000), seed=args.seed)
        common.write_jsonl(cache, ({"name": n, "text": t} for n, t in docs))
    if args.extra:
        for p in args.extra:
            docs.append((f"extra:{p}", Path(p).read_text(encoding="utf-8")))
    return docs


def token_str(ref: Reference, i: int) -> str:
    try:
        if ref.kind == "tiktoken":
            return repr(ref.impl.decode_single_token_bytes(i))
        t = ref.impl.id_to_token(i)
        return repr(t) if t is not None else "<out of vocab>"
    except Exception:  # noqa: BLE001 - an id the reference does not know
        return "<invalid>"


def first_diff(ref: Reference, name: str, text: str, want: list[int], got: list[int], width: int = 8) -> str:
    k = next((i for i, (a, b) in enumerate(zip(want, got)) if a != b), min(len(want), len(got)))
    lo = max(0, k - 3)
    lines = [f"  first mismatch: document {name!r} ({len(text)} chars), at token {k} "
             f"(reference {len(want)} ids, swift {len(got)} ids)"]
    try:
        prefix = ref.decode(want[:k])
        at = len(prefix)
        lines.append(f"  text around it: {text[max(0, at - 40):at]!r} | {text[at:at + 60]!r}")
    except Exception:  # noqa: BLE001
        pass
    lines.append("  reference: " + " ".join(f"{i}:{token_str(ref, i)}" for i in want[lo:k + width]))
    lines.append("  swift:     " + " ".join(f"{i}:{token_str(ref, i)}" for i in got[lo:k + width]))
    return "\n".join(lines)


def run_swift(args, ref: Reference, in_path: Path, n_docs: int) -> tuple[list[list[int]] | None, float, str]:
    out_path = args.work / f"swift-{ref.name}.jsonl"
    if out_path.exists():
        out_path.unlink()
    cmd = [str(args.needle_eval), "tokenize", "--tokenizer", str(ref.path), "--in", str(in_path), "--out", str(out_path)]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - t0, f"timed out after {args.timeout}s: {' '.join(cmd)}"
    except OSError as e:
        return None, time.perf_counter() - t0, f"could not run {cmd[0]}: {e}"
    secs = time.perf_counter() - t0
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        return None, secs, f"exit {proc.returncode}: " + " / ".join(tail)
    if not out_path.exists():
        return None, secs, f"no output file {out_path}"
    outs: list[list[int]] = []
    with open(out_path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                ids = json.loads(line)["ids"]
                if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
                    raise ValueError("ids is not a list of integers")
            except (ValueError, KeyError, TypeError) as e:
                return None, secs, f"{out_path}:{lineno}: bad line ({e}): {line[:120]!r}"
            outs.append(ids)
    if len(outs) != n_docs:
        return None, secs, f"{len(outs)} output lines for {n_docs} documents"
    return outs, secs, ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus-mb", type=float, default=4.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", nargs="*", help="fixture names (directory names under Fixtures/)")
    ap.add_argument("--needle-eval", type=Path, default=common.REPO / ".build" / "release" / "needle-eval")
    ap.add_argument("--reference-only", action="store_true", help="do not run the Swift side")
    ap.add_argument("--require-swift", action="store_true", help="fail when the Swift binary is missing")
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "needle-eval-tokcompare")
    ap.add_argument("--rebuild-corpus", action="store_true")
    ap.add_argument("--extra", nargs="*", help="extra UTF-8 files to add as documents")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--max-diffs", type=int, default=1, help="mismatch diffs printed per tokenizer")
    ap.add_argument("--json", type=Path, help="also write the summary as JSON here")
    args = ap.parse_args()

    docs = load_corpus(args)
    texts = [t for _, t in docs]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    in_path = args.work / "in.jsonl"
    common.write_jsonl(in_path, ({"text": t} for t in texts))
    print(f"{len(docs)} documents, {mb:.2f} MB -> {in_path}")

    swift = not args.reference_only
    if swift and not args.needle_eval.exists():
        msg = f"Swift binary not found: {args.needle_eval} (build with `swift build -c release`)"
        if args.require_swift:
            print(msg)
            return 1
        print(msg + "; comparing nothing, reference half only")
        swift = False

    summary = []
    failed = False
    for d in common.fixture_dirs(args.only):
        ref = common.load_reference(d)
        t0 = time.perf_counter()
        want = ref.encode_batch(texts, add_special=False)
        ref_secs = time.perf_counter() - t0
        want_sp = want if ref.kind == "tiktoken" else ref.encode_batch(texts, add_special=True)
        rt_fail = [i for i, (t, ids) in enumerate(zip(texts, want)) if ref.decode(ids) != t]
        row = {"tokenizer": d.name, "kind": ref.kind, "file": str(ref.path.relative_to(common.REPO)),
               "documents": len(texts), "mb": round(mb, 3), "reference_tokens": sum(map(len, want)),
               "reference_s": round(ref_secs, 3), "reference_roundtrip_failures": len(rt_fail)}
        print(f"\n== {d.name} ({ref.kind}: {row['file']})")
        print(f"  reference: {row['reference_tokens']} tokens in {ref_secs:.2f}s; "
              f"round-trip failures {len(rt_fail)}"
              + (f" (e.g. {docs[rt_fail[0]][0]})" if rt_fail else ""))
        if swift:
            got, secs, err = run_swift(args, ref, in_path, len(texts))
            row["swift_s"] = round(secs, 3)
            if got is None:
                failed = True
                row["swift_error"] = err
                print(f"  swift: FAILED ({secs:.1f}s): {err}")
            else:
                bad = [i for i, (a, b) in enumerate(zip(want, got)) if a != b]
                as_special = [i for i in bad if got[i] == want_sp[i]]
                mismatch = [i for i in bad if got[i] != want_sp[i]]
                swift_rt = 0
                for t, ids in zip(texts, got):
                    try:
                        ok = ref.decode(ids) == t
                    except Exception:  # noqa: BLE001 - ids the reference cannot decode
                        ok = False
                    swift_rt += not ok
                row.update({"mismatching_documents": len(mismatch), "matches_with_special_only": len(as_special),
                            "swift_roundtrip_failures": swift_rt, "swift_tokens": sum(map(len, got))})
                failed |= bool(mismatch or as_special)
                print(f"  swift: {row['swift_tokens']} tokens in {secs:.2f}s; mismatching documents "
                      f"{len(mismatch)}/{len(texts)}"
                      + (f", {len(as_special)} match the add_special_tokens=True ids instead" if as_special else "")
                      + f"; swift ids that do not decode to the text: {swift_rt}")
                for i in (mismatch or as_special)[: args.max_diffs]:
                    print(first_diff(ref, docs[i][0], texts[i], want[i], got[i]))
        summary.append(row)

    print("\n| tokenizer | kind | docs | MB | ref tokens | ref s | ref round-trip fail |"
          + (" swift s | mismatching docs | swift round-trip fail |" if swift else ""))
    print("|---|---|---:|---:|---:|---:|---:|" + ("---:|---:|---:|" if swift else ""))
    for r in summary:
        line = (f"| {r['tokenizer']} | {r['kind']} | {r['documents']} | {r['mb']:.2f} | {r['reference_tokens']} | "
                f"{r['reference_s']:.2f} | {r['reference_roundtrip_failures']} |")
        if swift:
            if "swift_error" in r:
                line += f" {r['swift_s']:.2f} | ERROR | - |"
            else:
                line += (f" {r['swift_s']:.2f} | {r['mismatching_documents'] + r['matches_with_special_only']} | "
                         f"{r['swift_roundtrip_failures']} |")
        print(line)
    if args.json:
        args.json.write_text(json.dumps({"documents": len(texts), "mb": mb, "swift_ran": swift,
                                         "tokenizers": summary}, indent=2) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
