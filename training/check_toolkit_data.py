"""Checks that the training sequences built from `needle-eval generate` (toolkit_data.py,
toolkit_source.py) are the prompts the toolkit evaluates, laid out as its runtime answers them.
It needs the release binary (swift build -c release), runs in about ten seconds and fails (exit 1)
when the Swift prompt layout and the Python side drift apart.
Usage: python3 training/check_toolkit_data.py [--needle-eval PATH]"""
import argparse
import os
import random
import sys
import tempfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data as D                      # noqa: E402
import evaluate as E                  # noqa: E402
import toolkit_data as T              # noqa: E402
import toolkit_source as S            # noqa: E402
import train                          # noqa: E402
from modeldir import parse_length     # noqa: E402
from yoco.infer import Session        # noqa: E402

failed = []
PROSE = ("Setup notes.\n\nInstall the package first. Then run the tests:\n\n- build the binary\n"
         "- run the checks. Done.\n\ndef main():\n    return 0\n\nThe end of a paragraph. ")


def report(name, problems):
    print(f"{'OK  ' if not problems else 'FAIL'} {name}" + ("" if not problems else f": {problems[0]}"
          + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")))
    if problems:
        failed.append(name)


class TeacherSession:
    """Stands in for yoco.infer.Session inside evaluate.run_trial: it predicts the training sequence's
    next token and records what the PyTorch mirror of the runtime puts in the context, so a correct
    answer replays the sequence exactly when the layouts agree."""

    generate = Session.generate

    def __init__(self, seq):
        self.seq, self.fed = seq, []

    def prefill(self, ids):
        self.fed += [int(i) for i in ids]

    def logits(self):
        out = torch.zeros(264)
        pos = len(self.fed)
        out[self.seq[pos] if pos < len(self.seq) else D.EOS] = 1.0
        return out

    def extend(self, ids):
        self.prefill(ids)
        return self.logits()


def replay(ex, toks, max_new):
    """evaluate.run_trial (each question in turn, as the Swift Evaluator asks) with a teacher model."""
    teacher = TeacherSession(toks)
    real, E.Session = E.Session, lambda model, capacity, chunk: teacher
    try:
        outs = E.run_trial(None, ex, max_new)
    finally:
        E.Session = real
    return outs, teacher.fed


def row_problems(row, spec):
    """Everything a row's training sequence must satisfy; [] when it does."""
    p = []
    ex = T.row_example(row, spec)
    toks, ans, filler = D.to_tokens(ex)
    n_prompt, stop = row["prompt_tokens"], spec.get("stop") or ""
    prompt = [D.BOS] + list(row["prompt"].encode())
    if n_prompt != row["length"] or toks[:n_prompt] != prompt:
        p.append(f"prompt part is not BOS + utf8(prompt) of {row['length']} tokens")
    if any(ans[:n_prompt]):
        p.append("answer mask inside the prompt")
    needles = {n["token_offset"]: n for n in row["needles"]}
    first = needles.get(row["needle_token_offset"])
    if not first or first["key"] != row["keys"][0] or first["value"] not in row["expected_per_question"][0]:
        p.append("needle_token_offset is not a needle of the first question's key")
    needle_bytes, hay = 0, bytearray(toks[1:n_prompt - len(row["questions"][0].encode())])
    for at, n in needles.items():
        text = list(T.fill(spec["needle"], n["key"], n["value"]).encode())
        needle_bytes += len(text)
        hay[at - 1:at - 1 + len(text)] = b"\0" * len(text)   # the haystack without its needles
        if toks[at:at + len(text)] != text or any(filler[at:at + len(text)]):
            p.append(f"needle at {at} is not its text, or counted as filler")
    questions = [list(q.encode()) for q in row["questions"]]
    if len(questions) != spec.get("queries", 1):
        p.append(f"{len(questions)} questions, the task asks {spec.get('queries', 1)}")
    pos = n_prompt
    for i, (q, expected) in enumerate(zip(questions, row["expected_per_question"])):
        if i:   # later questions follow the previous answer
            if toks[pos:pos + len(q)] != q or any(ans[pos:pos + len(q)]):
                p.append(f"question {i + 1} does not follow answer {i}")
            pos += len(q)
        end = pos
        while end < len(ans) and ans[end]:
            end += 1
        text = bytes(t for t in toks[pos:end] if t < 256).decode()
        if text != ", ".join(expected) + stop or not all(v in text for v in expected):
            p.append(f"answer {i + 1} is {text!r}, expected {expected} + {stop!r}")
        if E.score(text, expected, stop)[0] != 1 or end - pos > spec.get("max_new_tokens", 16):
            p.append(f"answer {i + 1} is not scored right or exceeds max_new_tokens")
        pos = end
    if pos != len(toks):
        p.append("tokens after the last answer")
    region = n_prompt - 1 - len(spec.get("preamble", "").encode()) - len(questions[0])
    if sum(filler) != region - needle_bytes or filler[0]:
        p.append(f"filler mask counts {sum(filler)} tokens, the haystack has {region - needle_bytes}")
    if any(v.encode() in hay for e in row["expected_per_question"] for v in e):
        p.append("an expected value occurs in the haystack")
    outs, fed = replay(ex, toks, spec.get("max_new_tokens", 16))
    if [o for o, _ in outs] != [", ".join(e) + stop for e in row["expected_per_question"]] or fed != toks:
        p.append("evaluate.run_trial with a perfect model does not replay the training sequence")
    return p


def cases(folder):
    """(label, spec, lengths, depths, trials): every task in tasks/, the recipe's crowded variants, and a
    files haystack of text with paragraphs, a list and code."""
    tasks = sorted(f[:-5] for f in os.listdir(os.path.join(T.ROOT, "tasks")) if f.endswith(".json"))
    out = [(name, T.load_task(name), "1K,2K", "0,37,100", 2) for name in tasks]
    out.append(("multi_needle, 8 needles, 8 questions", dict(T.load_task("multi_needle"), needles=8, queries=8),
                "2K", "0,50,100", 2))
    out.append(("niah_multikey, 6 needles, 2 questions", dict(T.load_task("niah_multikey"), needles=6, queries=2),
                "2K", "0,50,100", 2))
    out.append(("niah_multivalue, 3 keys, 4 values each", dict(T.load_task("niah_multivalue"), needles=3,
                                                                values_per_key=4), "2K", "0,50,100", 2))
    files = dict(T.load_task("niah_multiquery"), haystack={"kind": "files", "path": folder, "glob": "*"})
    out.append(("niah_multiquery on a files haystack (paragraphs, list, code)", files, "1K,4K",
                ",".join(str(d) for d in range(0, 101, 5)), 3))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--needle-eval", default=None, help="binary (default $NEEDLE_EVAL, else .build/release)")
    args = ap.parse_args()
    binary = T.find_binary(args.needle_eval)
    with tempfile.TemporaryDirectory() as tmp:
        folder = os.path.join(tmp, "text")
        os.makedirs(folder)
        with open(os.path.join(folder, "notes.txt"), "w") as f:
            f.write(PROSE * 40)
        for name in ("data.py", "train.py"):   # code: the files haystack flattens single newlines
            os.symlink(os.path.join(HERE, name), os.path.join(folder, name))
        after_newline = 0
        for label, spec, lengths, depths, trials in cases(folder):
            problems, n = [], 0
            for length in lengths.split(","):
                rows = T.generate(binary, spec, parse_length(length), depths.split(","), trials, 11, tmp)
                for row in rows:
                    n += 1
                    try:
                        problems += row_problems(row, spec)
                    except (T.DriftError, T.LossyPrompt, ValueError) as e:
                        problems.append(f"{type(e).__name__}: {e}")
                    if spec["haystack"]["kind"] == "files":
                        text = [D.BOS] + list(row["prompt"].encode())
                        after_newline += sum(text[m["token_offset"] - 1] == 10 for m in row["needles"])
            report(f"{label}: {n} prompts, layout/needles/answers/filler/replay", problems)
        report(f"files haystack: {after_newline} needles start a line (conf8's blind spot)",
               [] if after_newline >= 5 else ["fewer than 5"])
        check_lossy(binary, tmp)
    check_source()
    sys.exit(1 if failed else 0)


def check_lossy(binary, tmp):
    """A haystack of non-ASCII text: a prompt whose filler ends inside a character cannot be rebuilt from
    its JSON text; row_example must say so (LossyPrompt), never return a wrong sequence."""
    folder = os.path.join(tmp, "accents")
    os.makedirs(folder)
    with open(os.path.join(folder, "a.txt"), "w", encoding="utf-8") as f:
        f.write("Un café près de la gare. Über die Straße gehen. Naïve résumé. " * 200)
    spec = dict(T.load_task("niah_single"), haystack={"kind": "files", "path": folder})
    lossy, bad = 0, []
    for length in range(300, 340):
        for row in T.generate(binary, spec, length, [0, 50, 100], 1, 3, tmp):
            try:
                bad += row_problems(row, spec)
            except T.LossyPrompt:
                lossy += 1
            except (T.DriftError, ValueError) as e:
                bad.append(f"{type(e).__name__}: {e}")
    report(f"non-ASCII haystack: {lossy} of 120 prompts refused as lossy, the rest exact", bad if lossy else
           ["no lossy prompt: generate writes exact text now; drop LossyPrompt"] + bad)


def check_source():
    """toolkit_source: sequences never repeat, train.get_batch pads them, loss_fn skips the padding."""
    src = S.ToolkitSource({"multi_needle": 0.5, "niah_multiquery": 0.3, "niah_multivalue": 0.2})
    rng = random.Random(5)
    try:   # training stops on DriftError; here it is a failed check
        seqs = [tuple(src.sample(rng, 512)[0]) for _ in range(48)]
        toks, ans, _ = train.get_batch(src, rng, 512, 8, torch.device("cpu"))
    except (T.DriftError, ValueError) as e:
        return report("toolkit_source: sequences for train.py", [f"{type(e).__name__}: {e}"])
    pad = toks == D.PAD
    tail_only = all(bool(row[row.nonzero()[0]:].all()) if row.any() else True for row in pad)
    p = [] if len(set(seqs)) == len(seqs) else ["repeated sequences"]
    if not (tail_only and not ans[pad].any() and toks.shape[1] > 512 and (toks[:, 0] == D.BOS).all()):
        p.append("batch padding is not PAD at the end with no answer mask")
    from yoco import Config, build
    model = build(Config(dim=32, n_layers=2, hidden_dim=64, n_self_heads=2, n_attn_heads=2, n_attn_kv_heads=1,
                         vocab_size=264, sliding_window=16).validate())
    i = int(pad.sum(1).argmax())   # the most padded row: its loss must not change when cut to its length
    n = int((~pad[i]).sum())
    with torch.no_grad():
        _, _, lm = train.loss_fn(model, toks, ans, 0.05)
        _, _, lm_cut = train.loss_fn(model, toks[i:i + 1, :n], ans[i:i + 1, :n], 0.05)
        _, _, lm_pad = train.loss_fn(model, toks[i:i + 1], ans[i:i + 1], 0.05)
    if not torch.isfinite(lm) or not pad[i].any() or abs(lm_cut - lm_pad) > 1e-5:
        p.append("loss_fn counts PAD targets")
    report(f"toolkit_source: 48 distinct sequences, padded batch {tuple(toks.shape)}, PAD skipped by the loss", p)


if __name__ == "__main__":
    main()
