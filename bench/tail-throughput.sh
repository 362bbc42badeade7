#!/usr/bin/env bash
# relog tail throughput and lag, measured against a real Relog server in one run.
#
#   bench/tail-throughput.sh [-n requests] [--dir DIR]
#
# Starts bin/relog-server (random port, data dir under DIR or $TMPDIR), loads -n SETs with
# redis-benchmark (-t set -r n -P 16 -c 50), then:
#   1. reads the whole log with `relog tail` from the server (--format json and resp) and, when
#      the tools support it, from the data directory (--dir), printing events/s, MB/s of log
#      read and MB/s of output. Wall-clock times include the tool's JVM start.
#   2. follows the log (`relog tail --follow --format json`) while redis-benchmark writes another
#      -n SETs at full speed, and reports the lag (now - the event's batch time) sampled at every
#      read of the tail's output (bench/tail-lag.py), and how long after the load ended the tail
#      had everything.
# Needs: built tree (mvn -DskipTests package), redis-benchmark, redis-cli, python3.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=1000000
parent=${TMPDIR:-/tmp}
while [ $# -gt 0 ]; do
  case "$1" in
    -n) n=$2; shift 2 ;;
    --dir) parent=$2; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in redis-benchmark redis-cli python3; do
  command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 1; }
done
work=$(mktemp -d "$parent/relog-tail-bench.XXXXXX")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
server_pid=
tail_pid=
lag_pid=
cleanup() {
  [ -n "$tail_pid" ] && kill "$tail_pid" 2>/dev/null || true
  [ -n "$lag_pid" ] && kill "$lag_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
RELOG_JAVA_OPTS="${RELOG_JAVA_OPTS:--Xms2g -Xmx2g -XX:+AlwaysPreTouch}" \
  "$here/bin/relog-server" --port "$port" --bind 127.0.0.1 --dir "$work/data" --save "" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.2; done
echo "file system of $work: $(df -T "$work" | awk 'NR==2 {print $2}')"
redis-benchmark -p "$port" -t set -n "$n" -r "$n" -P 16 -c 50 -q 2>&1 | tr '\r' '\n' | grep -v rps= | grep .
end=$(redis-cli -p "$port" info replication | tr -d '\r' | awk -F: '/^master_repl_offset/ {print $2}')
echo "log: $end bytes, $n SETs"

# The tool runs as a user runs it (no pre-touched heap): its times include the JVM's start.
export RELOG_JAVA_OPTS="${TAIL_JAVA_OPTS:--Xmx1g}"
measure() { # label, tail args...
  local label=$1; shift
  local start stop
  start=$(date +%s.%N)
  "$here/bin/relog" tail "$@" --to "$end" >"$work/out"
  stop=$(date +%s.%N)
  local bytes; bytes=$(stat -c %s "$work/out")
  python3 - "$label" "$start" "$stop" "$n" "$end" "$bytes" <<'PY'
import sys
label, start, stop, n, logb, outb = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
s = stop - start
print(f"{label:28s} {s:6.2f} s  {n / s:10,.0f} events/s  {logb / s / 1e6:6.1f} MB/s log  {outb / s / 1e6:6.1f} MB/s output")
PY
}
measure "server json" --port "$port" --from earliest --format json
measure "server resp" --port "$port" --from earliest --format resp
if "$here/bin/relog" tail --help | grep -q -- '--dir=<dir>'; then
  measure "directory json" --dir "$work/data" --from earliest --format json
  measure "directory resp" --dir "$work/data" --from earliest --format resp
fi

# Following a live load.
start_offset=$(redis-cli -p "$port" info replication | tr -d '\r' | awk -F: '/^master_repl_offset/ {print $2}')
mkfifo "$work/feed"
python3 "$here/bench/tail-lag.py" "$work/lag.status" <"$work/feed" >"$work/lag.summary" &
lag_pid=$!
"$here/bin/relog" tail --port "$port" --from "$start_offset" --follow --format json >"$work/feed" &
tail_pid=$!
sleep 2 # the tool's JVM is up and connected
load_start=$(date +%s.%N)
redis-benchmark -p "$port" -t set -n "$n" -r "$n" -P 16 -c 50 -q 2>&1 | tr '\r' '\n' | grep -v rps= | grep .
load_end=$(date +%s.%N)
final=$(redis-cli -p "$port" info replication | tr -d '\r' | awk -F: '/^master_repl_offset/ {print $2}')
waited=0
while :; do
  got=$(awk '{print $2}' "$work/lag.status" 2>/dev/null || echo 0)
  [ "${got:-0}" -ge "$final" ] && break
  waited=$((waited + 1))
  if [ "$waited" -gt 12000 ]; then echo "the tail did not reach offset $final within 120 s (at ${got:-0})" >&2; exit 1; fi
  sleep 0.01
done
caught=$(date +%s.%N)
kill "$tail_pid" 2>/dev/null || true # the lag meter then reads EOF and prints its summary
wait "$tail_pid" 2>/dev/null || true
tail_pid=
wait "$lag_pid" || true
python3 -c "import sys; print(f'follow: load {float(sys.argv[2]) - float(sys.argv[1]):.2f} s; tail had everything {1000 * (float(sys.argv[3]) - float(sys.argv[2])):.0f} ms after the load ended')" "$load_start" "$load_end" "$caught"
echo "follow json: $(cat "$work/lag.summary")"
