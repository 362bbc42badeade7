#!/usr/bin/env bash
# Side-by-side throughput and memory of Relog and Debian's redis-server, measured in one run.
#
#   bench/compare-redis.sh [-n requests] [--pipelined-n requests] [-c clients] [-t tests] [-P "1 16"]
#                          [--rounds N] [--no-memory]
#                          [--persistence none|always|everysec] [--dir DIR]
#   bench/compare-redis.sh --durability-report [-n requests] [-c clients] [--rounds N] [--dir DIR]
#   bench/compare-redis.sh --metrics-report [-n requests] [-c clients] [-t tests] [-P "1 16"] [--rounds N]
#
# Starts redis-server and Relog with the same settings (random ports, data directories under one
# temp dir), runs redis-benchmark against each alternately (redis, relog, redis, relog, ...) for
# every test after one discarded warm-up pass
# and pipeline depth, and prints requests/s for both and the ratio Relog/Redis (median of rounds).
# Then loads 1,000,000 keys (16-byte keys, 32-byte values) into fresh instances of both and
# compares resident memory: Redis' used_memory_rss against Relog's process RSS.
#
# -n: requests per pass without pipelining (-P 1); --pipelined-n: requests per pass with -P above 1
#   (default 5 x -n: at -P 16 200,000 requests take a third of a second, too short to measure).
# --persistence none (default): no persistence (--appendonly no). always / everysec: both servers
#   run with --appendonly yes --appendfsync MODE (no RDB saves either way).
# --durability-report: SET with -c clients (default 50) at -P 1 against five servers started
#   together: redis-server and Relog with appendfsync always, both with everysec, and Relog
#   without persistence; one warm-up pass each, then --rounds rounds running each server in turn;
#   prints median requests/s and the ratios relog-always/redis-always (target >= 1.3),
#   relog-always/relog-none (>= 0.9), relog-everysec/relog-none (>= 0.9) and
#   relog-everysec/redis-everysec. Skips the memory part.
# --metrics-report: the cost of metrics. Three servers started together: Relog with metrics off
#   (--latency-tracking no, no metrics-port), Relog with metrics on (per-command latency
#   histograms, --metrics-port set and scraped by curl once a second for the whole run, as a
#   Prometheus would) and redis-server for reference; one warm-up pass each, then --rounds rounds
#   running each in turn, for every test (default set,get) and pipeline depth; prints median
#   requests/s and relog-on/relog-off (target >= 0.97), and beside it the servers' CPU time per
#   request (user+system of all threads, from /proc/PID/stat) and its ratio off/on: on a shared
#   machine other processes change wall-clock throughput by far more than 3%, but not the CPU a
#   server spends per request. Skips the memory part.
# --dir DIR: parent of the temp dir holding the servers' data directories. Default: $TMPDIR or
#   /tmp, or /var/tmp if that is a tmpfs (fsync costs nothing on a tmpfs, which would make
#   durable writes look free). The file system used is printed.
#
# Extra directives for both servers: COMPARE_EXTRA="--hz 100" bench/compare-redis.sh
# Extra directives for Relog only: RELOG_EXTRA="--engine-thread dedicated" bench/compare-redis.sh
# Relog JVM options: RELOG_JAVA_OPTS (passed through to bin/relog-server).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
requests=200000
pipelined_requests=
clients=50
tests="set,get,incr,mset,lpush,lpop,sadd,hset,zadd,zrangebyscore"
pipelines="1 16"
rounds=3
memory=yes
persistence=none
report=no
metrics_report=no
dir_parent=
while [ $# -gt 0 ]; do
  case "$1" in
    -n) requests=$2; shift 2 ;;
    --pipelined-n) pipelined_requests=$2; shift 2 ;;
    -c) clients=$2; shift 2 ;;
    -t) tests=$2; shift 2 ;;
    -P) pipelines=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --no-memory) memory=no; shift ;;
    --persistence) persistence=$2; shift 2 ;;
    --durability-report) report=yes; shift ;;
    --metrics-report) metrics_report=yes; shift ;;
    --dir) dir_parent=$2; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
case "$persistence" in
  none|always|everysec) ;;
  *) echo "--persistence must be none, always or everysec, not $persistence" >&2; exit 2 ;;
esac
for tool in redis-server redis-benchmark redis-cli python3; do
  command -v $tool >/dev/null || { echo "needs $tool (apt-get install redis-server redis-tools python3)" >&2; exit 2; }
done
ls "$here"/frontend/target/relog-frontend-*.jar >/dev/null 2>&1 || (cd "$here" && mvn -q -DskipTests package)

# The data directories go on a disk: on a tmpfs fsync returns at once.
fstype() { stat -f -c %T "$1"; }
is_memory_fs() { case "$(fstype "$1")" in tmpfs|ramfs) return 0 ;; *) return 1 ;; esac; }
if [ -n "$dir_parent" ]; then
  mkdir -p "$dir_parent"
  is_memory_fs "$dir_parent" && echo "WARNING: $dir_parent is a tmpfs: fsync is free there, durable numbers mean nothing" >&2
else
  dir_parent=${TMPDIR:-/tmp}
  is_memory_fs "$dir_parent" && dir_parent=/var/tmp
  is_memory_fs "$dir_parent" && { echo "both ${TMPDIR:-/tmp} and /var/tmp are tmpfs: name a directory on a disk with --dir" >&2; exit 2; }
fi
work=$(mktemp -d -p "$dir_parent" relog-compare.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
if command -v findmnt >/dev/null; then
  echo "data directories in $work ($(findmnt -n -o SOURCE,FSTYPE -T "$work" | head -1 | tr -s ' '))"
else
  echo "data directories in $work ($(fstype "$work"))"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_up() { for _ in $(seq 1 300); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "server on $1 did not start" >&2; exit 1; }

# start_server redis|relog NAME none|always|everysec -> sets port and pid (not in a subshell:
# the server must stay a child of this script so that cleanup can stop it)
start_server() {
  local p=$(free_port) d="$work/$2" persist=(--appendonly no) relog_persist=(--snapshot-log-growth-percent 0)
  # Without persistence neither server snapshots: redis-server has --save '' and no AOF to
  # rewrite, and Relog's log-growth snapshots (its AOF rewrite) are turned off to match. With an
  # AOF, redis-server rewrites it on growth (auto-aof-rewrite-percentage 100) and Relog snapshots.
  [ "$3" != none ] && persist=(--appendonly yes --appendfsync "$3") && relog_persist=()
  mkdir -p "$d"
  if [ "$1" = redis ]; then
    redis-server --port "$p" --bind 127.0.0.1 --save '' "${persist[@]}" --dir "$d" \
        --daemonize no --logfile "$work/$2.log" ${COMPARE_EXTRA:-} &
  else
    "$here"/bin/relog-server --port "$p" --bind 127.0.0.1 --save '' "${persist[@]}" "${relog_persist[@]}" --dir "$d" \
        ${COMPARE_EXTRA:-} ${RELOG_EXTRA:-} > "$work/$2.log" 2>&1 &
  fi
  pids+=($!); pid=$!; port=$p
  wait_up "$p"
  # A server that ignored the directives would make a durability comparison meaningless.
  # (Not checked for none: COMPARE_EXTRA may turn persistence on by hand.)
  local got
  if [ "$3" != none ]; then
    got=$(redis-cli -p "$p" config get appendonly | sed -n 2p)
    [ "$got" = yes ] || { echo "$2: appendonly is '$got', expected 'yes'" >&2; exit 1; }
    got=$(redis-cli -p "$p" config get appendfsync | sed -n 2p)
    [ "$got" = "$3" ] || { echo "$2: appendfsync is '$got', expected '$3'" >&2; exit 1; }
  fi
}

# start_pair NAME -> sets redis_port, relog_port, redis_pid, relog_pid
start_pair() {
  start_server redis "redis-$1" "$persistence"; redis_port=$port; redis_pid=$pid
  start_server relog "relog-$1" "$persistence"; relog_port=$port; relog_pid=$pid
}

[ -n "$pipelined_requests" ] || pipelined_requests=$((requests * 5))
reqs_for() { if [ "$1" -gt 1 ]; then echo "$pipelined_requests"; else echo "$requests"; fi; } # pipeline -> requests

rps() { # port test pipeline -> requests per second
  local cmd=(-t "$2")
  # Not a built-in redis-benchmark test: a range read of the sorted set the zadd test fills.
  [ "$2" = zrangebyscore ] && cmd=(ZRANGEBYSCORE myzset -inf +inf LIMIT 0 10)
  redis-benchmark -p "$1" -c "$clients" -n "$(reqs_for "$3")" -r 1000000 -P "$3" --csv -q "${cmd[@]}" 2>/dev/null \
    | awk -F'","' 'NR>1 {gsub(/"/,"",$2); print $2; exit}'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { echo "$1 $2" | awk '{print ($2>0)?$1/$2:0}'; }

if [ "$report" = yes ]; then
  configs="redis-always relog-always redis-everysec relog-everysec relog-none"
  declare -A port_of rounds_of med
  for c in $configs; do start_server "${c%%-*}" "$c" "${c#*-}"; port_of[$c]=$port; done
  for c in $configs; do rps "${port_of[$c]}" set 1 >/dev/null; done # warm-up, discarded
  for _ in $(seq 1 "$rounds"); do
    for c in $configs; do rounds_of[$c]+="$(rps "${port_of[$c]}" set 1) "; done
  done
  echo "durability: redis-server $(redis-server --version | awk '{print $3}') vs Relog; SET -P 1 clients=$clients requests=$requests rounds=$rounds ${COMPARE_EXTRA:-} ${RELOG_EXTRA:-}"
  printf '%-16s %12s   %s\n' server rps rounds
  for c in $configs; do
    med[$c]=$(printf '%s\n' ${rounds_of[$c]} | median)
    printf '%-16s %12.0f   %s\n' "$c" "${med[$c]}" "${rounds_of[$c]}"
  done
  report_ratio() { # numerator denominator target(or -)
    local r; r=$(ratio "${med[$1]}" "${med[$2]}")
    if [ "$3" = - ]; then
      printf '%-32s %6.2f\n' "$1 / $2" "$r"
    else
      printf '%-32s %6.2f   target >= %s: %s\n' "$1 / $2" "$r" "$3" \
          "$(awk -v r="$r" -v t="$3" 'BEGIN {print (r >= t) ? "met" : "NOT met"}')"
    fi
  }
  report_ratio relog-always redis-always 1.3
  report_ratio relog-always relog-none 0.9
  report_ratio relog-everysec relog-none 0.9
  report_ratio relog-everysec redis-everysec -
  exit 0
fi

if [ "$metrics_report" = yes ]; then
  [ "$tests" = "set,get,incr,mset,lpush,lpop,sadd,hset,zadd,zrangebyscore" ] && tests=set,get
  command -v curl >/dev/null || { echo "needs curl for --metrics-report" >&2; exit 2; }
  start_server redis redis "$persistence"; redis_port=$port
  RELOG_EXTRA="${RELOG_EXTRA:-} --latency-tracking no" start_server relog relog-off "$persistence"; off_port=$port
  off_pid=$pid
  mport=$(free_port)
  RELOG_EXTRA="${RELOG_EXTRA:-} --latency-tracking yes --metrics-port $mport" start_server relog relog-on "$persistence"
  on_port=$port; on_pid=$pid
  # CPU time of a server process (all its threads), in clock ticks: what a run cost the server,
  # which the other processes on a shared machine cannot inflate the way they do wall time.
  ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
  hz=$(getconf CLK_TCK)
  # cpu_rps PORT PID TEST P -> "rps cpu_us_per_request"
  cpu_rps() {
    local t0 t1 r
    t0=$(ticks "$2"); r=$(rps "$1" "$3" "$4"); t1=$(ticks "$2")
    echo "$r $(awk -v d=$((t1 - t0)) -v hz="$hz" -v n="$(reqs_for "$4")" 'BEGIN {printf "%.3f", d * 1e6 / hz / n}')"
  }
  curl -sf "http://127.0.0.1:$mport/metrics" | grep -q '^relog_commands_calls_total' \
    || { echo "relog-on: no metrics on port $mport" >&2; exit 1; }
  (while :; do curl -sf -o /dev/null "http://127.0.0.1:$mport/metrics" || true; sleep 1; done) &
  pids+=($!)
  for t in ${tests//,/ }; do
    for p in $pipelines; do for q in $redis_port $off_port $on_port; do rps "$q" "$t" "$p" >/dev/null; done; done
  done
  echo "metrics cost: redis-server $(redis-server --version | awk '{print $3}') vs Relog off/on; clients=$clients requests=$requests rounds=$rounds persistence=$persistence ${COMPARE_EXTRA:-} ${RELOG_EXTRA:-}"
  echo "rps: median requests/s; cpu: median server CPU microseconds per request (user+system, all threads," \
       "from /proc; resolution 1/$hz s per run); cpu off/on is the throughput ratio the CPU cost implies"
  printf '%-8s %3s %10s %10s %10s %8s %8s %8s %8s  %s\n' test P redis_rps off_rps on_rps on/off off_cpu on_cpu \
      "cpu off/on" "target >= 0.97 (rps; cpu)"
  for t in ${tests//,/ }; do
    for p in $pipelines; do
      r=(); f=(); o=(); fc=(); oc=()
      for _ in $(seq 1 "$rounds"); do
        r+=("$(rps "$redis_port" "$t" "$p")")
        read -r x c < <(cpu_rps "$off_port" "$off_pid" "$t" "$p"); f+=("$x"); fc+=("$c")
        read -r x c < <(cpu_rps "$on_port" "$on_pid" "$t" "$p"); o+=("$x"); oc+=("$c")
      done
      rm=$(printf '%s\n' "${r[@]}" | median); fm=$(printf '%s\n' "${f[@]}" | median)
      om=$(printf '%s\n' "${o[@]}" | median); q=$(ratio "$om" "$fm")
      fcm=$(printf '%s\n' "${fc[@]}" | median); ocm=$(printf '%s\n' "${oc[@]}" | median); qc=$(ratio "$fcm" "$ocm")
      printf '%-8s %3s %10.0f %10.0f %10.0f %8.3f %8.3f %8.3f %8.3f  %s; %s   (rps off: %s; on: %s; cpu off: %s; on: %s)\n' \
          "$t" "$p" "$rm" "$fm" "$om" "$q" "$fcm" "$ocm" "$qc" \
          "$(awk -v r="$q" 'BEGIN {print (r >= 0.97) ? "met" : "NOT met"}')" \
          "$(awk -v r="$qc" 'BEGIN {print (r >= 0.97) ? "met" : "NOT met"}')" "${f[*]}" "${o[*]}" "${fc[*]}" "${oc[*]}"
    done
  done
  exit 0
fi

start_pair throughput
# Warm-up, discarded: the JVM compiles its hot paths during the first few hundred thousand
# requests; redis-server gets the same pass so both start from the same data.
for t in ${tests//,/ }; do
  for p in $pipelines; do rps "$redis_port" "$t" "$p" >/dev/null; rps "$relog_port" "$t" "$p" >/dev/null; done
done
echo "redis-server $(redis-server --version | awk '{print $3}') vs Relog; clients=$clients requests=$requests (pipelined: $pipelined_requests) rounds=$rounds persistence=$persistence ${COMPARE_EXTRA:-} ${RELOG_EXTRA:-}"
printf '%-8s %3s %14s %14s %8s\n' test P redis_rps relog_rps ratio
for t in ${tests//,/ }; do
  for p in $pipelines; do
    r=(); l=()
    for _ in $(seq 1 "$rounds"); do
      r+=("$(rps "$redis_port" "$t" "$p")")
      l+=("$(rps "$relog_port" "$t" "$p")")
    done
    rm=$(printf '%s\n' "${r[@]}" | median); lm=$(printf '%s\n' "${l[@]}" | median)
    printf '%-8s %3s %14.0f %14.0f %8.2f\n' "$t" "$p" "$rm" "$lm" "$(ratio "$lm" "$rm")"
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
