#!/usr/bin/env bash
# The accuracy table of models/yoco-niah-tiny/MODEL_CARD.md, measured by needle-eval on the Swift
# runtime (>= 5 trials per cell). Takes a long time on 2 cores (many 1M-token prompts): run it in
# the background, e.g.  nohup scripts/model_card_eval.sh > model-card.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
db=${DB:-model-card.sqlite}
model=${MODEL:-models/yoco-niah-tiny}
ne=.build/release/needle-eval
swift build -c release >/dev/null
depths=0,10,20,30,40,50,60,70,80,90,100

$ne run --db "$db" --model "$model" --task tasks/niah_single.json --lengths 1K,4K,16K,64K,256K,1M --depths $depths --trials 5
for n in 2 4 8; do
    $ne run --db "$db" --model "$model" --task tasks/multi_needle.json --needles $n --lengths 128K,1M --depths 0,25,50,75,100 --trials 5
done
$ne run --db "$db" --model "$model" --task tasks/niah_multiquery.json --lengths 128K --depths 0,25,50,75,100 --trials 5
[ -d training/corpus/heldout ] || python3 training/make_heldout_haystack.py
$ne run --db "$db" --model "$model" --task training/eval_tasks/niah_single_heldout.json --lengths 1K,4K,16K,64K,256K,1M --depths $depths --trials 5

# One row per run: task, needles, accuracy (exact match) and partial-credit score.
$ne query --db "$db" "SELECT r.id, r.task_name, json_extract(r.task_json, '$.needles') AS spec_needles, COUNT(*) AS trials, ROUND(AVG(t.correct), 3) AS accuracy, ROUND(AVG(t.score), 3) AS score, MIN(t.length) AS min_len, MAX(t.length) AS max_len FROM runs r JOIN trials t ON t.run_id = r.id GROUP BY r.id ORDER BY r.id"
