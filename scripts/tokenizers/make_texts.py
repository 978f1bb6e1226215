#!/usr/bin/env python3
"""Write Tests/TokenizersTests/Fixtures/texts.jsonl: the shared test texts.

First the hand-written edge cases of edge_texts.py (TEST_TEXTS, the same everywhere), then
~40 excerpts (1-4 KB) of real text found on this machine: license texts,
package copyright files, rendered and raw man pages (English and translated),
Python standard-library source, gettext translations in many scripts, locale
definitions and changelogs. The excerpts depend on what the machine has
installed, so texts.jsonl is committed and only regenerated on purpose:

    python3 scripts/tokenizers/make_texts.py && python3 scripts/tokenizers/expected_ids.py
"""

from __future__ import annotations

import argparse
import glob
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from edge_texts import TEST_TEXTS  # noqa: E402

MAX_BYTES = 400_000

# (kind, how many) - translations are per language below.
PLAN = [
    ("license", 3), ("copyright", 4), ("man_en", 6), ("man_roff", 2), ("python", 6),
    ("locale_def", 1), ("changelog", 2), ("dict", 1),
]
MAN_I18N_LANGS = ["de", "fr", "ja", "ko", "ru", "pl"]
TRANSLATION_LANGS = ["ja", "zh_CN", "ko", "ru", "ar", "he", "hi", "th", "el", "vi", "ka", "uk", "de", "fa"]


def pick_excerpts(seed: int) -> list[dict]:
    rng = random.Random(seed)
    src = common.machine_sources()
    rows: list[dict] = []
    used: set[str] = set()

    def add(kind: str, label: str, text: str | None) -> bool:
        if not text or len(text.strip()) < 500:
            return False
        ex = common.excerpt(text, rng, 1000, 4000)
        name = f"{kind}_{label}"
        if name in used or len(ex.encode()) < 600:
            return False
        used.add(name)
        rows.append({"name": name, "text": ex})
        return True

    for kind, count in PLAN:
        cands = list(src.get(kind, []))
        rng.shuffle(cands)
        got = 0
        for s in cands:
            if got == count:
                break
            label = Path(s.path).name.split(".")[0] if kind not in ("copyright", "changelog") else Path(s.path).parent.name
            if add(kind, label.replace("-", "_"), s.load()):
                got += 1
    for lang in MAN_I18N_LANGS:
        pages = sorted(glob.glob(f"/usr/share/man/{lang}/man[1-8]/*.gz"))
        rng.shuffle(pages)
        for p in pages[:5]:
            if add(f"man_{lang}", Path(p).name.split(".")[0].replace("-", "_"), common.render_man(p)):
                break
    for lang in TRANSLATION_LANGS:
        text = common.mo_language_text(lang, limit_chars=200_000, seed=seed)
        add("translations", lang, text)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--out", type=Path, default=common.TEXTS)
    args = ap.parse_args()

    rows = [{"name": n, "text": t} for n, t in TEST_TEXTS]
    excerpts = pick_excerpts(args.seed)
    rows += excerpts
    names = [r["name"] for r in rows]
    assert len(names) == len(set(names)), "duplicate text names"
    common.write_jsonl(args.out, rows)
    size = os.path.getsize(args.out)
    kinds: dict[str, int] = {}
    for r in excerpts:
        k = r["name"].split("_")[0]
        kinds[k] = kinds.get(k, 0) + 1
    print(f"{args.out}: {len(rows)} texts ({len(TEST_TEXTS)} edge, {len(excerpts)} excerpts: {kinds}), {size / 1024:.0f} KB")
    if size > MAX_BYTES:
        sys.exit(f"texts.jsonl is {size} bytes, over {MAX_BYTES}")


if __name__ == "__main__":
    main()
