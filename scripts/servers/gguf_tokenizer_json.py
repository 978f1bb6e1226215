#!/usr/bin/env python3
"""Write a Hugging Face tokenizer.json equivalent to the tokenizer inside a GGUF file.

    python3 gguf_tokenizer_json.py MODEL.gguf --out tokenizer.json

Reads the GGUF's tokenizer metadata with the `gguf` package (tokenizer.ggml.model, .pre,
.tokens, .token_type, .merges, .bos/.eos ids, .add_bos_token/.add_eos_token) and writes the
byte-level BPE tokenizer that llama.cpp builds from it:

- model: BPE over the GGUF's vocabulary (already in GPT-2's byte-to-character form) and merges;
- pre_tokenizer: the split regexes llama.cpp uses for the GGUF's `tokenizer.ggml.pre` value,
  as Split steps, then ByteLevel (whose own regex is GPT-2's);
- decoder: ByteLevel;
- added_tokens: the control tokens (special) and user-defined tokens (not special), which both
  the server and the `tokenizers` package match whole in the text before BPE;
- post_processor: BOS/EOS only when the GGUF says llama.cpp adds them.

Only byte-level BPE GGUFs (tokenizer.ggml.model "gpt2") whose pre-tokenizer family is in
PRE_TOKENIZERS below are handled; anything else is refused with a message rather than
approximated. Check the result against the server with tokenizer_parity.py.
"""

import argparse
import json
import sys

# GPT-2's split regex as llama.cpp writes it. Hugging Face's ByteLevel pre-tokenizer (use_regex
# true) applies the same pattern with one more alternative, `|\s+`, at the end: it claims only
# whitespace that llama.cpp leaves between matches as a piece of its own, so both cut the same
# pieces.
GPT2_REGEX_LLAMA_CPP = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)"

# tokenizer.ggml.pre value -> the regexes llama.cpp (src/llama-vocab.cpp) splits with, in order.
# A family is listed only when its translation below is exact.
PRE_TOKENIZERS = {}
for _name in ("gpt-2", "mpt", "olmo", "jais"):
    PRE_TOKENIZERS[_name] = [GPT2_REGEX_LLAMA_CPP]
for _name in ("smollm", "starcoder", "refact", "command-r", "codeshell", "exaone"):
    # Every digit on its own, then GPT-2's pattern.
    PRE_TOKENIZERS[_name] = [r"\p{N}", GPT2_REGEX_LLAMA_CPP]

# llama.cpp's token types (gguf.TokenType).
TYPE_NORMAL, TYPE_UNKNOWN, TYPE_CONTROL, TYPE_USER_DEFINED, TYPE_UNUSED, TYPE_BYTE = 1, 2, 3, 4, 5, 6


def fail(message):
    sys.exit(f"gguf_tokenizer_json: {message}")


def read_fields(path):
    try:
        from gguf import GGUFReader
    except ImportError:
        fail("the `gguf` Python package is missing (pip install gguf)")
    reader = GGUFReader(path)

    def value(key, default=None):
        field = reader.fields.get(key)
        return default if field is None else field.contents()

    return value


def pre_tokenizer_for(pre):
    regexes = PRE_TOKENIZERS.get(pre)
    if regexes is None:
        fail(f"tokenizer.ggml.pre is {pre!r}, a pre-tokenizer this script does not translate "
             f"(known: {', '.join(sorted(PRE_TOKENIZERS))})")
    steps = [{"type": "Split", "pattern": {"Regex": r}, "behavior": "Isolated", "invert": False}
             for r in regexes[:-1]]
    if regexes[-1] == GPT2_REGEX_LLAMA_CPP:
        steps.append({"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True})
    else:
        steps.append({"type": "Split", "pattern": {"Regex": regexes[-1]}, "behavior": "Isolated", "invert": False})
        steps.append({"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False})
    return steps[0] if len(steps) == 1 else {"type": "Sequence", "pretokenizers": steps}


def post_processor_for(tokens, bos_id, eos_id, add_bos, add_eos):
    prefix = [tokens[bos_id]] if add_bos and bos_id is not None else []
    suffix = [tokens[eos_id]] if add_eos and eos_id is not None else []
    if not prefix and not suffix:
        return None

    def special(name):
        return {"SpecialToken": {"id": name, "type_id": 0}}

    def sequence(name):
        return {"Sequence": {"id": name, "type_id": 0}}

    single = [special(t) for t in prefix] + [sequence("A")] + [special(t) for t in suffix]
    pair = single + [special(t) for t in prefix] + [sequence("B")] + [special(t) for t in suffix]
    specials = {t: {"id": t, "ids": [tokens.index(t)], "tokens": [t]} for t in prefix + suffix}
    return {"type": "TemplateProcessing", "single": single, "pair": pair, "special_tokens": specials}


def build(path):
    value = read_fields(path)
    kind = value("tokenizer.ggml.model")
    if kind != "gpt2":
        fail(f"tokenizer.ggml.model is {kind!r}; only byte-level BPE (\"gpt2\") is handled")
    pre = value("tokenizer.ggml.pre", "default")
    tokens = list(value("tokenizer.ggml.tokens"))
    types = list(value("tokenizer.ggml.token_type", [TYPE_NORMAL] * len(tokens)))
    merges = list(value("tokenizer.ggml.merges", []))
    bos_id = value("tokenizer.ggml.bos_token_id")
    eos_id = value("tokenizer.ggml.eos_token_id")
    add_bos = bool(value("tokenizer.ggml.add_bos_token", False))
    add_eos = bool(value("tokenizer.ggml.add_eos_token", False))
    if len(types) != len(tokens):
        fail(f"{len(tokens)} tokens but {len(types)} token types")

    vocab = {}
    for token_id, text in enumerate(tokens):
        if text in vocab:
            fail(f"token {text!r} appears twice (ids {vocab[text]} and {token_id})")
        vocab[text] = token_id
    for rank, merge in enumerate(merges):
        left, sep, right = merge.partition(" ")
        if not sep or " " in right or left not in vocab or right not in vocab or left + right not in vocab:
            fail(f"merge {rank} ({merge!r}) is not a pair of vocabulary tokens whose join is one too")

    added = []
    for token_id, (text, kind_of) in enumerate(zip(tokens, types)):
        if kind_of in (TYPE_CONTROL, TYPE_USER_DEFINED, TYPE_UNKNOWN):
            added.append({"id": token_id, "content": text, "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": False, "special": kind_of != TYPE_USER_DEFINED})

    document = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": pre_tokenizer_for(pre),
        "post_processor": post_processor_for(tokens, bos_id, eos_id, add_bos, add_eos),
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": vocab,
            "merges": merges,
        },
    }
    summary = (f"pre={pre} vocab={len(vocab)} merges={len(merges)} added={len(added)} "
               f"bos={bos_id} eos={eos_id} add_bos={add_bos} add_eos={add_eos}")
    return document, summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gguf", help="the GGUF model file")
    parser.add_argument("--out", required=True, help="where to write tokenizer.json")
    args = parser.parse_args()
    document, summary = build(args.gguf)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(document, f, ensure_ascii=False)
    print(f"wrote {args.out}: {summary}", file=sys.stderr)


if __name__ == "__main__":
    main()
