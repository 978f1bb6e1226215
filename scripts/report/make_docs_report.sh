#!/usr/bin/env bash
# docs/report.png: `needle-eval report` comparing the shipped model with an earlier checkpoint of it
# (the multi3 model, shipped at commit 6a2a1d1 and taken from git history), on the single-needle
# task and on multi_needle with 2 and 8 needles, rendered by headless Chromium
# (scripts/report/render.py) from the top of the page to the end of its Differences section (the
# per-run heatmaps below it are left out to keep the file small). About two minutes on 2 cores with
# the release build.
#   scripts/report/make_docs_report.sh            (from anywhere; WORK=DIR keeps the database there)
set -euo pipefail
cd "$(dirname "$0")/../.."
ne=.build/release/needle-eval
[ -x $ne ] || swift build -c release >/dev/null
work=${WORK:-$(mktemp -d /tmp/needle-report.XXXXXX)}
mkdir -p "$work"

# The earlier checkpoint: the model directory as the commit that shipped it left it, where training
# keeps its checkpoints (training/runs/ is not tracked).
old=training/runs/yoco-niah-tiny-multi3
mkdir -p "$old"
for file in config.json tokenizer.json model.safetensors; do
    git show "6a2a1d1:models/yoco-niah-tiny/$file" > "$old/$file"
done

db=$work/report.sqlite
rm -f "$db" "$db-wal" "$db-shm"
grid=(--lengths 4K,16K,64K --depths 0,50,100 --trials 10 --db "$db")
# The shipped model first: the first run of each task is the baseline of its difference heatmap.
for model in models/yoco-niah-tiny "$old"; do
    $ne run --model "$model" "${grid[@]}" | tail -n 2
    for n in 2 8; do
        $ne run --model "$model" --task tasks/multi_needle.json --needles $n "${grid[@]}" | tail -n 2
    done
done
# From the database's folder, so the page names the file without the temporary path.
(cd "$work" && "$OLDPWD/$ne" report --db report.sqlite --out report.html && "$OLDPWD/$ne" report --db report.sqlite --format md --out report.md)
python3 scripts/report/render.py "$work/report.html" --png docs/report.png --width 1600 --until "${UNTIL:-differences}" >"$work/render.json"
echo "docs/report.png from $work/report.html (render check: $work/render.json)"
