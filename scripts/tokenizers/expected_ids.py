#!/usr/bin/env python3
"""Regenerate Fixtures/<name>/expected.jsonl and meta.json from the fixture
files and Fixtures/texts.jsonl, with the Python reference libraries.

expected.jsonl, one line per text of texts.jsonl (same order):
    {"name": ..., "ids": [...], "with_special": [...]}
  tokenizer.json: ids = tok.encode(text, add_special_tokens=False).ids,
                  with_special = tok.encode(text, add_special_tokens=True).ids
  tiktoken:       ids = with_special = enc.encode(text, allowed_special="all")

meta.json:
    {"kind", "file", "bos", "eos", "vocab_size", "decode_roundtrips",
     "roundtrip_exceptions": [names where decode(ids) != text], ...}

    python3 scripts/tokenizers/expected_ids.py [--only NAME ...] [--check]

--check regenerates in memory and fails if a committed file differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from common import Reference  # noqa: E402

BOS_CANDIDATES = ["<|begin_of_text|>", "<s>"]
EOS_CANDIDATES = ["<|end_of_text|>", "</s>", "<|endoftext|>"]


def token_id(ref: Reference, token: str) -> int | None:
    if ref.kind == "tiktoken":
        return ref.impl._special_tokens.get(token)  # noqa: SLF001
    return ref.impl.token_to_id(token)


def vocab_size(ref: Reference) -> int:
    if ref.kind == "tiktoken":
        return ref.impl.n_vocab
    return ref.impl.get_vocab_size(with_added_tokens=True)


def special_tokens(ref: Reference) -> dict[str, int]:
    if ref.kind == "tiktoken":
        return dict(sorted(ref.impl._special_tokens.items(), key=lambda kv: kv[1]))  # noqa: SLF001
    return {t.content: i for i, t in sorted(ref.impl.get_added_tokens_decoder().items()) if t.special}


def library_version(ref: Reference) -> str:
    if ref.kind == "tiktoken":
        from importlib.metadata import version
        return f"tiktoken {version('tiktoken')}"
    import tokenizers
    return f"tokenizers {tokenizers.__version__}"


def sentencepiece_mismatches(d: Path, texts: list[dict], rows: list[dict]) -> list[str] | None:
    model = d / "tokenizer.model"
    if not model.exists():
        return None
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(model))
    return [t["name"] for t, r in zip(texts, rows) if sp.encode(t["text"]) != r["ids"]]


def ignore_merges_effect(ref: Reference, texts: list[dict], rows: list[dict]) -> list[str] | None:
    """Texts whose ids change when ignore_merges is switched off (tokenizer.json only)."""
    if ref.kind != "tokenizer.json":
        return None
    obj = json.loads(ref.path.read_text(encoding="utf-8"))
    if not obj["model"].get("ignore_merges"):
        return None
    from tokenizers import Tokenizer

    obj["model"]["ignore_merges"] = False
    off = Tokenizer.from_str(json.dumps(obj))
    return [t["name"] for t, r in zip(texts, rows) if off.encode(t["text"], add_special_tokens=False).ids != r["ids"]]


def build(d: Path, texts: list[dict]) -> tuple[str, dict]:
    ref = common.load_reference(d)
    rows = []
    exceptions = []
    for t in texts:
        ids = ref.encode(t["text"], add_special=False)
        with_special = ids if ref.kind == "tiktoken" else ref.encode(t["text"], add_special=True)
        rows.append({"name": t["name"], "ids": ids, "with_special": with_special})
        if ref.decode(ids) != t["text"]:
            exceptions.append(t["name"])
    out = "".join(common.dumps_line(r, separators=(",", ":")) + "\n" for r in rows)

    texts_sha = hashlib.sha256(common.TEXTS.read_bytes()).hexdigest()
    meta = {
        "kind": ref.kind,
        "file": ref.path.name,
        "bos": next((i for i in (token_id(ref, t) for t in BOS_CANDIDATES) if i is not None), None),
        "eos": next((i for i in (token_id(ref, t) for t in EOS_CANDIDATES) if i is not None), None),
        "vocab_size": vocab_size(ref),
        "decode_roundtrips": not exceptions,
        "roundtrip_exceptions": exceptions,
        "special_tokens": special_tokens(ref),
        "reference": library_version(ref),
        "texts_sha256": texts_sha,
        "total_ids": sum(len(r["ids"]) for r in rows),
    }
    if ref.kind == "tiktoken":
        cfg = json.loads((d / "tiktoken.json").read_text(encoding="utf-8"))
        meta["pattern"] = cfg["pattern"]
    spm_mis = sentencepiece_mismatches(d, texts, rows)
    if spm_mis is not None:
        meta["sentencepiece_mismatches"] = spm_mis
    im = ignore_merges_effect(ref, texts, rows)
    if im is not None:
        meta["ignore_merges_changes"] = im
    return out, meta


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--check", action="store_true", help="fail if a committed expected.jsonl/meta.json is stale")
    args = ap.parse_args()

    texts = common.read_texts()
    stale = []
    results: dict[str, list[list[int]]] = {}
    for d in common.fixture_dirs(args.only):
        out, meta = build(d, texts)
        meta_text = json.dumps(meta, ensure_ascii=False, indent=2) + "\n"
        results[d.name] = [json.loads(line)["ids"] for line in out.splitlines()]
        if args.check:
            for f, content in (("expected.jsonl", out), ("meta.json", meta_text)):
                p = d / f
                if not p.exists() or p.read_text(encoding="utf-8") != content:
                    stale.append(str(p.relative_to(common.REPO)))
        else:
            (d / "expected.jsonl").write_text(out, encoding="utf-8")
            (d / "meta.json").write_text(meta_text, encoding="utf-8")
        print(f"{d.name:18s} {meta['kind']:14s} vocab {meta['vocab_size']:6d}  ids {meta['total_ids']:7d}  "
              f"roundtrip {'yes' if meta['decode_roundtrips'] else 'no (' + str(len(meta['roundtrip_exceptions'])) + ')'}"
              + (f"  spm-mismatch {len(meta['sentencepiece_mismatches'])}" if "sentencepiece_mismatches" in meta else "")
              + (f"  ignore_merges-changes {len(meta['ignore_merges_changes'])}" if "ignore_merges_changes" in meta else ""))
    # The real GPT-2 in both formats must agree.
    if "gpt2_whisper" in results and "gpt2_whisper_hf" in results:
        diff = [texts[i]["name"] for i, (a, b) in enumerate(zip(results["gpt2_whisper"], results["gpt2_whisper_hf"])) if a != b]
        print(f"gpt2_whisper (tiktoken) vs gpt2_whisper_hf (tokenizer.json): {len(diff)} texts differ {diff[:10]}")
    if stale:
        sys.exit("stale: " + ", ".join(stale))


if __name__ == "__main__":
    main()
