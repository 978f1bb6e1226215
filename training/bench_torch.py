"""PyTorch eager prefill speed of a YOCO model: self-decoder + global K/V projection, chunked, no
cross-decoder (early exit), as the Swift runtime's prefill does.
Usage: python3 training/bench_torch.py --model models/yoco-niah-tiny --threads 2 --lengths 65536,1048576"""
import argparse
import json
import os
import resource
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from yoco.infer import Session                    # noqa: E402
from modeldir import load_model, parse_length     # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=os.path.join(os.path.dirname(HERE), "models", "yoco-niah-tiny"))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--lengths", default="65536,1048576")
    p.add_argument("--chunk", type=int, default=4096, help="prompt tokens per forward (4096 was fastest of 1K-32K at 64K)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    model, _ = load_model(args.model)
    assert model.cfg.architecture == "yoco", "bench_torch measures YOCO prefill"
    g = torch.Generator().manual_seed(0)
    warm = Session(model, capacity=args.chunk, chunk=args.chunk)
    warm.prefill(torch.randint(0, 256, (min(args.chunk, 4096),), generator=g))
    rows = []
    for L in (parse_length(x) for x in args.lengths.split(",")):
        ids = torch.randint(0, 256, (L,), generator=g)
        s = Session(model, capacity=L + 1, chunk=args.chunk)
        t0 = time.time()
        s.prefill(ids)
        dt = time.time() - t0
        kv_bytes = 2 * L * model.cfg.n_attn_kv_heads * model.cfg.attn_head_dim * 4
        # ru_maxrss is the process's peak so far: run one length per process for per-length peaks
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        rows.append(dict(length=L, seconds=round(dt, 3), tokens_per_s=round(L / dt), kv_bytes=kv_bytes, peak_rss_bytes=peak,
                         threads=args.threads, chunk=args.chunk, torch=torch.__version__))
        if not args.json:
            print(f"prefill {L:>8} tokens: {dt:8.2f} s  {L / dt:9.0f} tok/s  KV cache {kv_bytes / 2**20:.0f} MiB "
                  f"(threads {args.threads}, chunk {args.chunk}, torch {torch.__version__})", flush=True)
    if args.json:
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
