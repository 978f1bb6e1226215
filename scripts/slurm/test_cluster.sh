#!/bin/bash
# A real one-node Slurm cluster on this machine (Debian's slurm-wlm and munge, started here
# without systemd, as root): submits examples/slurm's array with 3 shards on a small grid, waits
# for the dependent merge job, and compares its heatmap CSV byte for byte with a single-process run
# of the same grid. Stops every daemon it started. Exit 0: equal; 1: a failure; 77: cannot run here
# (not root, or slurm-wlm/munge not installed: apt-get install -y slurm-wlm munge).
#   scripts/slurm/test_cluster.sh            (from the repository root; NEEDLE_EVAL=path/to/needle-eval)
set -euo pipefail
cd "$(dirname "$0")/../.."
NEEDLE_EVAL=${NEEDLE_EVAL:-$PWD/.build/debug/needle-eval}
SHARDS=${SHARDS:-3}
GRID="--model Tests/YOCORuntimeTests/Fixtures/yoco_swa --lengths 1K,2K,4K --depths 0,50,100 --trials 1"
TIMEOUT=${TIMEOUT:-300}

for tool in munged slurmctld slurmd sbatch squeue sinfo; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "skip: $tool not installed (apt-get install -y slurm-wlm munge)"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "skip: starting slurmctld and slurmd needs root"; exit 77; }
[ -x "$NEEDLE_EVAL" ] || { echo "no needle-eval at $NEEDLE_EVAL (swift build, or set NEEDLE_EVAL)"; exit 1; }
export PATH=$PATH:/usr/sbin

work=$(mktemp -d /tmp/needle-slurm.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
started=$(date +%s)

# munge: its own socket and key under $work, run as the munge user.
mkdir -p "$work/munge"
cp /etc/munge/munge.key "$work/munge/munge.key" 2>/dev/null || mungekey --create --keyfile="$work/munge/munge.key"
# munged wants the socket folder searchable by all and the key readable by munge alone.
chown -R munge:munge "$work/munge" && chmod 711 "$work/munge" && chmod 400 "$work/munge/munge.key"
chmod 755 "$work"
socket="$work/munge/munge.socket"
runuser -u munge -- munged --foreground --key-file="$work/munge/munge.key" --socket="$socket" \
    --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/seed" &
pids+=($!)
for _ in $(seq 50); do [ -S "$socket" ] && break; sleep 0.1; done
[ -S "$socket" ] || { echo "munged did not start:"; cat "$work/munge/munged.log"; exit 1; }

host=$(hostname -s)
mkdir -p "$work/state" "$work/spool" "$work/log"
cat > "$work/slurm.conf" <<CONF
ClusterName=needletest
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CryptoType=crypto/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
SlurmctldPort=${SLURMCTLD_PORT:-16817}
SlurmdPort=${SLURMD_PORT:-16818}
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -D -i -f "$SLURM_CONF" & pids+=($!)
slurmd -D -f "$SLURM_CONF" & pids+=($!)
for _ in $(seq 100); do sinfo -h -o %T 2>/dev/null | grep -q idle && break; sleep 0.2; done
sinfo -h -o %T | grep -q idle || { echo "the node did not become idle:"; sinfo; tail -20 "$work"/log/*.log; exit 1; }
echo "cluster up in $(( $(date +%s) - started )) s"

# The same grid in one process.
# shellcheck disable=SC2086
"$NEEDLE_EVAL" run $GRID --db "$work/single.sqlite" > "$work/single.out"
"$NEEDLE_EVAL" export heatmap --db "$work/single.sqlite" --format csv --out "$work/single.csv"

# The example array and its merge, as a user submits them; each task takes one CPU here.
export NEEDLE_EVAL RESULTS="$work/results" GRID SBATCH_CPUS_PER_TASK=1
read -r _ _ array _ _ _ _ merge < <(examples/slurm/submit.sh "$SHARDS" | sed 's/[(),]//g')
echo "array job $array, merge job $merge"
deadline=$(( $(date +%s) + TIMEOUT ))
while squeue -h -j "$array,$merge" 2>/dev/null | grep -q .; do
    if squeue -h -j "$merge" -o %r 2>/dev/null | grep -q DependencyNeverSatisfied; then
        echo "a shard failed, so the merge never ran:"; cat "$work"/results/../*.out 2>/dev/null || true; cat needle-shard-"$array"_*.out; exit 1
    fi
    [ "$(date +%s)" -lt "$deadline" ] || { echo "timed out after $TIMEOUT s"; squeue; exit 1; }
    sleep 1
done
cat needle-shard-"$array"_*.out needle-merge-"$merge".out > "$work/jobs.out" 2>/dev/null || true
rm -f needle-shard-"$array"_*.out needle-merge-"$merge".out
grep -q "cells answered; status finished" "$work/jobs.out" || { echo "the merge did not finish the run:"; cat "$work/jobs.out"; exit 1; }
if ! cmp "$work/single.csv" "$RESULTS/heatmap.csv"; then
    echo "merged heatmap differs from the single-process one:"; diff "$work/single.csv" "$RESULTS/heatmap.csv"; exit 1
fi
shards=$("$NEEDLE_EVAL" query --db "$RESULTS/merged.sqlite" --csv "SELECT count(*) FROM trials")
echo "ok: $SHARDS shards merged into $(echo "$shards" | tail -1) trials; heatmap equals the single-process run; $(( $(date +%s) - started )) s in all"
