#!/bin/bash
# Submits N shard tasks and the merge as a job that starts when all of them succeeded.
#   RESULTS=/shared/needle GRID="--length 1M" ./submit.sh 4
set -euo pipefail
shards=${1:?usage: submit.sh N (number of shards)}
here=$(cd "$(dirname "$0")" && pwd)
array=$(sbatch --parsable --export=ALL --array=1-"$shards" "$here/shard.sbatch")
merge=$(sbatch --parsable --export=ALL --dependency=afterok:"$array" "$here/merge.sbatch")
echo "array job $array ($shards shards), merge job $merge"
