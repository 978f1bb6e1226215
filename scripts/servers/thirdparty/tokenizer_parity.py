#!/usr/bin/env python3
"""Check that a tokenizer.json gives the same token ids as a llama.cpp server's /tokenize.

    python tokenizer_parity.py --base-url http://127.0.0.1:PORT --tokenizer FILE [--text-file F ...]

For each sample text (English prose, code with indentation, tabs and newlines, numbers, several
scripts and emoji, whitespace runs, chat special tokens, contractions, plus this file's own
source, any --text-file, and --random N strings drawn with a fixed seed from an alphabet of
edge cases: Unicode spaces, digits of other scripts, marks, joiners, special tokens), compares the ids of the `tokenizers` package (no special tokens
added) with POST /tokenize {"content", "add_special": false}, and checks that both the server's
/detokenize and the tokenizer's decode give the text back. Prints one line per text and exits 1
on any difference. Needs the `tokenizers` package (install.sh puts it in the environment).
"""

import argparse
import json
import random
import sys
import urllib.request

SAMPLES = {
    "prose": "The quick brown fox jumps over the lazy dog. It wasn't the first time; "
             "the dog, however, didn't mind at all.\n\nA second paragraph follows here.",
    "code": "def f(x):\n    if x > 0:\n\treturn x  # tab-indented\n    return -x\n\n\n"
            "class A:\n        pass   \r\n}\n  \n\t\t\n",
    "numbers": "3.14159, 1,000,000 and 2024-06-01 at 12:30; 0x1F 1e-9 -42 +7 100% "
               "½ ² ٣٤ ① Ⅻ 12345678901234567890",
    "unicode": "Café naïve résumé — “quoted” ‘single’ … 日本語のテキスト 한국어 Ελληνικά "
               "русский עברית العربية हिन्दी 🙂👍🏽👨‍👩‍👧 e\u0301 ﬁ \u00a0nbsp \u200bzwsp",
    "whitespace": "  leading spaces\ntrailing spaces   \n\n\n  \t \n x a  b   c    d\t\te \r\n\r\n end ",
    "special": "<|im_start|>user\nWhat is the magic number?<|im_end|>\n<|im_start|>assistant\n",
    "contractions": "I'm sure you'll see they've gone; she'd said it's 'quoted' IT'S DON'T",
    "needle": "The special magic number for Paris is: 7481923. "
              "What is the special magic number for Paris? The number is",
}


# Pieces the --random strings are made of: where split regexes and Unicode classes disagree.
RANDOM_ALPHABET = list("aZé ß'sdtmlrev\t\n\r  0123456789٣४๕①½²,.!?-_()[]{}<>|/\\\"`~@#$%^&*+=;:") + [
    "\u000b", "\u000c", "\u0085", "\u00a0", "\u1680", "\u2000", "\u2028", "\u2029", "\u202f", "\u3000",
    "\u200b", "\u0301", "\u0915", "\u093f", "日", "本", "한", "🙂", "👍🏽", "\u200d", "Ⅻ", "𝟙", "ǅ", "ʰ", "ﬁ",
    "<|im_end|>", "<|endoftext|>", "'S", "'LL",
]


def random_samples(count, seed):
    rng = random.Random(seed)
    return {f"random-{i}": "".join(rng.choice(RANDOM_ALPHABET) for _ in range(rng.randint(1, 60)))
            for i in range(count)}


def post(base, path, body):
    request = urllib.request.Request(base.rstrip("/") + path, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--tokenizer", required=True, help="tokenizer.json")
    parser.add_argument("--text-file", action="append", default=[], help="another text to compare")
    parser.add_argument("--random", type=int, default=0, metavar="N", help="also N random edge-case strings")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quiet", action="store_true", help="print only differences and the summary "
                        "(random strings are only ever printed when they differ)")
    args = parser.parse_args()

    from tokenizers import Tokenizer
    tokenizer = Tokenizer.from_file(args.tokenizer)

    samples = dict(SAMPLES)
    with open(__file__, encoding="utf-8") as f:
        samples["own-source"] = f.read()
    for path in args.text_file:
        with open(path, encoding="utf-8") as f:
            samples[path] = f.read()
    samples.update(random_samples(args.random, args.seed))

    failures = 0
    total = 0
    for name, text in samples.items():
        ours = tokenizer.encode(text, add_special_tokens=False).ids
        theirs = post(args.base_url, "/tokenize", {"content": text, "add_special": False})["tokens"]
        back = post(args.base_url, "/detokenize", {"tokens": theirs})["content"]
        decoded = tokenizer.decode(ours, skip_special_tokens=False)
        problems = []
        if ours != theirs:
            i = first_difference(ours, theirs)
            problems.append(f"ids differ at {i}: tokenizer.json {ours[i:i + 6]} "
                            f"{[tokenizer.id_to_token(t) for t in ours[i:i + 6]]} vs server {theirs[i:i + 6]}")
        if back != text:
            problems.append("server /detokenize does not give the text back")
        if decoded != text:
            problems.append("tokenizer.json decode does not give the text back")
        total += len(theirs)
        status = "same" if not problems else "DIFFERENT"
        if problems or not (args.quiet or name.startswith("random-")):
            print(f"{status:9} {name}: {len(text)} chars, {len(theirs)} tokens")
        for problem in problems:
            print(f"          {problem}")
        failures += bool(problems)
    print(f"{len(samples) - failures} passed, {failures} failed ({total} tokens compared)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
