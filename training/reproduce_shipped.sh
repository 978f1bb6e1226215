#!/usr/bin/env bash
# Rebuilds models/yoco-niah-tiny from scratch: ≈ 25 min on the 2-core CPU (PyTorch, 2 threads), a few
# minutes on a CUDA GPU. Needs training/corpus (see training/README.md, "Setup").
#  1. single1: single-needle data at length 256 until retrieval is learned (answer loss leaves its
#     ≈ 2.0 plateau at step ≈ 1,400); stopped at step 2,029 of its 7,000-step cosine schedule.
#  2. single3: from those weights, length 512 at lr 3e-4 (fresh AdamW); 305 steps already generalise
#     from 512-token training sequences to 1M-token prompts (docs/RESULTS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 training/train.py --name single1 --only-task niah_single --plan 256:6000,512:1000 --stop-at 2029
python3 training/train.py --name single3 --init-from training/runs/single1/ckpt.pt --only-task niah_single \
    --plan 512:600,1024:800,2048:600 --lr 3e-4 --warmup 100 --stop-at 305
python3 training/export_model.py --ckpt training/runs/single3/ckpt.pt --out models/yoco-niah-tiny
