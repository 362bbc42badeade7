#!/usr/bin/env bash
# Restore speed: MB of log replayed per second by `relog restore`.
#
#   bench/restore-speed.sh [--requests N] [--dir DIR]
#
# 1. starts bin/relog-server on a fresh data dir (--save "": no snapshot, so restore replays the
#    whole log from offset 0) and fills its log with redis-benchmark: N requests of each of SET,
#    INCR, LPUSH, SADD, HSET and ZADD (100-byte values, 100,000 random keys, pipeline 16);
# 2. stops it (SIGTERM; the log is closed at its end offset);
# 3. runs `bin/relog restore --to-offset <end> --out <file.rdb>` three times, each in a new JVM
#    with a fixed, pre-touched heap, and prints the log size, the replay time and MB/s that
#    restore reports (replay only; loading a snapshot and writing the RDB are not counted), and
#    the whole command's wall time.
# Build first: mvn -q -DskipTests package   (needs redis-benchmark and redis-cli: apt install redis-tools)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REQUESTS=200000
DIR=""
while (($#)); do
    case "$1" in
        --requests) REQUESTS="$2"; shift 2 ;;
        --dir) DIR="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
for tool in redis-benchmark redis-cli; do
    command -v "$tool" >/dev/null || { echo "needs $tool (apt install redis-tools)" >&2; exit 1; }
done
WORK="${DIR:-$(mktemp -d /tmp/relog-restore-bench.XXXXXX)}"
DATA="$WORK/data"
PORT=$(( 20000 + RANDOM % 20000 ))

"$ROOT/bin/relog-server" --port "$PORT" --bind 127.0.0.1 --dir "$DATA" --save "" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do
    redis-cli -p "$PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
done
redis-benchmark -p "$PORT" -q -n "$REQUESTS" -r 100000 -d 100 -P 16 -t set,incr,lpush,sadd,hset,zadd >/dev/null
END=$(redis-cli -p "$PORT" info replication | tr -d '\r' | awk -F: '/^master_repl_offset/ {print $2}')
kill "$SERVER"
wait "$SERVER" || true
trap - EXIT

echo "log: $END bytes ($(awk "BEGIN {printf \"%.1f\", $END/1048576}") MB) in $DATA/log"
for run in 1 2 3; do
    START=$(date +%s.%N)
    OUT=$(RELOG_JAVA_OPTS="-Xms2g -Xmx2g -XX:+AlwaysPreTouch" "$ROOT/bin/relog" restore --dir "$DATA" \
        --to-offset "$END" --out "$WORK/restored.rdb" 2>/dev/null)
    WALL=$(awk "BEGIN {printf \"%.2f\", $(date +%s.%N) - $START}")
    echo "run $run: $(grep '^Data set at offset' <<<"$OUT" | sed 's/^Data set at offset [0-9]*: //'); wall ${WALL} s"
done
echo "work dir: $WORK"
