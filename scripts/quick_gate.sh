#!/usr/bin/env bash
# A quick (≈ 30 s on 2 cores) accuracy check of a model directory between training stages, on the
# cells where models differ most: multi-needle N = 2/4/8, multi-query and the held-out English
# haystack, 2 trials per cell, and three held-out real-text haystacks at 4K. The model card's
# table (scripts/model_card_eval.sh) is the real measure; this only says whether a checkpoint is
# worth that 10-minute run.
#   python3 training/export_model.py --ckpt training/runs/RUN/model_stepN.pt --out /tmp/m --no-card
#   scripts/quick_gate.sh /tmp/m
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:?usage: scripts/quick_gate.sh MODEL_DIR [DB_PREFIX]}
prefix=${2:-/tmp/quick-gate}
ne=.build/release/needle-eval
[ -x $ne ] || swift build -c release >/dev/null
[ -d training/corpus/heldout ] || python3 training/make_heldout_haystack.py >/dev/null

check() {   # name db args...
    local name=$1 db=$prefix-$1.sqlite
    shift
    rm -f "$db" "$db-wal" "$db-shm"
    $ne run --model "$model" --db "$db" "$@" 2>&1 | grep -E "^accuracy|^per length" | paste -sd ' ' | sed "s/^/$name: /"
}
for n in 2 4 8; do
    check multi$n --task tasks/multi_needle.json --needles $n --lengths 16K,128K --depths 0,25,50,75,100 --trials 2
done
check heldout --task training/eval_tasks/niah_single_heldout.json --lengths 16K,64K,256K --depths 0,50,100 --trials 2
check mquery --task tasks/niah_multiquery.json --lengths 16K,128K --depths 0,50,100 --trials 2
$ne query --db "$prefix-mquery.sqlite" "SELECT ROUND(AVG(score), 3) AS mquery_answers_correct FROM trials"
# Real text as written (held out): three of the seven haystacks at 4K.
if [ -d training/corpus/realtext/heldout ]; then
    rm -f "$prefix-realtext.sqlite"*
    python3 scripts/realtext_eval.py --model "$model" --lengths 4K --trials 1 --haystacks code,changelogs,german \
        --db "$prefix-realtext.sqlite" 2>/dev/null | grep '^|'
else
    echo "realtext: skipped (run python3 training/make_realtext.py for the held-out real-text haystacks)"
fi
