"""Shared helpers for the tokenizer reference scripts.

Paths, the reference regexes, the GPT-2 byte<->unicode table, machine-text
collectors (used by make_texts.py, compare.py and bench.py) and a uniform
wrapper around the two reference libraries (`tokenizers` and `tiktoken`).
"""

from __future__ import annotations

import base64
import gettext
import glob
import gzip
import json
import os
import random
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Single-threaded, deterministic reference behaviour (must be set before
# `tokenizers` is imported anywhere).
os.environ.setdefault("RAYON_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
FIXTURES = REPO / "Tests" / "TokenizersTests" / "Fixtures"
TEXTS = FIXTURES / "texts.jsonl"

# ---------------------------------------------------------------------------
# Regexes
# ---------------------------------------------------------------------------

# Published in the Llama-3 tokenizer.json (pre_tokenizer Split, Isolated).
LLAMA3_PAT = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)
# Published in the Qwen2 tokenizer.json: same as Llama-3 but single digits.
QWEN2_PAT = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)
# What tokenizers' ByteLevel(use_regex=true) uses internally (the original GPT-2 regex).
GPT2_BYTELEVEL_PAT = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"


def tiktoken_pat_strs() -> dict[str, str]:
    """The exact pat_str of each tiktoken encoding, read from the installed
    package's tiktoken_ext/openai_public.py (the constructors are called with
    the rank loaders stubbed out, so nothing is downloaded)."""
    import tiktoken_ext.openai_public as op

    saved = (op.load_tiktoken_bpe, op.data_gym_to_mergeable_bpe_ranks)
    op.load_tiktoken_bpe = lambda *a, **k: {}
    op.data_gym_to_mergeable_bpe_ranks = lambda *a, **k: {}
    try:
        return {
            name: op.ENCODING_CONSTRUCTORS[name]()["pat_str"]
            for name in ("gpt2", "r50k_base", "p50k_base", "cl100k_base", "o200k_base")
        }
    finally:
        op.load_tiktoken_bpe, op.data_gym_to_mergeable_bpe_ranks = saved


# ---------------------------------------------------------------------------
# GPT-2 byte <-> unicode table (ByteLevel)
# ---------------------------------------------------------------------------


def bytes_to_unicode() -> dict[int, str]:
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


BYTE_ENCODER = bytes_to_unicode()
BYTE_DECODER = {v: k for k, v in BYTE_ENCODER.items()}


def bytelevel_to_bytes(token: str) -> bytes:
    return bytes(BYTE_DECODER[c] for c in token)


def bytes_to_bytelevel(b: bytes) -> str:
    return "".join(BYTE_ENCODER[x] for x in b)


# ---------------------------------------------------------------------------
# Machine text (varies by machine: used for texts.jsonl excerpts and the
# comparison / benchmark corpora, never for training)
# ---------------------------------------------------------------------------


def _read_text(path: str | Path) -> str | None:
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def render_man(path: str, width: int = 80, timeout: float = 20) -> str | None:
    """Render a man page to plain text (`man -l` piped through `col -b`).
    Falls back to the raw roff source when man is not installed."""
    env = dict(os.environ, MANWIDTH=str(width), MAN_KEEP_FORMATTING="0", LC_ALL="C.UTF-8")
    try:
        out = subprocess.run(
            f"man -l {sh_quote(path)} 2>/dev/null | col -bx",
            shell=True, capture_output=True, env=env, timeout=timeout,
        ).stdout
        text = out.decode("utf-8", errors="strict")
        if text.strip():
            return text
    except (subprocess.TimeoutExpired, UnicodeDecodeError, OSError):
        pass
    try:
        with gzip.open(path, "rb") as f:
            return f.read().decode("utf-8")
    except (OSError, UnicodeDecodeError, EOFError):
        return None


def sh_quote(s: str) -> str:
    return "'" + s.replace("'", "'\\''") + "'"


def mo_messages(path: str) -> list[str]:
    """Translated strings (msgstr) of a compiled gettext catalog."""
    try:
        with open(path, "rb") as f:
            cat = gettext.GNUTranslations(f)
    except Exception:
        return []
    out = []
    for k, v in cat._catalog.items():  # noqa: SLF001 - the only public way to list messages
        if k == "" or not isinstance(v, str):
            continue
        if k == "" or "Project-Id-Version" in v:
            continue
        out.append(v)
    return out


# Languages whose gettext catalogs give the non-Latin and accented text.
MO_LANGS = ["ja", "zh_CN", "zh_TW", "ko", "ru", "uk", "el", "ar", "he", "hi", "th", "vi", "ka",
            "de", "fr", "es", "pt_BR", "pl", "tr", "cs", "fa", "bn", "ta", "am", "eo"]


def mo_language_text(lang: str, limit_chars: int | None = None, seed: int = 0) -> str:
    files = sorted(glob.glob(f"/usr/share/locale/{lang}/LC_MESSAGES/*.mo"))
    msgs: list[str] = []
    for f in files:
        msgs.extend(mo_messages(f))
    rng = random.Random(seed)
    rng.shuffle(msgs)
    text = "\n".join(m for m in msgs if m.strip())
    return text[:limit_chars] if limit_chars else text


@dataclass
class Source:
    kind: str
    path: str
    loader: object = field(repr=False, default=None)

    def load(self) -> str | None:
        if self.loader is not None:
            return self.loader(self.path)
        return _read_text(self.path)


def machine_sources() -> dict[str, list[Source]]:
    """Every kind of text this machine has, as lazily loaded sources."""
    kinds: dict[str, list[Source]] = {}
    kinds["license"] = [Source("license", p) for p in sorted(glob.glob("/usr/share/common-licenses/*")) if os.path.isfile(p)]
    kinds["copyright"] = [Source("copyright", p) for p in sorted(glob.glob("/usr/share/doc/*/copyright"))]
    kinds["man_en"] = [Source("man_en", p, render_man) for p in sorted(glob.glob("/usr/share/man/man[1-8]/*.gz"))]
    kinds["man_roff"] = [Source("man_roff", p, lambda q: _gunzip_text(q)) for p in sorted(glob.glob("/usr/share/man/man[1-8]/*.gz"))]
    kinds["man_i18n"] = [Source("man_i18n", p, render_man) for p in sorted(glob.glob("/usr/share/man/[a-z][a-z]*/man[1-8]/*.gz"))]
    libdir = Path(os.__file__).parent
    kinds["python"] = [Source("python", str(p)) for p in sorted(libdir.glob("*.py"))]
    kinds["python"] += [Source("python", str(p)) for p in sorted(libdir.glob("[a-z]*/*.py")) if "site-packages" not in str(p)]
    kinds["translations"] = [Source("translations", lang, lambda q: mo_language_text(q)) for lang in MO_LANGS
                             if glob.glob(f"/usr/share/locale/{lang}/LC_MESSAGES/*.mo")]
    kinds["locale_def"] = [Source("locale_def", p) for p in sorted(glob.glob("/usr/share/i18n/locales/*"))]
    dicts = [p for p in sorted(glob.glob("/usr/share/dict/*")) if os.path.isfile(p)]
    if dicts:
        kinds["dict"] = [Source("dict", p) for p in dicts]
    kinds["changelog"] = [Source("changelog", p, lambda q: _gunzip_text(q)) for p in sorted(glob.glob("/usr/share/doc/*/changelog*.gz"))]
    return {k: v for k, v in kinds.items() if v}


def _gunzip_text(path: str) -> str | None:
    try:
        with gzip.open(path, "rb") as f:
            return f.read().decode("utf-8")
    except (OSError, UnicodeDecodeError, EOFError):
        return None


def excerpt(text: str, rng: random.Random, lo: int, hi: int) -> str:
    """A slice of `text` of lo..hi characters, starting at a line start when possible."""
    if len(text) <= hi:
        return text
    size = rng.randint(lo, hi)
    start = rng.randint(0, len(text) - size)
    nl = text.rfind("\n", 0, start)
    if nl != -1 and start - nl < 400:
        start = nl + 1
    return text[start:start + size]


# ---------------------------------------------------------------------------
# Texts
# ---------------------------------------------------------------------------


def read_texts(path: Path = TEXTS) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# Characters some line splitters treat as line breaks (Swift's .newlines,
# str.splitlines): always written escaped so that one JSON value is one line
# for every reader. (json.dumps already escapes \n, \r and other controls.)
_LINE_BREAKS = {"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def dumps_line(row, ensure_ascii: bool = False, separators=(", ", ": ")) -> str:
    s = json.dumps(row, ensure_ascii=ensure_ascii, separators=separators)
    for ch, esc in _LINE_BREAKS.items():
        s = s.replace(ch, esc)
    return s


def write_jsonl(path: Path, rows, ensure_ascii: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(dumps_line(row, ensure_ascii) + "\n")


# ---------------------------------------------------------------------------
# Reference tokenizers behind one interface
# ---------------------------------------------------------------------------


@dataclass
class Reference:
    name: str
    kind: str            # "tokenizer.json" | "tiktoken"
    path: Path           # file handed to the Swift side
    impl: object

    def encode(self, text: str, add_special: bool = False) -> list[int]:
        if self.kind == "tiktoken":
            return self.impl.encode(text, allowed_special="all")
        return self.impl.encode(text, add_special_tokens=add_special).ids

    def encode_batch(self, texts: list[str], add_special: bool = False) -> list[list[int]]:
        if self.kind == "tiktoken":
            return self.impl.encode_batch(texts, allowed_special="all", num_threads=1)
        return [e.ids for e in self.impl.encode_batch(texts, add_special_tokens=add_special)]

    def decode(self, ids: list[int]) -> str:
        if self.kind == "tiktoken":
            return self.impl.decode(ids)
        return self.impl.decode(ids, skip_special_tokens=False)

    def decode_bytes(self, ids: list[int]) -> bytes | None:
        if self.kind == "tiktoken":
            return self.impl.decode_bytes(ids)
        return None


def read_tiktoken_ranks(path: Path) -> dict[bytes, int]:
    """Parse a .tiktoken file (base64 token, space, rank per line).

    Not tiktoken.load.load_tiktoken_bpe: that caches every path, local files
    included, under $TMPDIR/data-gym-cache keyed by the path alone, so a
    rebuilt file at the same path would be read stale."""
    ranks: dict[bytes, int] = {}
    for line in path.read_bytes().splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


def load_tiktoken(path: Path):
    import tiktoken

    cfg = json.loads((path.parent / "tiktoken.json").read_text(encoding="utf-8"))
    ranks = read_tiktoken_ranks(path)
    return tiktoken.Encoding(
        name=path.parent.name,
        pat_str=cfg["pat_str"],
        mergeable_ranks=ranks,
        special_tokens=cfg["special_tokens"],
    )


def fixture_file(d: Path) -> tuple[str, Path] | None:
    if (d / "tokenizer.json").exists():
        return "tokenizer.json", d / "tokenizer.json"
    tk = sorted(d.glob("*.tiktoken"))
    if tk and (d / "tiktoken.json").exists():
        return "tiktoken", tk[0]
    return None


def load_reference(d: Path) -> Reference:
    ff = fixture_file(d)
    if ff is None:
        raise FileNotFoundError(f"{d}: no tokenizer.json or *.tiktoken + tiktoken.json")
    kind, path = ff
    if kind == "tiktoken":
        return Reference(d.name, kind, path, load_tiktoken(path))
    from tokenizers import Tokenizer

    return Reference(d.name, kind, path, Tokenizer.from_file(str(path)))


def fixture_dirs(selected: list[str] | None = None) -> list[Path]:
    dirs = [d for d in sorted(FIXTURES.iterdir()) if d.is_dir() and fixture_file(d)]
    if selected:
        dirs = [d for d in dirs if d.name in selected]
        missing = set(selected) - {d.name for d in dirs}
        if missing:
            sys.exit(f"unknown fixture(s): {', '.join(sorted(missing))}")
    return dirs


# ---------------------------------------------------------------------------
# The comparison / benchmark corpus (machine text of many kinds, not committed)
# ---------------------------------------------------------------------------

# Share of the corpus per kind of text (renormalized over the kinds this machine has).
CORPUS_SHARES = {
    "license": 0.06, "copyright": 0.10, "man_en": 0.16, "man_roff": 0.05, "man_i18n": 0.10,
    "python": 0.20, "translations": 0.20, "locale_def": 0.03, "changelog": 0.06, "dict": 0.02,
    "synthetic": 0.02,
}


def _chunks(text: str, rng: random.Random, max_total: int) -> list[str]:
    """Cut a text into documents of 200..16000 characters at line boundaries."""
    out, pos, total = [], 0, 0
    while pos < len(text) and total < max_total:
        size = rng.choice([rng.randint(200, 2000), rng.randint(2000, 8000), rng.randint(8000, 16000)])
        end = min(len(text), pos + size)
        nl = text.find("\n", end)
        if nl != -1 and nl - end < 300:
            end = nl + 1
        piece = text[pos:end]
        if piece.strip():
            out.append(piece)
            total += len(piece.encode("utf-8"))
        pos = end
    return out


def synthetic_docs(rng: random.Random, n: int) -> list[str]:
    """Stress documents: edge texts glued together, whitespace runs, mixed scripts."""
    from edge_texts import TEST_TEXTS

    pool = [t for _, t in TEST_TEXTS if t]
    seps = ["", " ", "  ", "\n", "\n\n", "\t", "\r\n", " \n ", "   \n\n\t"]
    docs = []
    for _ in range(n):
        parts = rng.sample(pool, k=rng.randint(2, 12))
        docs.append("".join(p + rng.choice(seps) for p in parts))
    return docs


def build_corpus(target_bytes: int, seed: int = 1, log=print) -> list[tuple[str, str]]:
    """(name, text) documents: every edge text, then machine text of many kinds
    in fixed shares until target_bytes of UTF-8 is reached."""
    from edge_texts import TEST_TEXTS

    rng = random.Random(seed)
    docs: list[tuple[str, str]] = [(f"edge:{n}", t) for n, t in TEST_TEXTS]
    kinds = machine_sources()
    shares = {k: v for k, v in CORPUS_SHARES.items() if k in kinds or k == "synthetic"}
    norm = sum(shares.values())
    for kind, share in shares.items():
        quota = int(target_bytes * share / norm)
        got = 0
        if kind == "synthetic":
            i = 0
            while got < quota:
                for t in synthetic_docs(rng, 20):
                    docs.append((f"synthetic:{i}", t))
                    got += len(t.encode())
                    i += 1
            log(f"  corpus {kind:12s} {got / 1e6:6.2f} MB")
            continue
        sources = list(kinds[kind])
        rng.shuffle(sources)
        per_source = max(4000, quota // 8) if kind in ("translations", "license", "locale_def", "dict") else max(4000, quota // 40)
        for s in sources:
            if got >= quota:
                break
            text = s.load()
            if not text:
                continue
            for j, piece in enumerate(_chunks(text, rng, min(per_source, quota - got))):
                docs.append((f"{kind}:{s.path}#{j}", piece))
                got += len(piece.encode())
        log(f"  corpus {kind:12s} {got / 1e6:6.2f} MB")
    return docs
