"""Training examples from needle-eval itself: `needle-eval generate` builds every prompt, this module
only turns each JSONL row into the token sequence the Swift runtime sees when it answers correctly.

Why: data.py rebuilds the prompts in Python, and the two drifted (its haystacks never had a newline,
needle-eval's `files` haystacks keep paragraph breaks, so the shipped model cannot read a needle that
starts a line). Here nothing of the prompt is re-implemented: the haystack, needle placement, keys,
values and questions all come from the binary, and what is derived here (answers, later questions,
masks) is checked against the row's own numbers, so a change on the Swift side fails loudly
(DriftError) instead of training on a different layout. training/check_toolkit_data.py checks more.

The sequence of one row, byte tokens as the runtime's tokenizer gives them:
  BOS(256) · utf8(prompt) [= prompt_tokens tokens, ending with questions[0]] · answer 1 ·
  questions[1] · answer 2 · ...
where answer i is expected_per_question[i] joined by ", " followed by the task's stop string (EOS for a
task without one): what data.py trains, what evaluate.score and the Swift Scorer accept, and what the
Swift Evaluator keeps in the context before it asks the next question."""
import json
import os
import subprocess
import tempfile

import data as D

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BINARY = os.path.join(ROOT, ".build", "release", "needle-eval")


class DriftError(AssertionError):
    """A generate row that does not fit the layout above: the Swift side changed, so must this module."""


class LossyPrompt(ValueError):
    """The row's prompt text is not its tokens: the filler ended inside a multi-byte character, and the
    JSON text (decoded tokens) has U+FFFD there. Not drift; such rows cannot be rebuilt exactly and are
    dropped (generate would need to write the token ids to avoid it)."""


def find_binary(path=None):
    """--needle-eval flag, else $NEEDLE_EVAL, else the release build of this checkout."""
    path = path or os.environ.get("NEEDLE_EVAL") or DEFAULT_BINARY
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise FileNotFoundError(f"needle-eval binary {path} not found: run `swift build -c release` in {ROOT}, "
                                "or give its path with --needle-eval or $NEEDLE_EVAL")
    return path


def cities(binary):
    """The toolkit's built-in city keys (`kind: cities`), as `needle-eval corpus` writes them."""
    with tempfile.TemporaryDirectory(prefix="toolkit-corpus-") as out:
        r = subprocess.run([binary, "corpus", "--out", out, "--bytes", "1024"], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"{binary} corpus failed ({r.returncode}): {r.stderr.strip()}")
        with open(os.path.join(out, "cities.txt"), encoding="utf-8") as f:
            return [line.strip() for line in f if line.strip()]


def load_task(name):
    """A task spec as a dict: NAME (tasks/NAME.json) or the path of a spec file. A files haystack's
    relative path is made absolute here, because the spec is rewritten into a temporary folder."""
    path = name if os.path.exists(name) else os.path.join(ROOT, "tasks", name + ".json")
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    h = spec.get("haystack") or {}
    if h.get("kind") == "files" and not os.path.isabs(h["path"]):
        folder = os.path.dirname(os.path.abspath(path))
        spec["haystack"] = dict(h, path=os.path.normpath(os.path.join(folder, h["path"])))
    return spec


def fill(template, key, value=None):
    """PromptBuilder.fill: plain replacement of {key}, then {value} (str.format would choke on braces)."""
    text = template.replace("{key}", key)
    return text if value is None else text.replace("{value}", value)


def answer_tokens(expected, stop):
    """The answer a correct run generates: the values in haystack order joined by ", ", then the stop
    string, which the runtime keeps in the context before the next question (EOS without a stop)."""
    body = list(", ".join(expected).encode())
    return body + (list(stop.encode()) if stop else [D.EOS])


def generate(binary, spec, length, depths, trials, seed, workdir):
    """Runs `needle-eval generate` on `spec` (a dict, written into workdir) -> its JSONL rows, or None
    when `length` cannot hold the task (the toolkit's "too short" error; the caller shrinks the task)."""
    fd, spec_path = tempfile.mkstemp(suffix=".json", dir=workdir)
    out = spec_path[:-len(".json")] + ".jsonl"
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(spec, f)
    cmd = [binary, "generate", "--task", spec_path, "--lengths", str(length),
           "--depths", ",".join(str(d) for d in depths), "--trials", str(trials), "--seed", str(seed),
           "--out", out]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            if "too short" in r.stderr:
                return None
            raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()}")
        with open(out, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    finally:
        for path in (spec_path, out):
            if os.path.exists(path):
                os.remove(path)


def row_example(row, spec):
    """One generate row -> an example in data.build_example's shape (prefix with BOS, qa, expected,
    stop, needle_spans), so that data.to_tokens makes its training tokens and evaluate.run_trial can
    answer it. Raises DriftError when the row contradicts itself under the layout above, LossyPrompt
    when its text is not its tokens."""
    text = row["prompt"]
    prompt = text.encode()
    if 1 + len(prompt) != row["prompt_tokens"]:
        if "\ufffd" in text:
            raise LossyPrompt(f"prompt of {row['prompt_tokens']} tokens decodes to {1 + len(prompt)} with U+FFFD")
        raise DriftError(f"BOS + utf8(prompt) is {1 + len(prompt)} tokens, the row says {row['prompt_tokens']}")
    questions = [q.encode() for q in row["questions"]]
    if not prompt.endswith(questions[0]):
        raise DriftError("the prompt does not end with the first question")
    if len(questions) != len(row["expected_per_question"]):
        raise DriftError("questions and expected_per_question differ in length")
    stop = spec.get("stop")
    if not stop and len(questions) > 1:   # the runtime drops EOS from the context; one sequence cannot
        raise ValueError(f"task {spec['name']}: several questions need a stop string to train on")
    tokens = [D.BOS] + list(prompt)
    preamble = len(spec.get("preamble", "").encode())
    spans = [(0, preamble)] if preamble else []   # to_tokens counts neither needles nor preamble as filler
    for n in row["needles"]:
        needle = fill(spec["needle"], n["key"], n["value"]).encode()
        at = n["token_offset"]
        if tokens[at:at + len(needle)] != list(needle):
            raise DriftError(f"needle {needle!r} is not at token offset {at}")
        spans.append((at - 1, at - 1 + len(needle)))   # haystack offsets, which start after BOS
    answers = [answer_tokens(e, stop) for e in row["expected_per_question"]]
    return dict(prefix=tokens[:len(tokens) - len(questions[0])], qa=list(zip(questions, answers)),
                expected=row["expected_per_question"], keys=row["keys"], stop=(stop or "").encode(),
                needle_spans=sorted(spans))


def shrink(spec):
    """The next smaller task when a length cannot hold it (data.Mixture.sample's order): fewer
    questions, then fewer needles, then fewer values per key; None when nothing is left to drop."""
    s = dict(spec)
    q, n, v = s.get("queries", 1), s.get("needles", 1), s.get("values_per_key", 1)
    if q > 1:
        s["queries"] = q - 1
    elif n > 1:
        s["needles"] = n - 1
    elif v > 1:
        s["values_per_key"] = v - 1
    else:
        return None
    return s
