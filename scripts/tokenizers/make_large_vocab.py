#!/usr/bin/env python3
"""Writes a synthetic 150,000-token byte-level BPE tokenizer, as tokenizer.json and as a .tiktoken
rank file (+ tiktoken.json), for measuring what loading a vocabulary of that size costs:

    python3 scripts/tokenizers/make_large_vocab.py /tmp/big
    echo hello > /tmp/big/small.txt
    /usr/bin/time -f %M .build/release/needle-eval bench --tokenizer /tmp/big/tokenizer.json --text /tmp/big/small.txt
    /usr/bin/time -f %M .build/release/needle-eval bench --tokenizer /tmp/big/big.tiktoken --text /tmp/big/small.txt

The tokens are random concatenations of earlier ones (seeded), so every token has a merge that
builds it: a valid BPE table of realistic size, not a real model's (none that large is on PyPI
offline)."""
import base64
import json
import os
import random
import sys

from common import bytes_to_unicode   # GPT-2's byte alphabet, shared with make_fixtures.py


def main(folder, size=150_000, seed=1):
    os.makedirs(folder, exist_ok=True)
    rng = random.Random(seed)
    tokens = [bytes([b]) for b in range(256)]
    seen, merges = set(tokens), []
    while len(tokens) < size:
        a = rng.choice(tokens[-20000:]) if rng.random() < 0.5 else rng.choice(tokens)
        b = rng.choice(tokens[:5000])
        t = a + b
        if len(t) > 16 or t in seen:
            continue
        seen.add(t)
        tokens.append(t)
        merges.append((a, b))
    with open(os.path.join(folder, "big.tiktoken"), "w") as f:
        for rank, t in enumerate(tokens):
            f.write(base64.b64encode(t).decode() + " " + str(rank) + "\n")
    with open(os.path.join(folder, "tiktoken.json"), "w") as f:
        json.dump({"pattern": "cl100k_base", "special_tokens": {"<|endoftext|>": size}}, f)
    alphabet = bytes_to_unicode()
    spell = lambda t: "".join(alphabet[b] for b in t)
    model = {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
             "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
             "vocab": {spell(t): i for i, t in enumerate(tokens)}, "merges": [spell(a) + " " + spell(b) for a, b in merges]}
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    doc = {"version": "1.0", "truncation": None, "padding": None,
           "added_tokens": [{"id": size, "content": "<|endoftext|>", "single_word": False, "lstrip": False,
                             "rstrip": False, "normalized": False, "special": True}],
           "normalizer": None, "pre_tokenizer": byte_level, "post_processor": None, "decoder": byte_level, "model": model}
    with open(os.path.join(folder, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/needle-eval-large-vocab")
