"""Self-checks of the PyTorch reference (no pytest; CI does not run Python).
Usage: python3 training/check_reference.py   -> prints OK, maxdiff = ... per check; exits 1 on failure."""
import math
import os
import random
import sys

import torch
import torch.nn.functional as F
from safetensors.torch import load_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from yoco import Config, build, init_weights        # noqa: E402
from yoco.infer import Session                      # noqa: E402
from yoco.layers import causal_attention, sliding_window_attention    # noqa: E402
import data                                         # noqa: E402
from grow_model import grow                         # noqa: E402

FIXTURES = os.path.join(os.path.dirname(HERE), "Tests", "YOCORuntimeTests", "Fixtures")
failed = []


def report(name, diff, tol=1e-9):
    ok = diff <= tol
    print(f"{'OK  ' if ok else 'FAIL'} {name}, maxdiff = {diff:.3e}")
    if not ok:
        failed.append(name)


def small(**over):
    base = dict(dim=32, n_layers=4, hidden_dim=64, n_self_heads=4, n_attn_heads=4, n_attn_kv_heads=2,
                vocab_size=264, rope_theta=1e4, sliding_window=16, cross_attention_rope=True)
    return Config.from_dict({**base, **over})


def check_swa_blocks():
    q, k, v = (torch.randn(2, 3, 70, 8, dtype=torch.float64) for _ in range(3))
    i, j = torch.arange(70)[:, None], torch.arange(70)[None, :]
    ref = F.scaled_dot_product_attention(q, k, v, attn_mask=(j <= i) & (j > i - 16))
    report("blocked SWA == masked full attention", (sliding_window_attention(q, k, v, 16, 0) - ref).abs().max())


def check_gret_forms():
    m = init_weights(build(small(sliding_window=None)), std=0.1).double()
    mix = m.self_decoder.layers[0].mixer
    x = torch.randn(2, 300, 32, dtype=torch.float64)
    a, sa = mix(x)
    b, sb = mix(x, recurrent=True)
    report("gRet chunkwise == recurrent (outputs)", (a - b).abs().max())
    report("gRet chunkwise == recurrent (state)", (sa - sb).abs().max())


def check_chunked_inference():
    torch.manual_seed(0)
    ids = torch.randint(0, 256, (1, 333))
    for over in (dict(), dict(cross_attention_rope=False), dict(sliding_window=None)):
        m = init_weights(build(small(**over)), std=0.1, norm_jitter=0.1).double()
        full = m(ids)[0]
        s = Session(m, capacity=400, chunk=64)
        s.prefill(ids[0, :300])
        last = s.logits()
        for t in ids[0, 300:]:
            last = s.extend([int(t)])
        mid = Session(m, capacity=400, chunk=100)
        report(f"chunked early-exit == full forward, last token {over}", (last - full[-1]).abs().max())
        report(f"chunked prefill at position 299 {over}", (mid.extend(ids[0, :300]) - full[299]).abs().max())


def check_dilution():
    """train.py --dilute: +ln r on a key's logit == that key (and value) repeated r times."""
    q = torch.randn(2, 4, 1, 8, dtype=torch.float64)
    k, v = (torch.randn(2, 2, 9, 8, dtype=torch.float64) for _ in range(2))
    bias = torch.zeros(2, 9, dtype=torch.float64)
    bias[:, 3] = math.log(5.0)
    rep = torch.tensor([0, 1, 2] + [3] * 5 + [4, 5, 6, 7, 8])
    biased = causal_attention(q, k, v, q_start=8, key_bias=bias)
    repeated = causal_attention(q, k[:, :, rep], v[:, :, rep], q_start=12)
    report("key bias ln 5 == key repeated 5 times", (biased - repeated).abs().max())
    # the filler mask spares BOS, every needle byte and the question/answer tail
    mix = data.Mixture(mix={"multi_needle": 1.0}, require_real_corpus=False)
    toks, ans, filler = mix.sample(random.Random(7), 1024)
    text = bytes(t if t < 256 else 0 for t in toks)
    hits = [i for i in range(len(text)) if text.startswith(b"The special magic", i)]
    wrong = filler[0] + sum(filler[i] for i in hits) + sum(f for f, a in zip(filler, ans) if a)
    report(f"filler mask spares BOS, {len(hits)} needle/answer phrases, answers",
           wrong if len(hits) >= 2 and sum(filler) > 500 else 1, tol=0)


def check_number_dense():
    """--number-dense: numberize keeps the length and every non-letter byte, turns about `share` of the
    words into numerals; a number-dense sequence's values still never occur in its haystack."""
    hay = data.license_text()[:20000]
    dense = data.numberize(hay, random.Random(5), 0.3)
    words = data.WORD.findall(hay)
    kept = len(dense) == len(hay) and all(a == b for a, b in zip(hay, dense) if not chr(a).isalpha())
    share = 1 - len(data.WORD.findall(dense)) / len(words)
    mix = data.Mixture(mix={"multi_needle": 1.0}, require_real_corpus=False)   # specs, vocab, sources
    rng, clean = random.Random(11), True
    for _ in range(20):
        ex = data.build_example(mix.specs["multi_needle"], mix.sources["licenses"], mix.vocab, rng, 2048, 6, 2,
                                digits=0.3)
        hay = bytearray(ex["prefix"][1:])
        for a, b in ex["needle_spans"]:   # the haystack without its needles
            hay[a:b] = b"|" * (b - a)
        clean &= all(v.encode() not in hay for vs in ex["expected"] for v in vs)
    report(f"numberize keeps length and non-letters, {share:.2f} of words numerals; values not in haystack",
           0 if kept and 0.2 < share < 0.4 and clean else 1, tol=0)


def check_paragraphs():
    """--paragraphs: only spaces become newlines, about `share` of those after a '.'; needles are placed
    after newlines too, and each needle still starts a sentence."""
    hay = data.license_text()[:200000]   # 1,250 sentence ends
    broken = data.paragraphs(hay, random.Random(5), 0.3)
    kept = len(broken) == len(hay) and all(a == b or (a, b) == (32, 10) for a, b in zip(hay, broken))
    share = broken.count(b".\n") / hay.count(b". ")
    mix = data.Mixture(mix={"multi_needle": 1.0}, require_real_corpus=False)
    rng, after_newline, starts = random.Random(13), 0, True
    for _ in range(40):
        ex = data.build_example(mix.specs["multi_needle"], mix.sources["licenses"], mix.vocab, rng, 2048, 6, 2,
                                breaks=0.3)
        text = bytes(ex["prefix"][1:])
        for a, _ in ex["needle_spans"]:
            after_newline += a > 0 and text[a - 1] == 10
            starts &= a == 0 or text[a - 1] == 10 or text[a - 2:a] == b". "
    report(f"paragraphs: spaces to newlines only, {share:.2f} of sentence ends; {after_newline} needles "
           "after a newline, every needle at a sentence start", 0 if kept and 0.2 < share < 0.4 and
           after_newline > 10 and starts else 1, tol=0)


def check_key_weights():
    """--mine-keys: weighted key draws stay distinct and favour the weighted key."""
    vocab = data.Vocab()
    vocab.weights = {vocab.cities[0]: 21.0}
    spec = {"keys": {"kind": "cities"}}
    rng = random.Random(3)
    draws = [vocab.keys(spec, 8, rng) for _ in range(300)]
    share = sum(vocab.cities[0] in d for d in draws) / len(draws)
    distinct = all(len(set(d)) == 8 for d in draws)
    report(f"weighted key draws distinct, weighted key in {share:.2f} of 8-key draws",
           0 if distinct and share > 0.7 else 1, tol=0)


def check_confusable_keys():
    """--confusable-keys: distinct keys, drawn among the anchor's nearest neighbours."""
    vocab = data.Vocab()
    order = vocab.cities
    vocab.neighbours = {c: [o for o in order[i + 1:] + order[:i]] for i, c in enumerate(order)}
    rng = random.Random(4)
    draws = [vocab.keys({"keys": {"kind": "cities"}}, 4, rng, confusable=True) for _ in range(200)]
    near = all(d[0] != c and c in vocab.neighbours[d[0]][:8] for d in draws for c in d[1:])
    distinct = all(len(set(d)) == 4 for d in draws)
    report("confusable key draws distinct, among the anchor's 2n nearest", 0 if near and distinct else 1, tol=0)


def check_grow():
    """grow_model.py: more kv heads and appended layers leave the logits unchanged."""
    ids = torch.randint(0, 256, (2, 90), generator=torch.Generator().manual_seed(5))
    for over in (dict(), dict(cross_attention_rope=False), dict(sliding_window=None)):
        m = init_weights(build(small(**over)), std=0.1, norm_jitter=0.1).double().eval()
        g = grow(m, kv_heads=4, n_layers=8, seed=1).double()
        report(f"grown (kv heads 2->4, layers 4->8) == original {over}", (m(ids) - g(ids)).abs().max())


def check_fixtures():
    if not os.path.isdir(FIXTURES):
        return
    for case in sorted(os.listdir(FIXTURES)):
        d = os.path.join(FIXTURES, case)
        if not os.path.exists(os.path.join(d, "expected.safetensors")):
            continue
        cfg = Config.load(os.path.join(d, "config.json"))
        m = build(cfg).double()
        m.load_state_dict({k: v.double() for k, v in load_file(os.path.join(d, "model.safetensors")).items()})
        exp = load_file(os.path.join(d, "expected.safetensors"))
        with torch.no_grad():
            logits = m(exp["tokens"].long()[None])[0].float()
        report(f"fixture {case} reproduces", (logits - exp["logits"]).abs().max(), tol=1e-6)


if __name__ == "__main__":
    with torch.no_grad():
        check_swa_blocks()
        check_gret_forms()
        check_chunked_inference()
        check_dilution()
        check_key_weights()
        check_confusable_keys()
        check_number_dense()
        check_paragraphs()
        check_grow()
    check_fixtures()
    sys.exit(1 if failed else 0)
