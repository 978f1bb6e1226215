#!/usr/bin/env python3
"""YOCO vs Transformer vs PyTorch eager: prefill speed and memory against context length.

Runs (release build first: swift build -c release):
  needle-eval bench --model models/yoco-niah-tiny --json          YOCO, this runtime, shipped weights
  needle-eval bench --arch transformer --json                     Transformer, same shape, random weights
  python3 training/bench_torch.py --json (one process per length) YOCO, PyTorch eager, same weights
then fits the Transformer's prefill time (a·L + b·L²) and peak RSS (c + d·L) to extrapolate the
lengths it is too slow to run (marked as extrapolated everywhere), and writes
docs/perf/perf_data.json, docs/perf/prefill_speed.svg and docs/perf/memory.svg, and prints a
Markdown table. --replot redraws from the saved JSON without measuring.
Usage: python3 scripts/perf_compare.py [--threads 2] [--replot]"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "docs", "perf")
EXE = os.path.join(ROOT, ".build", "release", "needle-eval")
MODEL = os.path.join(ROOT, "models", "yoco-niah-tiny")
K = 1024


def label(n):
    return f"{n // (K * K)}M" if n >= K * K else f"{n // K}K"


def bench(args, threads):
    cmd = [EXE, "bench", "--json", "--skip-roofline", "--threads", str(threads)] + args
    print("$ " + " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in cmd), file=sys.stderr)
    rows = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)["rows"]
    return [dict(length=r["length"], tokens_per_s=r["prefill_tokens_per_second"], seconds=r["prefill_seconds"],
                 peak_rss_bytes=r["peak_rss_bytes"], kv_bytes=r["kv_bytes"]) for r in rows]


def torch_bench(lengths, threads):
    rows = []
    for n in lengths:
        cmd = [sys.executable, os.path.join(ROOT, "training", "bench_torch.py"), "--model", MODEL,
               "--threads", str(threads), "--lengths", str(n), "--json"]
        print("$ python3 training/bench_torch.py --threads %d --lengths %d --json" % (threads, n), file=sys.stderr)
        r = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)[0]
        rows.append(dict(length=n, tokens_per_s=r["tokens_per_s"], seconds=r["seconds"],
                         peak_rss_bytes=r["peak_rss_bytes"], kv_bytes=r["kv_bytes"], torch=r["torch"]))
    return rows


def lstsq2(xs, ys, f, g):
    """Least squares y ≈ a·f(x) + b·g(x) (2×2 normal equations)."""
    sff = sum(f(x) ** 2 for x in xs); sgg = sum(g(x) ** 2 for x in xs); sfg = sum(f(x) * g(x) for x in xs)
    sfy = sum(f(x) * y for x, y in zip(xs, ys)); sgy = sum(g(x) * y for x, y in zip(xs, ys))
    det = sff * sgg - sfg * sfg
    return (sfy * sgg - sgy * sfg) / det, (sgy * sff - sfy * sfg) / det


def extrapolate(rows, lengths):
    xs = [r["length"] for r in rows]
    a, b = lstsq2(xs, [r["seconds"] for r in rows], lambda x: x, lambda x: x * x)
    c, d = lstsq2(xs, [r["peak_rss_bytes"] for r in rows], lambda x: 1, lambda x: x)
    kv_per_token = rows[-1]["kv_bytes"] / rows[-1]["length"]
    out = []
    for n in lengths:
        t = a * n + b * n * n
        out.append(dict(length=n, seconds=t, tokens_per_s=n / t, peak_rss_bytes=c + d * n, kv_bytes=kv_per_token * n,
                        extrapolated=True))
    return out, dict(time_fit=f"seconds = {a:.3e}·L + {b:.3e}·L²", rss_fit=f"bytes = {c:.3e} + {d:.3e}·L")


# ---------------------------------------------------------------------------------------------- SVG

COLORS = {"yoco": "#1f77b4", "transformer": "#d62728", "torch": "#2ca02c"}
NAMES = {"yoco": "YOCO, needle-eval runtime", "transformer": "Transformer, needle-eval runtime",
         "torch": "YOCO, PyTorch eager"}


def svg_plot(path, title, ylabel, series, key, base=10, yfmt=lambda v: f"{v:g}"):
    import math
    W, H, L, R, T, B = 720, 460, 80, 20, 40, 110
    pts = [(r["length"], r[key]) for s in series.values() for r in s]
    xmin, xmax = min(p[0] for p in pts), max(p[0] for p in pts)
    ys = [p[1] for p in pts]
    lg = lambda v: math.log(v, base)
    lo, hi = math.floor(lg(min(ys))), math.ceil(lg(max(ys)))
    def X(n): return L + (math.log2(n) - math.log2(xmin)) / (math.log2(xmax) - math.log2(xmin)) * (W - L - R)
    def Y(v): return T + (hi - lg(v)) / (hi - lo) * (H - T - B)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2}" y="22" text-anchor="middle" font-size="15">{title}</text>']
    for e in range(lo, hi + 1):
        y = Y(base ** e)
        out.append(f'<line x1="{L}" y1="{y:.1f}" x2="{W - R}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{L - 6}" y="{y + 4:.1f}" text-anchor="end">{yfmt(base ** e)}</text>')
    n = xmin
    while n <= xmax:
        x = X(n)
        out.append(f'<line x1="{x:.1f}" y1="{T}" x2="{x:.1f}" y2="{H - B}" stroke="#eee"/>')
        out.append(f'<text x="{x:.1f}" y="{H - B + 16}" text-anchor="middle">{label(n)}</text>')
        n *= 2
    out.append(f'<text x="{(L + W - R) / 2}" y="{H - B + 36}" text-anchor="middle">context length (tokens, log scale)</text>')
    out.append(f'<text transform="translate(18,{(T + H - B) / 2}) rotate(-90)" text-anchor="middle">{ylabel}</text>')
    out.append(f'<rect x="{L}" y="{T}" width="{W - L - R}" height="{H - T - B}" fill="none" stroke="#333"/>')
    for i, (name, rows) in enumerate(series.items()):
        color = COLORS[name]
        measured = [r for r in rows if not r.get("extrapolated")]
        extra = [r for r in rows if r.get("extrapolated")]
        if measured:
            out.append('<polyline fill="none" stroke-width="2" stroke="%s" points="%s"/>' % (
                color, " ".join(f"{X(r['length']):.1f},{Y(r[key]):.1f}" for r in measured)))
            for r in measured:
                out.append(f'<circle cx="{X(r["length"]):.1f}" cy="{Y(r[key]):.1f}" r="3.5" fill="{color}"/>')
        if extra:
            chain = measured[-1:] + extra
            out.append('<polyline fill="none" stroke-width="2" stroke-dasharray="6,4" stroke="%s" points="%s"/>' % (
                color, " ".join(f"{X(r['length']):.1f},{Y(r[key]):.1f}" for r in chain)))
        ly = H - B + 56 + 17 * i
        lx = L
        out.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 24}" y2="{ly - 4}" stroke="{color}" stroke-width="2"/>')
        note = " (dashed: extrapolated)" if extra else ""
        out.append(f'<text x="{lx + 30}" y="{ly}">{NAMES[name]}{note}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def mib(b):
    return f"{b / 2 ** 20:,.0f} MiB"


def table(data):
    lengths = sorted({r["length"] for s in data["series"].values() for r in s})
    by = {k: {r["length"]: r for r in v} for k, v in data["series"].items()}
    print("| length | YOCO needle-eval tok/s | YOCO PyTorch eager tok/s | needle-eval ÷ PyTorch | Transformer tok/s "
          "| YOCO ÷ Transformer | YOCO peak RSS | PyTorch peak RSS | Transformer peak RSS |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in lengths:
        y, t, x = by["yoco"].get(n), by["torch"].get(n), by["transformer"].get(n)
        star = "*" if x and x.get("extrapolated") else ""
        cells = [label(n), f"{y['tokens_per_s']:,.0f}" if y else "–", f"{t['tokens_per_s']:,.0f}" if t else "–",
                 f"{y['tokens_per_s'] / t['tokens_per_s']:.1f}×" if y and t else "–",
                 f"{x['tokens_per_s']:,.0f}{star}" if x else "–",
                 f"{y['tokens_per_s'] / x['tokens_per_s']:,.1f}×{star}" if y and x else "–",
                 mib(y["peak_rss_bytes"]) if y else "–", mib(t["peak_rss_bytes"]) if t else "–",
                 mib(x["peak_rss_bytes"]) + star if x else "–"]
        print("| " + " | ".join(cells) + " |")
    print("\n\\* extrapolated: " + data["transformer_fit"]["time_fit"] + "; " + data["transformer_fit"]["rss_fit"])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--yoco-lengths", default="4K,16K,64K,256K,1M")
    p.add_argument("--transformer-lengths", default="4K,8K,16K,32K,64K")
    p.add_argument("--torch-lengths", default="4096,16384,65536,262144,1048576")
    p.add_argument("--replot", action="store_true", help="redraw from docs/perf/perf_data.json")
    a = p.parse_args()
    os.makedirs(OUT, exist_ok=True)
    data_path = os.path.join(OUT, "perf_data.json")
    if a.replot:
        with open(data_path) as f:
            data = json.load(f)
    else:
        yoco = bench(["--model", MODEL, "--lengths", a.yoco_lengths, "--decode-tokens", "0"], a.threads)
        transformer = bench(["--arch", "transformer", "--lengths", a.transformer_lengths, "--decode-tokens", "0"], a.threads)
        torch_rows = torch_bench([int(x) for x in a.torch_lengths.split(",")], a.threads)
        far = sorted({r["length"] for r in yoco} - {r["length"] for r in transformer})
        extra, fit = extrapolate(transformer, [n for n in far if n > transformer[-1]["length"]])
        data = dict(threads=a.threads, series=dict(yoco=yoco, transformer=transformer + extra, torch=torch_rows),
                    transformer_fit=fit)
        with open(data_path, "w") as f:
            json.dump(data, f, indent=1)
    svg_plot(os.path.join(OUT, "prefill_speed.svg"), f"Prefill speed, {data['threads']} threads (higher is better)",
             "prefill tokens / s (log scale)", data["series"], "tokens_per_s",
             yfmt=lambda v: f"{v / 1000:g}K" if v >= 1000 else f"{v:g}")
    svg_plot(os.path.join(OUT, "memory.svg"), "Peak resident memory during prefill (lower is better)",
             "peak RSS (log scale)", data["series"], "peak_rss_bytes", base=2,
             yfmt=lambda v: f"{v / 2 ** 30:g} GiB" if v >= 2 ** 30 else f"{v / 2 ** 20:g} MiB")
    table(data)


if __name__ == "__main__":
    main()
