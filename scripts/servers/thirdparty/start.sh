#!/usr/bin/env bash
# start.sh PORT [serve.py options...]
#
# Starts llama.cpp's server (xllamacpp) with SmolLM2-135M-Instruct on 127.0.0.1:PORT in the
# background and waits until GET /health answers 200. Defaults: 2 slots x 16384 tokens of context
# each, as many threads as cores; extra arguments go to serve.py (--ctx-per-slot N, --parallel N,
# --threads N, --alias NAME, --param KEY=VALUE, ...).
#
# Files: server.pid and server.log in $NEEDLE_SERVER_DIR (default /tmp/needle-eval-thirdparty-PORT).
# Waits at most $NEEDLE_SERVER_START_TIMEOUT seconds (default 180). OMP_WAIT_POLICY defaults to
# PASSIVE (see below).
# stdout: the served model name, one line, for `needle-eval run --served-model`.
# Run install.sh first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

say() { echo "start.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

port="${1:-}"
[[ "$port" =~ ^[0-9]+$ ]] || die "usage: start.sh PORT [serve.py options...]"
shift
[[ -x "$VENV_PY" && -f "$STAMP" ]] || die "not installed: run $THIRDPARTY_DIR/install.sh first"

dir="$(server_dir "$port")"
pidfile="$dir/server.pid"
logfile="$dir/server.log"
timeout="${NEEDLE_SERVER_START_TIMEOUT:-180}"
base="http://127.0.0.1:$port"
mkdir -p "$dir"

if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    die "a server is already running from $dir (pid $(cat "$pidfile")); run stop.sh $port first"
fi
if curl -s -o /dev/null --max-time 2 "$base/health"; then
    die "something already answers on 127.0.0.1:$port"
fi

# Running and not a zombie (an exited child stays a zombie until waited for, and kill -0 finds it).
alive() {
    [[ -r "/proc/$1/stat" ]] && [[ "$(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1)" != Z ]]
}

log_tail() {
    say "last lines of $logfile:"
    tail -n "${1:-40}" "$logfile" | sed 's/^/    /' >&2
}

# llama.cpp's CPU threads are OpenMP threads in this build; spinning while they wait starves
# every other process on a 2-core machine (measured: 1K-token prefill 66-92 tok/s and decode
# 1-5 tok/s spinning, 124-147 and 21-42 passive, with a build running beside it).
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

started="$(date +%s.%N)"
# The server keeps none of this script's descriptors above 2: a parent that learns of this
# script's exit from such a descriptor closing (Swift Foundation's Process does) would otherwise
# wait until the server exits.
launch() {
    local fd
    for fd in $(ls "/proc/$BASHPID/fd"); do
        if (( fd > 2 )); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec nohup "$VENV_PY" -u "$THIRDPARTY_DIR/serve.py" --port "$port" "$@" > "$logfile" 2>&1 < /dev/null
}
launch "$@" &
pid=$!
echo "$pid" > "$pidfile"
say "started pid $pid, log $logfile; waiting up to ${timeout}s for $base/health"

while :; do
    if ! alive "$pid"; then
        status=0; wait "$pid" || status=$?
        rm -f "$pidfile"
        log_tail
        die "the server exited with status $status before it was ready"
    fi
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/health" || true)"
    [[ "$code" == 200 ]] && break
    if awk -v s="$started" -v now="$(date +%s.%N)" -v t="$timeout" 'BEGIN { exit !(now - s > t) }'; then
        kill -TERM "$pid" 2>/dev/null || true
        sleep 2
        kill -KILL "$pid" 2>/dev/null || true
        rm -f "$pidfile"
        log_tail
        die "$base/health did not answer 200 within ${timeout}s (last status: ${code:-none})"
    fi
    sleep 0.2
done

elapsed="$(awk -v s="$started" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1f", now - s }')"
model="$(curl -s --max-time 5 "$base/v1/models" | "$VENV_PY" -c 'import json, sys; print(json.load(sys.stdin)["data"][0]["id"])')"
say "ready after ${elapsed}s: $base serves model \"$model\" (pid $pid)"
echo "$model"
