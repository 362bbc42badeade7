#!/usr/bin/env bash
# Replication benchmarks, measured in one run:
#
#   bench/replication-bench.sh [--catchup-mb 1024] [--value-bytes 16384] [-n 200000] [-c 50]
#                              [-P "1 16"] [--rounds 3] [--only catchup|throughput] [--keep] [--dir DIR]
#
# (a) Catch-up (Relog only): a Relog master and a Relog replica (appendonly yes, appendfsync
#     everysec); once the replica is in sync it is stopped cleanly, the master takes --catchup-mb
#     MiB of SETs (values of --value-bytes bytes over 1000 keys, so memory stays small and the
#     bytes are stream, not data set), the replica is started again as a master (so the JVM's start
#     is not timed) and then told REPLICAOF: from that command until its slave_repl_offset equals
#     the master's master_repl_offset, it PSYNCs, gets +CONTINUE and is served the missed bytes from
#     the master's log files (sendfile) while applying them. Prints MB/s (10^6 bytes/s of stream)
#     and checks that the master counted a partial resync and no second full one. Target >= 300.
#     Also prints the CPU time the replica and the master used meanwhile (from /proc), and MB per
#     replica CPU-second: on a busy machine that says more than the wall-clock rate; and the
#     replica's CPU by thread (user/system; threads that ended meanwhile, such as a JIT compiler
#     thread the JVM retired, are in the total but not listed).
#     The master's log was just written, so it is most likely in the page cache: the number is
#     what serving a recent backlog costs, not a cold disk read (dropping the cache needs root;
#     run `sync; echo 3 > /proc/sys/vm/drop_caches` by hand between fill and catch-up for that).
# (b) Throughput: for redis-server (with redis-server replicas) and Relog (with Relog replicas),
#     each master with 0, then 1, then 2 replicas attached and in sync: redis-benchmark SET with
#     -c clients and -n requests at -P 1 (--pipelined-n, default 5 x -n, above -P 1: 200,000
#     pipelined requests last well under a second), --rounds rounds after one discarded warm-up,
#     median requests/s. No persistence (--appendonly no; Relog still writes its log, which is
#     what replicas are served from). Prints the ratio with-2 / with-0 per server and depth
#     (target >= 0.8) and Relog/Redis at each point. Everything runs on this machine, replicas
#     included: on a 2-core VM the replicas compete with the master for the CPUs, which a real
#     deployment does not.
#
# Relog's JVMs: RELOG_JAVA_OPTS, default "-Xms1g -Xmx1g -XX:+AlwaysPreTouch" (first touch of
# memory is paid at start, not in a measurement).
# --dir DIR: parent of the temp dir (default $TMPDIR or /tmp, or /var/tmp if that is a tmpfs).
# --keep: keep the temp dir (servers' logs).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
catchup_mb=1024
value_bytes=16384
requests=200000
pipelined_requests=
clients=50
pipelines="1 16"
rounds=3
only=
keep=no
dir_parent=
while [ $# -gt 0 ]; do
  case "$1" in
    --catchup-mb) catchup_mb=$2; shift 2 ;;
    --value-bytes) value_bytes=$2; shift 2 ;;
    -n) requests=$2; shift 2 ;;
    --pipelined-n) pipelined_requests=$2; shift 2 ;;
    -c) clients=$2; shift 2 ;;
    -P) pipelines=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --keep) keep=yes; shift ;;
    --dir) dir_parent=$2; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
case "$only" in ''|catchup|throughput) ;; *) echo "--only must be catchup or throughput" >&2; exit 2 ;; esac
for tool in redis-server redis-benchmark redis-cli python3; do
  command -v $tool >/dev/null || { echo "needs $tool (apt-get install redis-server redis-tools python3)" >&2; exit 2; }
done
ls "$here"/frontend/target/relog-frontend-*.jar >/dev/null 2>&1 || (cd "$here" && mvn -q -DskipTests package)
export RELOG_JAVA_OPTS=${RELOG_JAVA_OPTS:-"-Xms1g -Xmx1g -XX:+AlwaysPreTouch"}

is_memory_fs() { case "$(stat -f -c %T "$1")" in tmpfs|ramfs) return 0 ;; *) return 1 ;; esac; }
if [ -z "$dir_parent" ]; then
  dir_parent=${TMPDIR:-/tmp}
  is_memory_fs "$dir_parent" && dir_parent=/var/tmp
fi
mkdir -p "$dir_parent"
work=$(mktemp -d -p "$dir_parent" relog-repl-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$keep" = yes ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
echo "data directories in $work ($(stat -f -c %T "$work")); $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_up() { for _ in $(seq 1 600); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "server on $1 did not start" >&2; exit 1; }
info_field() { redis-cli -p "$1" info "$2" | tr -d '\r' | awk -F: -v f="$3" '$1 == f {print $2}'; }

# start_server redis|relog NAME [directives...] -> sets port and pid (the server stays a child of
# this shell, so cleanup can stop it)
start_server() {
  local kind=$1 name=$2; shift 2
  local p=$(free_port) d="$work/$name"
  mkdir -p "$d"
  if [ "$kind" = redis ]; then
    redis-server --port "$p" --bind 127.0.0.1 --save '' --appendonly no --dir "$d" \
        --repl-diskless-sync-delay 0 --daemonize no --logfile "$work/$name.log" "$@" &
  else
    "$here"/bin/relog-server --port "$p" --bind 127.0.0.1 --save '' --dir "$d" "$@" \
        >> "$work/$name.log" 2>&1 &
  fi
  pids+=($!); pid=$!; port=$p
  wait_up "$p"
}

# stop_server PORT PID: SHUTDOWN, then wait for the process to exit
stop_server() {
  redis-cli -p "$1" shutdown >/dev/null 2>&1 || true
  for _ in $(seq 1 300); do kill -0 "$2" 2>/dev/null || return 0; sleep 0.1; done
  echo "server $2 did not stop" >&2; exit 1
}

# await_in_sync MASTER_PORT REPLICA_PORT [poll seconds]
await_in_sync() {
  local m r
  for _ in $(seq 1 36000); do
    m=$(info_field "$1" replication master_repl_offset)
    r=$(info_field "$2" replication slave_repl_offset)
    [ "$(info_field "$2" replication master_link_status)" = up ] && [ -n "$r" ] && [ "$m" = "$r" ] && return 0
    sleep "${3:-0.1}"
  done
  echo "replica on $2 did not catch up with $1" >&2; exit 1
}

now() { date +%s.%N; }
# cpu_seconds PID: user + system CPU time the process has used so far
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }
# thread_cpu PID: "<name>#<tid> <user s> <system s>" per thread (fields after the command name)
thread_cpu() {
  local t
  for t in /proc/"$1"/task/*; do
    awk -v hz="$(getconf CLK_TCK)" -v id="$(tr ' ' '_' < "$t/comm")#${t##*/}" \
      '{sub(/^.*\) /, ""); print id, $12 / hz, $13 / hz}' "$t/stat" 2>/dev/null || true
  done
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { echo "$1 $2" | awk '{printf "%.2f", ($2>0)?$1/$2:0}'; }

catchup_result="not run"
if [ "$only" != throughput ]; then
  start_server relog cu-master --appendonly yes --appendfsync everysec; m_port=$port; m_pid=$pid
  start_server relog cu-replica --appendonly yes --appendfsync everysec --replicaof 127.0.0.1 "$m_port"
  r_port=$port; r_pid=$pid
  await_in_sync "$m_port" "$r_port"
  stop_server "$r_port" "$r_pid"
  before=$(info_field "$m_port" replication master_repl_offset)
  n=$(python3 -c "print(max(1, int($catchup_mb * 2**20 / $value_bytes)))")
  echo "catch-up: filling the master with $n SETs of $value_bytes-byte values (~$catchup_mb MiB of stream)..."
  redis-benchmark -p "$m_port" -c 50 -P 16 -t set -d "$value_bytes" -r 1000 -n "$n" -q >/dev/null
  after=$(info_field "$m_port" replication master_repl_offset)
  behind=$((after - before))
  full_before=$(info_field "$m_port" stats sync_full)
  partial_before=$(info_field "$m_port" stats sync_partial_ok)
  # Started as a master on its own directory (a clean stop keeps its replication ID), then told to follow.
  start_server relog cu-replica --appendonly yes --appendfsync everysec; r_port=$port; r_pid=$pid
  m_cpu0=$(cpu_seconds "$m_pid"); r_cpu0=$(cpu_seconds "$r_pid")
  thread_cpu "$r_pid" > "$work/replica-threads.0"
  t0=$(now)
  redis-cli -p "$r_port" replicaof 127.0.0.1 "$m_port" >/dev/null
  await_in_sync "$m_port" "$r_port" 0.02
  t1=$(now)
  thread_cpu "$r_pid" > "$work/replica-threads.1"
  by_thread=$(awk 'NR == FNR {u[$1] = $2; s[$1] = $3; next}
      {du = $2 - u[$1]; ds = $3 - s[$1]; if (du + ds >= 0.05) printf "%.2f %s %.2f+%.2f\n", du + ds, $1, du, ds}' \
      "$work/replica-threads.0" "$work/replica-threads.1" | sort -rn | awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $3}')
  m_cpu=$(echo "$m_cpu0 $(cpu_seconds "$m_pid")" | awk '{printf "%.2f", $2 - $1}')
  r_cpu=$(echo "$r_cpu0 $(cpu_seconds "$r_pid")" | awk '{printf "%.2f", $2 - $1}')
  full_after=$(info_field "$m_port" stats sync_full)
  partial_after=$(info_field "$m_port" stats sync_partial_ok)
  secs=$(echo "$t0 $t1" | awk '{printf "%.3f", $2 - $1}')
  mbps=$(echo "$behind $secs" | awk '{printf "%.0f", ($2 > 0) ? $1 / $2 / 1e6 : 0}')
  kind="partial (+CONTINUE)"
  if [ "$full_after" != "$full_before" ] || [ "$partial_after" = "$partial_before" ]; then
    kind="NOT a partial resync (sync_full $full_before -> $full_after)"
  fi
  # On a busy machine the wall-clock rate says more about the neighbours than about Relog; the
  # replica's CPU time says what one core of it does (it applies and logs on one engine thread).
  per_cpu=$(echo "$behind $r_cpu" | awk '{printf "%.0f", ($2 > 0) ? $1 / $2 / 1e6 : 0}')
  catchup_result="$behind bytes behind, caught up in $secs s: $mbps MB/s, $kind (target >= 300 MB/s);
          CPU used meanwhile: replica $r_cpu s ($per_cpu MB per replica CPU-second), master $m_cpu s;
          replica by thread (user+system s): $by_thread"
  echo "catch-up: $catchup_result"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
fi

[ -n "$pipelined_requests" ] || pipelined_requests=$((requests * 5))
rps() { # port pipeline -> requests per second
  local n=$requests
  [ "$2" -gt 1 ] && n=$pipelined_requests
  redis-benchmark -p "$1" -c "$clients" -n "$n" -r 1000000 -P "$2" --csv -q -t set 2>/dev/null \
    | awk -F'","' 'NR>1 {gsub(/"/,"",$2); print $2; exit}'
}

declare -A med
if [ "$only" != catchup ]; then
  for kind in redis relog; do
    start_server "$kind" "$kind-master"; m_port=$port
    for replicas in 0 1 2; do
      if [ "$replicas" -gt 0 ]; then
        start_server "$kind" "$kind-replica$replicas" --replicaof 127.0.0.1 "$m_port"
        await_in_sync "$m_port" "$port"
      fi
      for P in $pipelines; do
        rps "$m_port" "$P" >/dev/null # warm-up, discarded
        samples=""
        for _ in $(seq 1 "$rounds"); do samples+="$(rps "$m_port" "$P") "; done
        med[$kind,$replicas,$P]=$(echo $samples | tr ' ' '\n' | median)
        echo "throughput: $kind with $replicas replica(s), SET -P $P: rounds $samples-> median ${med[$kind,$replicas,$P]}"
      done
    done
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    pids=()
  done
fi

echo
echo "== summary ($(date -u +%FT%TZ); $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg); redis-server $(redis-server --version | awk '{print $3}'))"
echo "catch-up: $catchup_result"
if [ "$only" != catchup ]; then
  echo "SET throughput, requests/s (median of $rounds; -c $clients -n $requests, pipelined $pipelined_requests; replicas on the same machine)"
  printf '%-6s %-4s %12s %12s %12s %10s\n' server -P "0 replicas" "1 replica" "2 replicas" "2/0"
  for P in $pipelines; do
    for kind in redis relog; do
      printf '%-6s %-4s %12s %12s %12s %10s\n' "$kind" "$P" "${med[$kind,0,$P]}" "${med[$kind,1,$P]}" \
        "${med[$kind,2,$P]}" "$(ratio "${med[$kind,2,$P]}" "${med[$kind,0,$P]}")"
    done
    printf '%-11s %12s %12s %12s\n' "relog/redis" "$(ratio "${med[relog,0,$P]}" "${med[redis,0,$P]}")" \
      "$(ratio "${med[relog,1,$P]}" "${med[redis,1,$P]}")" "$(ratio "${med[relog,2,$P]}" "${med[redis,2,$P]}")"
  done
  echo "targets: relog 2/0 >= 0.8"
fi
