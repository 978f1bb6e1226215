#!/usr/bin/env bash
# stop.sh [PORT]
#
# Stops the server start.sh PORT started: SIGTERM to the pid in its pid file, then waits for it
# to exit ($NEEDLE_SERVER_STOP_TIMEOUT seconds, default 30, then SIGKILL). The folder is
# $NEEDLE_SERVER_DIR, or /tmp/needle-eval-thirdparty-PORT. Succeeds when nothing is running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

say() { echo "stop.sh: $*" >&2; }

port="${1:-}"
if [[ -z "$port" && -z "${NEEDLE_SERVER_DIR:-}" ]]; then
    say "usage: stop.sh PORT (or set NEEDLE_SERVER_DIR)"
    exit 2
fi
dir="$(server_dir "$port")"
pidfile="$dir/server.pid"
timeout="${NEEDLE_SERVER_STOP_TIMEOUT:-30}"

if [[ ! -f "$pidfile" ]]; then
    say "no pid file in $dir: nothing to stop"
    exit 0
fi
pid="$(cat "$pidfile")"
# Only signal the process start.sh started: a stale pid file may name a reused pid.
if ! kill -0 "$pid" 2>/dev/null || ! tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q 'thirdparty/serve.py'; then
    say "pid $pid from $pidfile is not running the server: removing the stale pid file"
    rm -f "$pidfile"
    exit 0
fi

kill -TERM "$pid"
for ((i = 0; i < timeout * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
done
if kill -0 "$pid" 2>/dev/null; then
    say "pid $pid still running after ${timeout}s: sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
fi
rm -f "$pidfile"
say "stopped pid $pid (log kept in $dir/server.log)"
