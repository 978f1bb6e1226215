"""Needle-in-a-haystack training and evaluation sequences, generated on the fly from the task specs in
tasks/*.json (same needle/question templates, key and value kinds, stop strings as the Swift side).
Byte-level tokens: bytes 0-255, BOS 256, EOS 257, PAD 258."""
import glob
import gzip
import hashlib
import json
import os
import re

BOS, EOS, PAD = 256, 257, 258
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "training", "corpus")
NOISE = "The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again. "
STANDIN_CITIES = ["Tokyo", "Paris", "Lagos", "Lima", "Oslo", "Cairo", "Delhi", "Quito", "Dakar",
                  "Hanoi", "Vienna", "Boston", "Sydney", "Nairobi", "Madrid", "Toronto", "Seoul"]
STANDIN_WORDS = ["apple", "river", "stone", "cloud", "maple", "tiger", "piano", "candle", "harbor",
                 "meadow", "violet", "copper", "falcon", "lantern", "orchid", "saddle"]


# ---------------------------------------------------------------------------------------------
# haystack text sources (all kept as bytes)

def collapse_ws(text):
    return re.sub(r"\s+", " ", text).strip() + " "


def read_lines(path, fallback):
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            items = [l.strip() for l in f if l.strip()]
        if items:
            return items
    return list(fallback)


def read_texts(paths, opener=open):
    """The files' text, deduplicated by content, whitespace collapsed, as one byte string; unreadable
    files are skipped."""
    seen, parts = set(), []
    for path in sorted(paths):
        try:
            with opener(path, "rb") as f:
                raw = f.read()
        except OSError:
            continue
        digest = hashlib.sha1(raw).digest()
        if digest not in seen:
            seen.add(digest)
            parts.append(collapse_ws(raw.decode("utf-8", "replace")))
    return "".join(parts).encode("utf-8")


def license_text():
    """Real English prose available on every Debian machine: license and copyright texts."""
    return read_texts(glob.glob("/usr/share/common-licenses/*") + glob.glob("/usr/share/doc/*/copyright"))


def manuals_text():
    """Technical English from the GNU info manuals Debian ships (coreutils, grep, sed, find, gzip, ...):
    option lists, digits and quotes, a style close to the held-out docstrings without being them.
    Empty when the machine has none."""
    return read_texts(glob.glob("/usr/share/info/*.info*.gz"), opener=gzip.open)


def heldout_text(folder):
    files = sorted(glob.glob(os.path.join(folder, "*.txt")))
    assert files, f"no held-out text in {folder}: run training/make_heldout_haystack.py first"
    return "".join(collapse_ws(open(p, encoding="utf-8").read()) for p in files).encode("utf-8")


def builtin_text(require_real):
    """The Swift toolkit's own built-in haystack, dumped by the lead into corpus/builtin.txt."""
    path = os.path.join(CORPUS, "builtin.txt")
    if os.path.exists(os.path.join(CORPUS, "READY")) and os.path.exists(path):
        with open(path, "rb") as f:
            return f.read()
    assert not require_real, "training/corpus/READY missing: the real corpus is required"
    print("data: corpus not READY, using license text as a stand-in for the built-in haystack")
    return None


class Text:
    """One haystack source: a long byte string; windows start after a sentence end."""

    def __init__(self, name, data):
        self.name, self.data = name, data
        assert len(data) > 10000, f"haystack source {name} too small"

    def window(self, n, rng):
        while len(self.data) < n + 2:
            self.data = self.data + b" " + self.data
        start = rng.randrange(0, len(self.data) - n)
        dot = self.data.find(b". ", start, start + 2000)
        if dot >= 0 and dot + 2 + n <= len(self.data):
            start = dot + 2
        return self.data[start:start + n]


def noise_text():
    return Text("noise", (NOISE * 2000).encode())


WORD = re.compile(rb"[A-Za-z]{2,}")


def numeral(rng, n):
    """n bytes that read as a number: digits, sometimes with inner '.' or '-' (7.1.4, 854-1987)."""
    out = [rng.choice(b"123456789")]
    for i in range(1, n):
        sep = 0 < i < n - 1 and out[-1] not in b".-" and rng.random() < 0.15
        out.append(rng.choice(b".-") if sep else rng.choice(b"0123456789"))
    return bytes(out)


def numberize(hay, rng, share):
    """Number-dense prose (--number-dense): each word of two or more letters becomes, with probability
    `share`, a numeral of the same length, so the text keeps its length and sentence ends. Real
    documents (the held-out docstrings, say) put version numbers and dates next to a needle; the
    training haystacks (licenses, manuals, built-in text) have few digits."""
    return WORD.sub(lambda m: numeral(rng, len(m.group())) if rng.random() < share else m.group(), hay)


def paragraphs(hay, rng, share):
    """Paragraph breaks (--paragraphs): each space after a '.' becomes a newline with probability
    `share`, any other space with share / 20 (headings, list items), so the text keeps its length.
    The Swift toolkit's `files` haystacks keep a file's paragraph breaks as one newline and join files
    with one, so a needle can follow a newline there; the training prose has none (collapse_ws), and
    such needles were the shipped model's held-out misses at 4K and 16K."""
    out = bytearray(hay)
    for i, b in enumerate(out):
        if b == 32 and rng.random() < (share if i and out[i - 1] == 46 else share / 20):
            out[i] = 10
    return bytes(out)


# ---------------------------------------------------------------------------------------------
# keys and values

def make_uuid(rng):
    h = "%032x" % rng.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def make_number(rng, digits):
    return str(rng.randrange(10 ** (digits - 1), 10 ** digits))


def confusable_keys(neighbours, pool, n, rng):
    """n distinct cities the model tells apart badly: a random anchor from pool and n - 1 drawn from
    the 2n cities nearest to it in the model's key space (keymining.key_neighbours), so that the
    needles of one prompt can only be told apart by reading the key precisely."""
    anchor = rng.choice(pool)
    return [anchor] + rng.sample(neighbours[anchor][:2 * n], n - 1)


class Vocab:
    def __init__(self):
        self.cities = read_lines(os.path.join(CORPUS, "cities.txt"), STANDIN_CITIES)
        self.words = read_lines(os.path.join(CORPUS, "words.txt"), STANDIN_WORDS)
        self.weights = None   # {city: sampling weight}, set by hard-key mining (keymining.py)
        self.neighbours = None   # {city: other cities, most confusable first}, set by keymining.key_neighbours

    def confusable_cities(self, n, rng):
        return confusable_keys(self.neighbours, self.cities, n, rng)

    def keys(self, spec, n, rng, confusable=False):
        kind = spec["keys"]["kind"]
        if kind == "cities" and confusable and n > 1 and self.neighbours:
            return self.confusable_cities(n, rng)
        if kind == "uuids":
            return [make_uuid(rng) for _ in range(n)]
        if kind == "numbers":
            return list({make_number(rng, 7) for _ in range(4 * n)})[:n]
        pool = {"cities": self.cities, "words": self.words}.get(kind) or spec["keys"].get("items")
        if kind == "cities" and self.weights:   # n distinct keys, each draw weighted
            w = [self.weights.get(c, 1.0) for c in pool]
            chosen = []
            while len(chosen) < n:
                c = rng.choices(pool, weights=w)[0]
                if c not in chosen:
                    chosen.append(c)
            return chosen
        return rng.sample(pool, n)

    def value(self, spec, rng):
        v = spec["values"]
        kind = v["kind"]
        if kind == "number":
            return make_number(rng, v.get("digits", 7))
        if kind == "uuid":
            return make_uuid(rng)
        if kind == "word":
            return rng.choice(self.words)
        return rng.choice(v["items"])


def load_specs(folder=os.path.join(ROOT, "tasks")):
    specs = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        with open(path) as f:
            s = json.load(f)
        specs[s["name"]] = s
    return specs


# ---------------------------------------------------------------------------------------------
# one sequence: BOS, haystack with needles at sentence boundaries, then question/answer pairs

def sentence_boundary(hay, pos, newlines=False):
    """Largest offset <= pos that starts a sentence (just after '. ', or with newlines after any
    newline, as the Swift side places needles after paragraph breaks), or 0."""
    end = max(pos, 0) + 1
    i = hay.rfind(b". ", 0, end)
    start = i + 2 if i >= 0 else 0
    if newlines:   # rfind gives -1 when there is none: start stays
        start = max(start, hay.rfind(b"\n", 0, end) + 1)
    return start


def place_needles(hay, needles, depths, newlines=False):
    """needles: list of bytes; depths: fractions in [0, 1]. Returns new haystack, needle order and the
    (start, end) byte span of each placed needle in the new haystack, in text order."""
    spots = sorted((sentence_boundary(hay, int(d * len(hay)), newlines), i) for i, d in enumerate(depths))
    out, prev, at, spans = [], 0, 0, []
    for pos, i in spots:
        out += [hay[prev:pos], needles[i]]
        at += pos - prev
        spans.append((at, at + len(needles[i])))
        at += len(needles[i])
        prev = pos
    out.append(hay[prev:])
    return b"".join(out), [i for _, i in spots], spans


def build_example(spec, text, vocab, rng, length, n_keys, n_queries, vpk=1, depths=None, first_only=False,
                  confusable=False, digits=0.0, breaks=0.0):
    """Returns dict(prefix=bytes with BOS token list, qa=[(question bytes, answer bytes)], expected=[...]).
    The whole sequence (prefix + all q/a) is exactly `length` tokens; with first_only the prompt
    (prefix + first question) is `length` tokens instead, as the Swift prompt builder does.
    confusable: city keys the model confuses (Vocab.confusable_cities). digits: share of haystack words
    turned into numerals (numberize), drawn before the values so that no value occurs in the haystack.
    breaks: paragraph-break share (paragraphs); needles may then follow a newline, and half of those
    placed after a space get a newline before them instead."""
    keys = vocab.keys(spec, n_keys, rng, confusable)
    asked = rng.sample(range(n_keys), n_queries)
    stop = spec.get("stop", ".").encode()
    dummy = [[vocab.value(spec, rng) for _ in range(vpk)] for _ in keys]   # to size the needles
    needle_len = sum(len(spec["needle"].format(key=k, value=v).encode()) for k, vs in zip(keys, dummy) for v in vs)
    questions = [spec["question"].format(key=keys[a]).encode() for a in asked]
    answer_len = [len(", ".join(dummy[a]).encode()) + len(stop) for a in asked]
    if first_only:
        fixed = needle_len + len(questions[0])
    else:
        fixed = needle_len + sum(len(q) for q in questions) + sum(answer_len)
    hay_len = length - 1 - fixed
    if hay_len < 16:
        return None
    hay = text.window(hay_len, rng)
    if digits:
        hay = numberize(hay, rng, digits)
    if breaks:
        hay = paragraphs(hay, rng, breaks)
    used, values = set(), []
    for vs in dummy:   # fresh values of the same kind and length, never present in the haystack
        row = []
        for v in vs:
            while True:
                nv = vocab.value(spec, rng)
                if len(nv) == len(v) and nv not in used and nv.encode() not in hay:
                    break
            used.add(nv)
            row.append(nv)
        values.append(row)
    needles, owner, needle_depths = [], [], []
    for ki, (k, vs) in enumerate(zip(keys, values)):
        for v in vs:
            needles.append(spec["needle"].format(key=k, value=v).encode())
            owner.append((ki, v))
            needle_depths.append(rng.random())
    if depths is not None:   # depth of each needle of the first asked key (the queried needle)
        j = 0
        for i, (ki, _) in enumerate(owner):
            if ki == asked[0]:
                needle_depths[i] = depths[min(j, len(depths) - 1)]
                j += 1
    hay, order, spans = place_needles(hay, needles, needle_depths, newlines=bool(breaks))
    if breaks:   # half the needles start a paragraph: the case stage 16 missed every time
        hay = bytearray(hay)
        for a, _ in spans:
            if a and hay[a - 1] == 32 and rng.random() < 0.5:
                hay[a - 1] = 10
        hay = bytes(hay)
    in_text = [owner[i] for i in order]
    expected = [[v for ki, v in in_text if ki == a] for a in asked]
    answers = [(", ".join(vs)).encode() + stop for vs in expected]
    return dict(prefix=[BOS] + list(hay), qa=list(zip(questions, answers)), expected=expected, keys=keys,
                asked=asked, stop=stop, needle_spans=spans)


def to_tokens(ex):
    """-> tokens (list of int), answer (list of 0/1: token is an answer byte), filler (list of 0/1: token
    is haystack filler, i.e. in the prefix but neither BOS nor a needle byte)."""
    toks, ans = list(ex["prefix"]), [0] * len(ex["prefix"])
    filler = [0] + [1] * (len(toks) - 1)
    for a, b in ex["needle_spans"]:   # spans are offsets in the haystack, which starts after BOS
        filler[1 + a:1 + b] = [0] * (b - a)
    for q, a in ex["qa"]:
        toks += list(q) + list(a)
        ans += [0] * len(q) + [1] * len(a)
    filler += [0] * (len(toks) - len(filler))
    return toks, ans, filler


# ---------------------------------------------------------------------------------------------
# the training mixture

class Mixture:
    """Samples task family, needle/query counts and haystack source for each training sequence."""

    FAMILIES = ("niah_single", "multi_needle", "niah_multiquery", "niah_multikey", "niah_multivalue")

    def __init__(self, require_real_corpus=False, only=None, mix=None, manuals=False, needle_bias=0.0,
                 confusable=0.0, max_queries=4, number_dense=0.0, paragraph_share=0.0):
        """only: one family, no copy sequences. mix: {family: weight}, no copy sequences (e.g. for
        fine-tuning a model that already retrieves). Neither: the recipe mix with 25% copy sequences.
        manuals: add the GNU info manuals as a haystack style (used by stages 3-16 of the shipped
        model, not by stages 1-2). needle_bias p: a multi-needle sequence has n in 2..8 needles with
        weight n**p (0 = uniform), so that training sees more of the crowded cases it fails on.
        confusable q: that share of sequences with several city keys draws keys the model confuses
        (Vocab.neighbours, measured by keymining.key_neighbours). max_queries: a multi-needle sequence
        asks 1..min(n, max_queries) of its needles in turn (4 until stage 12; more answers per sequence
        give more supervision for the same compute). number_dense d: that share of sequences has
        number-dense prose (numberize, 5-30% of its words numerals). paragraph_share p: that share has
        paragraph breaks (paragraphs, 3-30% of sentence ends). Both: conf9, not shipped."""
        self.only = only
        self.max_queries = max_queries
        self.confusable = confusable
        self.number_dense = number_dense
        self.paragraph_share = paragraph_share
        self.mix = mix
        self.needle_bias = needle_bias
        self.needle_counts = list(range(2, 9))
        self.needle_weights = [n ** needle_bias for n in self.needle_counts]
        assert not mix or set(mix) <= set(self.FAMILIES), f"--mix families must be among {self.FAMILIES}"
        self.copy_share = 0.25 if only is None and not mix else 0.0
        self.specs = load_specs()
        self.vocab = Vocab()
        lic = Text("licenses", license_text())
        built = builtin_text(require_real_corpus)
        self.sources = {"builtin": Text("builtin", built) if built else lic, "licenses": lic,
                        "noise": noise_text()}
        if manuals:
            self.sources["manuals"] = Text("manuals", manuals_text())

    def source(self, spec, rng):
        r = rng.random()
        # cumulative shares: noise-haystack specs mostly see noise, the rest mostly prose
        noise_kind = spec["haystack"]["kind"] == "noise"
        if "manuals" in self.sources:
            shares = ((("noise", 0.6), ("builtin", 0.75), ("licenses", 0.85), ("manuals", 1.0)) if noise_kind
                      else (("builtin", 0.4), ("licenses", 0.6), ("manuals", 0.85), ("noise", 1.0)))
        else:   # the single-needle stages (1-2) of the shipped model
            shares = ((("noise", 0.6), ("builtin", 0.8), ("licenses", 1.0)) if noise_kind
                      else (("builtin", 0.5), ("licenses", 0.85), ("noise", 1.0)))
        name = next(n for n, upto in shares if r < upto)
        return self.sources[name]

    def family(self, rng):
        """-> spec name, n_keys, n_queries, values per key."""
        r = rng.random()
        if self.mix:   # map r onto the recipe's branches below, in proportion to the weights
            total, acc = sum(self.mix.values()), 0.0
            name = self.FAMILIES[-1]
            for family, w in self.mix.items():
                acc += w / total
                if r < acc:
                    name = family
                    break
            r = {"niah_single": 0.0, "multi_needle": 0.2, "niah_multiquery": 0.6, "niah_multikey": 0.75,
                 "niah_multivalue": 0.9}[name]
        if self.only == "niah_single" or r < 0.15:
            return "niah_single", 1, 1, 1
        if r < 0.55:
            # uniform keeps randint: the same random stream as the stages trained before the option
            n = (rng.choices(self.needle_counts, self.needle_weights)[0] if self.needle_bias
                 else rng.randint(2, 8))
            return "multi_needle", n, rng.randint(1, min(n, self.max_queries)), 1
        if r < 0.70:
            return "niah_multiquery", 4, 4, 1
        if r < 0.85:
            n = rng.randint(1, 6)
            return "niah_multikey", n, rng.randint(1, min(n, 2)), 1
        return "niah_multivalue", rng.randint(1, 3), 1, rng.randint(2, 4)

    def copy_sequence(self, rng, length):
        """Induction bootstrap: a haystack whose last m bytes repeat an earlier slice of it; the repeat
        (after its first 4 bytes) is scored like an answer. Teaches 'find the earlier context, copy on'."""
        m = max(16, min(128, length // 8))
        hay = self.source(self.specs["niah_single"], rng).window(length - 1 - m, rng)
        s = rng.randrange(0, len(hay) - m)
        toks = [BOS] + list(hay) + list(hay[s:s + m])
        ans = [0] * (len(toks) - m + 4) + [1] * (m - 4)
        # the copied slice plays the needle: it is not filler
        filler = [0] + [0 if s <= i < s + m else 1 for i in range(len(hay))] + [0] * m
        return toks, ans, filler

    def sample(self, rng, length):
        if self.copy_share and rng.random() < self.copy_share:
            return self.copy_sequence(rng, length)
        name, n, q, vpk = self.family(rng)
        spec = self.specs[name]
        text = self.source(spec, rng)
        # drawn only when asked for, so that runs without the option sample the stream they always did
        confusable = bool(self.confusable) and n > 1 and rng.random() < self.confusable
        dense = bool(self.number_dense) and rng.random() < self.number_dense
        digits = rng.uniform(0.05, 0.3) if dense else 0.0
        broken = bool(self.paragraph_share) and rng.random() < self.paragraph_share
        breaks = rng.uniform(0.03, 0.3) if broken else 0.0
        while True:
            ex = build_example(spec, text, self.vocab, rng, length, n, q, vpk, confusable=confusable,
                               digits=digits, breaks=breaks)
            if ex is not None and len(ex["prefix"]) >= 0.35 * length:
                return to_tokens(ex)
            if q > 1:
                q -= 1
            elif n > 1:
                n -= 1
            elif vpk > 1:
                vpk -= 1
            else:   # nothing fits: fall back to the smallest task
                spec, n, q, vpk = self.specs["niah_single"], 1, 1, 1
                text = self.sources["noise"] if rng.random() < 0.3 else self.sources["builtin"]
                n_try = getattr(self, "_fallback", 0)
                self._fallback = n_try + 1
                if n_try > 10000:
                    raise RuntimeError(f"length {length} is too short for any task")
