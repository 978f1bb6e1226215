"""Hard-key mining (train.py --mine-keys): find the city keys the model fails on and draw them more.

Why: a run can leave one key dead while every other key is learned. The shipped multi4 model and
its dilute1 successor answered a fixed `7222313.` for every needle keyed "Copenhagen" (answer
cross-entropy 2.0, i.e. guessing digits, against < 0.05 for the 99 other cities), so each of its
misses on the single-needle grid was that key. Drawn 1 time in 100, a dead key is a small share of
the loss and stays dead; drawn more often, it is learned like the others.

Also (--confusable-keys): which cities the model confuses with which, measured in its key space."""
import copy
import random

import torch
import torch.nn.functional as F

import data as D

DEAD = 0.05   # answer cross-entropy (nats per byte) above which a key counts as not learned


def key_losses(model, mix, device, length=512, per_key=4, seed=2468):
    """-> {city: mean answer cross-entropy} over per_key single-needle sequences per city key.
    Fixed seed, so the numbers of two checkpoints compare."""
    spec = mix.specs["niah_single"]
    one = copy.copy(mix.vocab)   # the same words and values; one city at a time, unweighted
    one.weights = None
    out = {}
    was_training = model.training
    model.eval()
    for city in mix.vocab.cities:
        one.cities = [city]
        rng = random.Random(seed)
        seqs = []
        while len(seqs) < per_key:
            ex = D.build_example(spec, mix.source(spec, rng), one, rng, length, 1, 1)
            if ex is not None:
                seqs.append(D.to_tokens(ex)[:2])
        toks = torch.tensor([t for t, _ in seqs], device=device)
        ans = torch.tensor([a for _, a in seqs], device=device, dtype=torch.bool)
        with torch.no_grad():
            logits = model(toks[:, :-1])
        ce = F.cross_entropy(logits.flatten(0, 1).float(), toks[:, 1:].flatten(), reduction="none")
        out[city] = ce[ans[:, 1:].flatten()].mean().item()
    model.train(was_training)
    return out


def key_weights(losses, boost=10.0):
    """Sampling weight per city: 1 + boost * min(CE, 2). A dead key (CE ≈ 2, digit guessing) gets 21
    times a learned key's weight: about 1 draw in 6 of single needles, not all of them."""
    return {city: 1.0 + boost * min(ce, 2.0) for city, ce in losses.items()}


def dead_keys(losses):
    return sorted((c, round(l, 2)) for c, l in losses.items() if l > DEAD)


VALUES = ("4831592", "7205316", "1967043")   # fixed values: only the key differs between cities


def key_neighbours(model, mix, device, seed=1357):
    """-> {city: the other cities, nearest first} by the cosine of their global keys (the shared K of
    the cross-decoder) at the value digits of a needle, averaged over three fixed contexts.

    Why: on 8-needle prompts nearly every wrong digit of the stage-9 model (wide1) is the digit at the
    same index of another needle's value, i.e. the query matched the wrong needle's keys; the pairs it
    confused (Boston/Atlanta, Delhi/Kabul, Seattle/Melbourne) were among each other's nearest
    neighbours here, while spelling alike (length, first or last letters) predicted them poorly.

    mix: data.Mixture, or toolkit_source.ToolkitSource (its multi-needle spec, the toolkit's city list
    and windows of its training text)."""
    rng = random.Random(seed)
    if hasattr(mix, "key_space"):
        needle, hays, cities = mix.key_space(rng, 300, len(VALUES))
    else:
        needle = mix.specs["multi_needle"]["needle"]
        hays = [mix.sources["builtin"].window(300, rng) for _ in VALUES]
        cities = mix.vocab.cities
    head, tail = needle.split("{value}")
    was_training = model.training
    model.eval()
    rows = []
    for city in cities:
        keys = []
        for hay, value in zip(hays, VALUES):
            before = [D.BOS] + list(hay) + list(head.format(key=city).encode())
            toks = torch.tensor([before + list((value + tail).encode())], device=device)
            with torch.no_grad():
                X, _ = model.self_decoder(model.embed(toks))
                K, _ = model.cross_decoder.global_kv(X, 0)
            keys.append(K[0, :, len(before):len(before) + len(value)].flatten())
        rows.append(F.normalize(torch.stack(keys).mean(0), dim=0))
    model.train(was_training)
    sim = torch.stack(rows)
    sim = sim @ sim.T
    return {c: [cities[j] for j in sim[i].argsort(descending=True).tolist() if j != i] for i, c in enumerate(cities)}


def describe_neighbours(neighbours, n=6):
    """A log line: a few cities and their nearest neighbours."""
    return "; ".join(f"{c}: {', '.join(neighbours[c][:3])}" for c in list(neighbours)[:n])


if __name__ == "__main__":   # python3 training/keymining.py MODEL_DIR: list the keys a model has not learned
    import sys
    from modeldir import load_model
    model_dir = sys.argv[1]
    model, _ = load_model(model_dir)   # a model directory or a train.py checkpoint
    losses = key_losses(model, D.Mixture(mix={"niah_single": 1.0}, manuals=True), torch.device("cpu"))
    print(f"{model_dir}: {len(dead_keys(losses))} of {len(losses)} keys not learned (answer CE > {DEAD}): "
          f"{dead_keys(losses)}; highest CE {max(losses.values()):.4f} ({max(losses, key=losses.get)})")
