"""Real-text haystacks from files on this machine: a held-out set for evaluation (never trained on)
and a disjoint training set, both kept as written (line breaks, blank lines, indentation, tabs).

Held out (training/corpus/realtext/heldout/NAME/*.txt), one haystack per kind of text:
  prose       README files (plain, line-wrapped) of the held-out Debian packages
  lists       NEWS files (bulleted and numbered entries) of the held-out packages
  markdown    Node.js API reference, /usr/share/doc/nodejs/api/*.md
  code        Linux kernel UAPI headers, /usr/include/linux/**/*.h (tabs, indentation, macros)
  changelogs  changelog.Debian of the held-out packages (dates, versions, bullets)
  logs        dpkg and apt logs in /var/log (a timestamp and package versions on every line)
  german      German manual pages, /usr/share/man/de, rendered to text by groff
The held-out packages are those whose name's CRC-32 is divisible by 4.

Training (training/corpus/realtext/train/*.txt): the same kinds from everything else — README, NEWS,
changelogs and copyright files of the other packages, the other Markdown on the machine, glibc and
architecture headers, Python code in dist-packages, manual pages in other languages than German and
English, GNU info manuals. A training file whose text equals a held-out file's is left out
(and the script checks the two sets share no text). A manifest.json lists every source of both sets.

Usage: python3 training/make_realtext.py [--out DIR] [--max-train-mb 64]"""
import argparse
import glob
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = "/usr/share/doc"


def heldout_package(name):
    return zlib.crc32(name.encode()) % 4 == 0


def read_text(path):
    """The file's text (gunzipped), or None when it is not UTF-8 text."""
    try:
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as f:
            data = f.read()
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError, EOFError):
        return None
    if "\x00" in text or not text.strip():
        return None
    return text


def render_man(path):
    """A manual page as plain text (no bold/underline overstrikes), or None."""
    try:
        src = subprocess.run(["zcat", "-f", path], capture_output=True, check=True, timeout=30).stdout
        out = subprocess.run(["groff", "-Tutf8", "-mandoc", "-P-cbou"], input=src, capture_output=True,
                             timeout=60, env={**os.environ, "GROFF_NO_SGR": "1"}).stdout
        text = out.decode("utf-8")
    except (subprocess.SubprocessError, UnicodeDecodeError):
        return None
    return text if text.strip() else None


def find(top, suffix):
    """Files under top ending with suffix, in sorted order; symbolic links are not followed (a glob
    with ** follows them, and /usr/bin/X11 -> . never ends)."""
    out = []
    for d, dirs, files in os.walk(top):
        out += [os.path.join(d, f) for f in files if f.endswith(suffix)]
    return sorted(out)


def packages():
    return sorted(d for d in os.listdir(DOC) if os.path.isdir(os.path.join(DOC, d)))


def doc_files(names, held):
    """Files named one of `names` (with or without .gz) in the packages on the chosen side."""
    out = []
    for pkg in packages():
        if heldout_package(pkg) != held:
            continue
        for n in names:
            for p in (os.path.join(DOC, pkg, n), os.path.join(DOC, pkg, n + ".gz")):
                if os.path.isfile(p) and not os.path.islink(p):
                    out.append(p)
    return out


HELDOUT = {
    "prose": lambda: doc_files(["README", "README.Debian", "README.txt", "README.source", "TODO", "TODO.Debian"], True),
    "lists": lambda: doc_files(["NEWS", "NEWS.Debian"], True),
    "markdown": lambda: sorted(glob.glob(f"{DOC}/nodejs/api/*.md")),
    "code": lambda: find("/usr/include/linux", ".h"),
    "changelogs": lambda: doc_files(["changelog.Debian"], True),
    "logs": lambda: sorted(p for p in glob.glob("/var/log/dpkg.log*") + glob.glob("/var/log/apt/*.log*")
                           + glob.glob("/var/log/alternatives.log*") if not p.endswith(".xz")),
    "german": lambda: sorted(glob.glob("/usr/share/man/de/man*/*")),
}

TRAIN = {
    "prose": lambda: doc_files(["README", "README.Debian", "README.txt", "AUTHORS", "TODO", "THANKS"], False),
    "lists": lambda: doc_files(["NEWS", "NEWS.Debian"], False),
    "changelogs": lambda: doc_files(["changelog.Debian", "changelog"], False),
    "licenses": lambda: doc_files(["copyright"], False) + sorted(glob.glob("/usr/share/common-licenses/*")),
    "markdown": lambda: [p for p in find("/usr", ".md") if not p.startswith(f"{DOC}/nodejs/api/")],
    "code": lambda: (sorted(glob.glob("/usr/include/*.h")) + find("/usr/include/x86_64-linux-gnu", ".h")
                     + find("/usr/lib/python3/dist-packages", ".py")),
    "manuals": lambda: sorted(p for lang in ("fr", "es", "it", "pl", "pt", "pt_BR", "nl", "sv", "da", "fi", "cs")
                              for p in glob.glob(f"/usr/share/man/{lang}/man*/*")),
    "info": lambda: sorted(glob.glob("/usr/share/info/*.info*")),
}


def load(kind, path):
    if "/share/man/" in path:
        return render_man(path)
    text = read_text(path)
    if text and kind == "info":   # info files: drop the node separators' control bytes
        text = text.replace("\x1f", "")
    return text


def safe_name(path):
    return path.strip("/").replace("/", "__")[-150:] + ".txt"


def write_set(root, sources, limit_bytes=None, exclude=()):
    """{name: [paths]} -> root/NAME/*.txt (held out) or root/NAME__*.txt (training: one folder).
    A file whose text has a digest in `exclude` (the held-out set's: two packages may ship the same
    README) is skipped."""
    manifest, digests = {}, {}
    for kind, list_paths in sources.items():
        paths, total, kept = list_paths(), 0, []
        for p in paths:
            text = load(kind, p)
            if text is None:
                continue
            data = text.encode()
            digest = hashlib.sha256(data).hexdigest()
            if digest in exclude or digest in digests:
                continue
            if limit_bytes and total + len(data) > limit_bytes:
                break
            digests[digest] = p
            if limit_bytes is None:
                dest = os.path.join(root, kind, safe_name(p))
            else:
                dest = os.path.join(root, kind + "__" + safe_name(p))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as f:
                f.write(data)
            total += len(data)
            kept.append(p)
        manifest[kind] = {"files": kept, "bytes": total}
        print(f"{os.path.basename(root)}/{kind}: {len(kept)} files, {total / 1e6:.2f} MB", flush=True)
    return manifest, digests


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=os.path.join(HERE, "corpus", "realtext"))
    p.add_argument("--max-train-mb", type=float, default=16.0, help="cap per training kind")
    args = p.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    held, held_digests = write_set(os.path.join(args.out, "heldout"), HELDOUT)
    empty = [k for k, v in held.items() if not v["files"]]
    if empty:
        raise SystemExit(f"make_realtext: no held-out text for {', '.join(empty)} on this machine")
    train, train_digests = write_set(os.path.join(args.out, "train"), TRAIN, int(args.max_train_mb * 1e6), held_digests)
    shared = sorted(set(held_digests) & set(train_digests))
    if shared:
        shutil.rmtree(args.out)
        raise SystemExit("make_realtext: training text equals held-out text: "
                         + ", ".join(f"{train_digests[d]} = {held_digests[d]}" for d in shared[:5]))
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump({"heldout": held, "train": train}, f, indent=1)


if __name__ == "__main__":
    main()
