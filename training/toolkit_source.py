"""train.py's data source for --toolkit-mix: training sequences whose prompts needle-eval builds
(toolkit_data.py), sampled like data.Mixture so that train.get_batch and loss_fn take them unchanged.

Each prompt is exactly `length` tokens, as a needle-eval cell of that length; the answers and later
questions come after it, so a sequence is a little longer than `length` and get_batch pads the batch.
Every call of the binary gets a fresh seed and fresh depths from the training RNG, so the data never
repeats and a resumed run continues its stream."""
import collections
import glob
import os
import re
import shutil
import sys
import tempfile
import weakref
from concurrent.futures import ThreadPoolExecutor

import data as D
import toolkit_data as T

# Evaluation text that no training run may read (make_heldout_haystack.py, make_realtext.py).
HELD_OUT = [os.path.join(os.path.dirname(os.path.realpath(__file__)), "corpus", d) + os.sep
            for d in ("heldout", os.path.join("realtext", "heldout"))]
PARAGRAPH = re.compile(rb"\n[ \t\r\f\v]*\n\s*")   # a blank line: where FileSentences starts a paragraph


def kind(spec):
    """The spec's haystack kind; the toolkit's default is its built-in prose."""
    return (spec.get("haystack") or {}).get("kind", "builtin")


NEEDLE_COUNTS = list(range(2, 9))


def draw_counts(name, rng, max_queries, needle_bias=0.0):
    """(needles, queries, values per key) of one call for the shipped recipe's families, drawn as
    data.Mixture.family draws them (needle_bias p: n needles with weight n**p, as --needle-bias);
    None for other specs, which are used as written."""
    if name == "multi_needle":
        n = (rng.choices(NEEDLE_COUNTS, [k ** needle_bias for k in NEEDLE_COUNTS])[0] if needle_bias
             else rng.randint(2, 8))
        return n, rng.randint(1, min(n, max_queries)), 1
    if name == "niah_multikey":
        n = rng.randint(1, 6)
        return n, rng.randint(1, min(n, 2)), 1
    if name == "niah_multivalue":
        return rng.randint(1, 3), 1, rng.randint(2, 4)
    return None


class FileHaystack:
    """A folder of training text for `files` haystacks. needle-eval reads such a folder from its first
    file on, so every prompt of one length would get the same filler; instead each call gets its own
    folder that starts at a random paragraph of a random file and goes on through the other files in
    random order, as many as the length needs. The toolkit builds the prompt from it as from any folder
    (paragraph breaks, lists and code kept as it keeps them)."""

    def __init__(self, paths):
        # absolute: the per-call folders link to these files
        self.paths = sorted(os.path.abspath(p) for p in paths if os.path.isfile(p) and os.path.getsize(p) > 0)
        assert self.paths, f"no text files in {paths}"
        leaked = [p for p in self.paths if any(os.path.realpath(p).startswith(h) for h in HELD_OUT)]
        if leaked:
            raise ValueError(f"{leaked[0]} is held-out evaluation text; training never reads it "
                             "(use training/corpus/realtext/train)")
        self.sizes = [os.path.getsize(p) for p in self.paths]
        self.starts = {}   # path -> byte offsets where a paragraph starts

    @classmethod
    def from_pattern(cls, pattern):
        """DIR (its *.txt files), a glob pattern such as 'DIR/*.md', or several joined by ','. Each call
        starts in a file drawn uniformly from the list, so a file that two patterns match is drawn twice
        as often: 'DIR/*.txt,DIR/changelogs__*.txt' doubles the changelogs' share."""
        paths = []
        for part in pattern.split(","):
            if os.path.isdir(part):
                part = os.path.join(part, "*.txt")
            matched = sorted(glob.glob(part))
            if not matched:
                raise ValueError(f"--toolkit-haystack: {part!r} matches no file")
            paths += matched
        return cls(paths)

    def paragraph_starts(self, path):
        if path not in self.starts:
            with open(path, "rb") as f:
                self.starts[path] = [0] + [m.end() for m in PARAGRAPH.finditer(f.read())]
        return self.starts[path]

    def folder(self, rng, length, workdir):
        """A new folder under workdir holding at least ~1.5 x length bytes (or every file)."""
        out = tempfile.mkdtemp(prefix="hay-", dir=workdir)
        order = list(range(len(self.paths)))
        rng.shuffle(order)
        first = self.paths[order[0]]
        start = rng.choice(self.paragraph_starts(first))
        with open(first, "rb") as f:
            head = f.read()[start:]
        with open(os.path.join(out, "00000.txt"), "wb") as f:
            f.write(head)
        need, have = 1.5 * length + 4096, len(head)
        for i, j in enumerate(order[1:], 1):
            if have >= need:
                break
            os.symlink(self.paths[j], os.path.join(out, f"{i:05d}.txt"))
            have += self.sizes[j]
        return out


class ToolkitSource:
    """sample(rng, length) -> (tokens, answer mask, filler mask), as data.Mixture.sample.

    mix: {task: weight}, a task being a name in tasks/ or the path of a spec file. haystack: a
    FileHaystack that replaces the built-in prose of that share of calls (haystack_share); noise tasks
    keep their noise. Each refill runs CALLS generate calls (in parallel) of PER_CALL prompts each."""

    CALLS = 8
    PER_CALL = 2   # prompts of one call share their filler text (one seed): keep it small

    def __init__(self, mix, binary=None, haystack=None, haystack_share=0.5, max_queries=4,
                 needle_bias=0.0, confusable=0.0):
        self.binary = T.find_binary(binary)
        self.tasks = {name: T.load_task(name) for name in mix}
        self.own = {name: FileHaystack(glob.glob(os.path.join(h["path"], h.get("glob", "*.txt"))))
                    for name, h in ((n, s["haystack"]) for n, s in self.tasks.items() if kind(s) == "files")}
        self.names, self.weights = list(mix), [mix[n] for n in mix]
        self.haystack, self.haystack_share = haystack, haystack_share
        self.max_queries = max_queries
        self.needle_bias = needle_bias
        # --confusable-keys: that share of city-keyed calls with several needles gets keys the model
        # confuses (neighbours set by keymining.key_neighbours through key_space), as a `list` key pool
        self.confusable, self.neighbours = confusable, None
        self.workdir = tempfile.mkdtemp(prefix="toolkit-data-")
        weakref.finalize(self, shutil.rmtree, self.workdir, True)
        self.pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 2)
        self.buffers = collections.defaultdict(list)
        self.lossy = 0   # rows dropped as toolkit_data.LossyPrompt

    def call_spec(self, name, rng, length):
        """The spec of one call: counts drawn per family, a training-text folder for prose tasks."""
        spec = dict(self.tasks[name])
        counts = draw_counts(name, rng, self.max_queries, self.needle_bias)
        if counts:
            spec["needles"], spec["queries"], spec["values_per_key"] = counts
            n = counts[0]
            # drawn only when asked, so runs without it keep their random stream (resumes reproduce)
            if (self.confusable and self.neighbours and n > 1 and spec["keys"]["kind"] == "cities"
                    and rng.random() < self.confusable):
                keys = D.confusable_keys(self.neighbours, sorted(self.neighbours), n, rng)
                spec["keys"] = {"kind": "list", "items": keys}
        folder = None
        if name in self.own:   # random starts in a spec's own folder too
            folder = self.own[name].folder(rng, length, self.workdir)
        elif kind(spec) == "builtin" and self.haystack and rng.random() < self.haystack_share:
            folder = self.haystack.folder(rng, length, self.workdir)
        if folder:
            spec["haystack"] = {"kind": "files", "path": folder, "glob": "*.txt"}
        return spec, folder

    def key_space(self, rng, n_bytes, count):
        """(multi-needle template, `count` windows of n_bytes of training text, the toolkit's cities):
        what keymining.key_neighbours measures the model's key space on."""
        spec = self.tasks.get("multi_needle") or T.load_task("multi_needle")
        windows = []
        for _ in range(count):
            text = b""
            while len(text) < n_bytes:   # a window of plain text: skip files shorter than that
                path = rng.choice(self.haystack.paths) if self.haystack else None
                if path is None:
                    raise ValueError("--confusable-keys with --toolkit-mix needs --toolkit-haystack")
                with open(path, "rb") as f:
                    data = f.read()
                if len(data) > n_bytes:
                    start = rng.randrange(len(data) - n_bytes)
                    text = data[start:start + n_bytes]
            windows.append(list(text))
        return spec["needle"], windows, T.cities(self.binary)

    def run_call(self, job):
        """One generate call, shrinking the task until the length holds it."""
        spec, folder, length, depths, seed = job
        try:
            while True:
                rows = T.generate(self.binary, spec, length, depths, 1, seed, self.workdir)
                if rows is not None:
                    return spec, rows
                spec = T.shrink(spec)
                if spec is None:
                    raise RuntimeError(f"length {length} is too short for task {job[0]['name']}")
        finally:
            if folder:
                shutil.rmtree(folder, ignore_errors=True)

    def refill(self, rng, length):
        jobs = []
        for _ in range(self.CALLS):   # every draw from rng happens here, in order: reproducible
            name = rng.choices(self.names, self.weights)[0]
            spec, folder = self.call_spec(name, rng, length)
            depths = sorted({rng.randint(0, 100) for _ in range(self.PER_CALL)})
            jobs.append((spec, folder, length, depths, rng.getrandbits(62)))
        seqs = []
        for spec, rows in self.pool.map(self.run_call, jobs):
            for row in rows:
                try:
                    seqs.append(D.to_tokens(T.row_example(row, spec)))
                except T.LossyPrompt:
                    self.lossy += 1
                    if self.lossy in (1, 10, 100) or self.lossy % 1000 == 0:
                        print(f"toolkit_source: {self.lossy} prompts dropped so far: their text is not "
                              "their tokens (the filler ended inside a UTF-8 character)", file=sys.stderr)
        rng.shuffle(seqs)
        self.buffers[length] = seqs

    def sample(self, rng, length):
        while not self.buffers[length]:
            self.refill(rng, length)
        return self.buffers[length].pop()


def eval_examples(cases, seed, heldout_dir, binary=None):
    """evaluate.TrainEval's cells ([(label, task, length, needles, queries, values per key, count)])
    with prompts from the toolkit: prose tasks on a files haystack over the held-out folder, read from
    its start as `needle-eval run` reads it, noise tasks on noise; depths 0..100 evenly as TrainEval.
    -> [(label, example, max_new_tokens)] for TrainEval(cases=...)."""
    assert glob.glob(os.path.join(heldout_dir, "*.txt")), \
        f"no held-out text in {heldout_dir}: run training/make_heldout_haystack.py first"
    binary = T.find_binary(binary)
    out = []
    with tempfile.TemporaryDirectory(prefix="toolkit-eval-") as workdir:
        for label, name, length, n, q, vpk, count in cases:
            spec = dict(T.load_task(name), needles=n, queries=q, values_per_key=vpk)
            if kind(spec) != "noise":
                spec["haystack"] = {"kind": "files", "path": os.path.abspath(heldout_dir), "glob": "*.txt"}
            depths = [round(100 * i / max(1, count - 1)) for i in range(count)]
            rows = T.generate(binary, spec, length, depths, 1, seed, workdir)
            assert rows, f"{label}: needle-eval generate gave no prompts"
            for r in sorted(rows, key=lambda r: r["depth"]):
                try:
                    out.append((label, T.row_example(r, spec), spec.get("max_new_tokens", 16)))
                except T.LossyPrompt:   # held-out text is not all ASCII: such a cell is left out
                    print(f"toolkit_source: {label} depth {r['depth']} left out (lossy prompt text)", file=sys.stderr)
    return out
