"""Held-out English for evaluation only (never trained on): docstrings of the Python standard library.
Writes one text file per module into training/corpus/heldout/ (gitignored).
Usage: python3 training/make_heldout_haystack.py [--out DIR]"""
import argparse
import ast
import glob
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))


def docstrings(path):
    """All module/class/function docstrings of one file, in source order."""
    try:
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read())
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return []
    nodes = [tree] + [n for n in ast.walk(tree)
                      if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    out = []
    for n in nodes:
        doc = ast.get_docstring(n)
        if doc and len(doc) > 80:
            out.append(re.sub(r"\s+", " ", doc).strip())
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", default=os.path.join(HERE, "corpus", "heldout"))
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    files = sorted(glob.glob("/usr/lib/python3*/*.py"))
    total = 0
    for path in files:
        docs = docstrings(path)
        if not docs:
            continue
        text = " ".join(d if d.endswith(".") else d + "." for d in docs) + "\n"
        name = os.path.basename(os.path.dirname(path)) + "_" + os.path.basename(path)[:-3] + ".txt"
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
            f.write(text)
        total += len(text.encode())
    print(f"wrote {total} bytes of held-out docstrings from {len(files)} files into {args.out}")


if __name__ == "__main__":
    main()
