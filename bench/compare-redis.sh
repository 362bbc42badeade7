#!/usr/bin/env bash
# Side-by-side throughput and memory of Relog and Debian's redis-server, measured in one run.
#
#   bench/compare-redis.sh [-n requests] [-c clients] [-t tests] [-P "1 16"] [--rounds N] [--no-memory]
#
# Starts redis-server and Relog with the same settings (no persistence, random ports, temp dirs),
# runs redis-benchmark against each alternately (redis, relog, redis, relog, ...) for every test
# after one discarded warm-up pass
# and pipeline depth, and prints requests/s for both and the ratio Relog/Redis (median of rounds).
# Then loads 1,000,000 keys (16-byte keys, 32-byte values) into fresh instances of both and
# compares resident memory: Redis' used_memory_rss against Relog's process RSS.
# Extra directives for both servers: COMPARE_EXTRA="--appendonly yes" bench/compare-redis.sh
# Extra directives for Relog only: RELOG_EXTRA="--engine-thread dedicated" bench/compare-redis.sh
# Relog JVM options: RELOG_JAVA_OPTS (passed through to bin/relog-server).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
requests=200000
clients=50
tests="set,get,incr,mset,lpush,lpop,sadd,hset,zadd,zrangebyscore"
pipelines="1 16"
rounds=3
memory=yes
while [ $# -gt 0 ]; do
  case "$1" in
    -n) requests=$2; shift 2 ;;
    -c) clients=$2; shift 2 ;;
    -t) tests=$2; shift 2 ;;
    -P) pipelines=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --no-memory) memory=no; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in redis-server redis-benchmark redis-cli python3; do
  command -v $tool >/dev/null || { echo "needs $tool (apt-get install redis-server redis-tools python3)" >&2; exit 2; }
done
ls "$here"/frontend/target/relog-frontend-*.jar >/dev/null 2>&1 || (cd "$here" && mvn -q -DskipTests package)

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_up() { for _ in $(seq 1 300); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "server on $1 did not start" >&2; exit 1; }

# start_redis NAME -> sets PORT_NAME and PID_NAME
start_pair() {
  local rp lp
  rp=$(free_port); lp=$(free_port)
  mkdir -p "$work/redis-$1" "$work/relog-$1"
  redis-server --port "$rp" --bind 127.0.0.1 --save '' --appendonly no --dir "$work/redis-$1" \
      --daemonize no --logfile "$work/redis-$1.log" ${COMPARE_EXTRA:-} &
  pids+=($!); redis_pid=$!
  "$here"/bin/relog-server --port "$lp" --bind 127.0.0.1 --save '' --appendonly no --dir "$work/relog-$1" \
      ${COMPARE_EXTRA:-} ${RELOG_EXTRA:-} > "$work/relog-$1.log" 2>&1 &
  pids+=($!); relog_pid=$!
  redis_port=$rp; relog_port=$lp
  wait_up "$rp"; wait_up "$lp"
}

rps() { # port test pipeline -> requests per second
  local cmd=(-t "$2")
  # Not a built-in redis-benchmark test: a range read of the sorted set the zadd test fills.
  [ "$2" = zrangebyscore ] && cmd=(ZRANGEBYSCORE myzset -inf +inf LIMIT 0 10)
  redis-benchmark -p "$1" -c "$clients" -n "$requests" -r 1000000 -P "$3" --csv -q "${cmd[@]}" 2>/dev/null \
    | awk -F'","' 'NR>1 {gsub(/"/,"",$2); print $2; exit}'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

start_pair throughput
# Warm-up, discarded: the JVM compiles its hot paths during the first few hundred thousand
# requests; redis-server gets the same pass so both start from the same data.
for t in ${tests//,/ }; do
  for p in $pipelines; do rps "$redis_port" "$t" "$p" >/dev/null; rps "$relog_port" "$t" "$p" >/dev/null; done
done
echo "redis-server $(redis-server --version | awk '{print $3}') vs Relog; clients=$clients requests=$requests rounds=$rounds ${COMPARE_EXTRA:-} ${RELOG_EXTRA:-}"
printf '%-8s %3s %14s %14s %8s\n' test P redis_rps relog_rps ratio
for t in ${tests//,/ }; do
  for p in $pipelines; do
    r=(); l=()
    for _ in $(seq 1 "$rounds"); do
      r+=("$(rps "$redis_port" "$t" "$p")")
      l+=("$(rps "$relog_port" "$t" "$p")")
    done
    rm=$(printf '%s\n' "${r[@]}" | median); lm=$(printf '%s\n' "${l[@]}" | median)
    printf '%-8s %3s %14.0f %14.0f %8.2f\n' "$t" "$p" "$rm" "$lm" "$(echo "$lm $rm" | awk '{print ($2>0)?$1/$2:0}')"
  done
done
kill "$redis_pid" "$relog_pid" 2>/dev/null || true

if [ "$memory" = yes ]; then
  start_pair memory
  python3 - "$work/load.resp" <<'PY'
import sys
with open(sys.argv[1], "wb") as f:
    v = b"v" * 32
    for i in range(1_000_000):
        k = b"key:%012d" % i
        f.write(b"*3\r\n$3\r\nSET\r\n$16\r\n" + k + b"\r\n$32\r\n" + v + b"\r\n")
PY
  for port in "$redis_port" "$relog_port"; do redis-cli -p "$port" --pipe < "$work/load.resp" >/dev/null; done
  rk=$(redis-cli -p "$redis_port" dbsize); lk=$(redis-cli -p "$relog_port" dbsize)
  # Right after the load, and again after 20 s: the JVM returns unused heap to the OS only
  # after its next collection (Shenandoah uncommits after 1 s idle), Redis' RSS is steady.
  for when in 2 20; do
    sleep $(( when == 2 ? 2 : 18 ))
    rrss=$(redis-cli -p "$redis_port" info memory | awk -F: '/^used_memory_rss:/ {print $2+0}')
    lrss=$(awk '/^VmRSS:/ {print $2*1024}' "/proc/$relog_pid/status")
    printf 'memory for 1,000,000 keys (16-byte keys, 32-byte values), %2d s after loading: redis used_memory_rss=%d MiB (%s keys), relog RSS=%d MiB (%s keys), ratio %.2f\n' \
      "$when" $((rrss/1048576)) "$rk" $((lrss/1048576)) "$lk" "$(echo "$lrss $rrss" | awk '{print $1/$2}')"
  done
fi
