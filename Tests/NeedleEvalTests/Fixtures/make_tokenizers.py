#!/usr/bin/env python3
"""Writes the small BPE tokenizers PromptBuilder's exact-length tests use (tokenizers 0.23).

Trained on prompts that `needle-eval generate` writes for the shipped tasks, so their merges
join what a prompt puts side by side: a sentence's trailing space with the next word, a needle's
digits, a question's newline. Run from the repository root:

    for t in niah_single multi_needle niah_multikey niah_multivalue niah_multiquery; do
      .build/debug/needle-eval generate --task tasks/$t.json --lengths 1K,4K --depths 0,50,100 \
        --trials 2 --out /tmp/corpus-$t.jsonl; done
    cat /tmp/corpus-*.jsonl > /tmp/corpus.jsonl
    python3 Tests/NeedleEvalTests/Fixtures/make_tokenizers.py /tmp/corpus.jsonl

Four files:
  gpt2_bos/tokenizer.json     GPT-2 byte-level split, a BOS token added by TemplateProcessing
  llama3_split/tokenizer.json Llama 3's split regex (digits in runs of at most 3) + ByteLevel
  cl100k_style/ranks.tiktoken the llama3_split vocabulary as tiktoken ranks, cl100k pattern
  whole_text_sp/tokenizer.json SentencePiece-style BPE with no pre-tokenizer (Llama 2's
                              legacy tokenizer.json layout): merges may cross spaces
"""
import base64, json, os, random, sys
from tokenizers import Tokenizer, Regex, models, trainers, pre_tokenizers, decoders, processors, normalizers

here = os.path.dirname(os.path.abspath(__file__))
lines = [json.loads(l)["prompt"] for l in open(sys.argv[1], encoding="utf-8")]
# Shorter training sequences: the whole-text model has no pre-tokenizer, so a line is a "word".
random.seed(0)
sentences = []
for text in lines:
    for part in text.replace("\n", "\n\x00").split(". "):
        sentences.append(part.replace("\x00", "") + ". ")
random.shuffle(sentences)
corpus = [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)][:20000]


def save(tok, name):
    os.makedirs(os.path.join(here, name), exist_ok=True)
    tok.save(os.path.join(here, name, "tokenizer.json"))


def byte_level(split, vocab, name, bos):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = split
    tok.decoder = decoders.ByteLevel()
    specials = ["<|bos|>", "<|eos|>"] if bos else ["<|endoftext|>"]
    trainer = trainers.BpeTrainer(vocab_size=vocab, special_tokens=specials, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(corpus, trainer)
    if bos:
        tok.post_processor = processors.TemplateProcessing(single="<|bos|> $A", special_tokens=[("<|bos|>", 0)])
    save(tok, name)
    return tok


byte_level(pre_tokenizers.ByteLevel(add_prefix_space=False), 1200, "gpt2_bos", bos=True)
llama3 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
          r"\s*[\r\n]+|\s+(?!\S)|\s+")
split = pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(llama3), behavior="isolated"),
                                 pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
llama = byte_level(split, 1500, "llama3_split", bos=False)

# tiktoken ranks: the same byte-level vocabulary, rank = id (merge order), specials apart.
state = json.loads(llama.to_str())
alphabet = {c: b for b, c in enumerate(pre_tokenizers.ByteLevel.alphabet())}
byte_of = {}
bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
cs, n = bs[:], 0
for b in range(256):
    if b not in bs:
        bs.append(b); cs.append(256 + n); n += 1
byte_of = {chr(c): b for b, c in zip(bs, cs)}
ranks = sorted(((bytes(byte_of[c] for c in token), i) for token, i in state["model"]["vocab"].items()), key=lambda x: x[1])
os.makedirs(os.path.join(here, "cl100k_style"), exist_ok=True)
with open(os.path.join(here, "cl100k_style", "ranks.tiktoken"), "w") as f:
    for rank, (b, _) in enumerate(ranks):
        f.write(base64.b64encode(b).decode() + " " + str(rank) + "\n")
with open(os.path.join(here, "cl100k_style", "tiktoken.json"), "w") as f:
    json.dump({"pattern": "cl100k_base", "special_tokens": {"<|endoftext|>": len(ranks)}}, f)
    f.write("\n")

# Llama 2's legacy layout: "▁" prepended and for spaces, BPE over the whole text, byte fallback.
sp = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True))
sp.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
sp.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0)])
fallback = ["<0x%02X>" % b for b in range(256)]
trainer = trainers.BpeTrainer(vocab_size=1500, special_tokens=["<unk>", "<s>", "</s>"] + fallback,
                              show_progress=False, max_token_length=12)
sp.train_from_iterator(corpus, trainer)
sp.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", 1)])
# The trainer only takes the <0xNN> tokens as special tokens; as in Llama 2's file they are plain
# vocabulary (byte fallback emits them, and decoding must not drop them).
state = json.loads(sp.to_str())
state["added_tokens"] = [t for t in state["added_tokens"] if t["content"] not in fallback]
sp = Tokenizer.from_str(json.dumps(state))
save(sp, "whole_text_sp")
