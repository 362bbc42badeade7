#!/usr/bin/env bash
# Snapshot under a concurrent write load, redis-server (fork + copy-on-write) against Relog
# (frozen view), measured in one run.
#
#   bench/snapshot-under-load.sh [--gb 2] [--value-bytes 1024] [-c 50] [--only redis|relog] [--dir DIR]
#
# For each server in turn (redis-server first, then Relog; never both at once, so the machine
# needs the memory of one), with --save "" --appendonly no (and for Relog
# --snapshot-log-growth-percent 0, else the fill's log growth starts snapshots of its own):
#   1. fill ~GB of data: GB*2^30/value-bytes keys key:<12 digits> (16 bytes) with random values
#      of value-bytes bytes (not compressible, so Redis' LZF gains nothing), streamed by a
#      generator into redis-cli --pipe; the same seed gives both servers the same data;
#   2. start a write load: redis-benchmark SET over the same keyspace (-r, value-bytes values,
#      -c clients), running throughout, and a latency probe (one SET every ms on its own
#      connection, send-to-reply time recorded);
#   3. after 3 s of load, BGSAVE; every 100 ms until the snapshot completes, sample the server's
#      memory: proportional set size (Pss, /proc/PID/smaps_rollup) summed over the server and its
#      children — for redis-server that counts each page shared by the parent and the fork child
#      once, so its growth is the copy-on-write — and VmRSS; then stop the load;
#   4. stop the server (SIGTERM; with save "" neither saves on the way out), start it again on the
#      same directory and time how long until it answers PING with PONG; read its own load time
#      from its log (redis: "DB loaded from disk", Relog: "Loaded <file> ... in s seconds" plus
#      "DB loaded from the log" for the writes after the snapshot).
# Prints a side-by-side table with ratios Relog/Redis and the issue's targets: extra memory during
# the snapshot <= 20% of redis-server's copy-on-write, no client stall above 10 ms, load time <=
# redis-server's.
#
# Relog's JVM: RELOG_JAVA_OPTS, default "-Xms<H>g -Xmx<H>g -XX:+AlwaysPreTouch" with H = max(2,
# ceil(6*GB)) (12g for 2 GB). With a pre-touched fixed heap Relog's RSS cannot grow, so its RSS
# delta is 0 by construction; the script therefore also reports the live heap's growth, from the
# GC log (-Xlog:gc, added by the script) of two collections it requests with jcmd GC.run during a
# second BGSAVE under the same load: one just before it, one --gc-at seconds into the snapshot (the
# old versions the view retains are live then; the load's garbage is not). Those collections stall
# clients, so latency and duration come from the first BGSAVE, during which nothing is requested.
# The restart uses RELOG_RESTART_JAVA_OPTS, default RELOG_JAVA_OPTS without -XX:+AlwaysPreTouch:
# pre-touching 12 GiB costs ~30 s on these VMs (11 us per 4 KiB page), which is not load time;
# without it Relog pays first touch for the pages it fills, as redis-server does.
#
# --gb G: data size in GiB (default 2; --gb 0.2 for a quick run).
# --value-bytes N: value size (default 1024).  -c N: load clients (default 50).
# --gc-at S: seconds into the snapshot at which to ask for Relog's live-heap collection (default 0:
#   jcmd itself takes ~1 s to attach on a busy machine; a
#   snapshot that ends before the collection has marked reports "n/a").
# Extra directives for Relog: RELOG_EXTRA="--rdb-save-incremental-fsync no" (an A/B of one setting).
# --only redis|relog: run one server.  --keep: keep the temp dir (logs, probe samples).
# --dir DIR: parent of the temp dir (default $TMPDIR or /tmp, or /var/tmp if that is a tmpfs: the
#   snapshot's fsync must reach a disk).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
gb=2
value_bytes=1024
clients=50
only=
keep=no
dir_parent=
gc_at=0
while [ $# -gt 0 ]; do
  case "$1" in
    --gb) gb=$2; shift 2 ;;
    --value-bytes) value_bytes=$2; shift 2 ;;
    -c) clients=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --keep) keep=yes; shift ;;
    --dir) dir_parent=$2; shift 2 ;;
    --gc-at) gc_at=$2; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
case "$only" in ''|redis|relog) ;; *) echo "--only must be redis or relog" >&2; exit 2 ;; esac
for tool in redis-server redis-benchmark redis-cli python3; do
  command -v $tool >/dev/null || { echo "needs $tool (apt-get install redis-server redis-tools python3)" >&2; exit 2; }
done
ls "$here"/frontend/target/relog-frontend-*.jar >/dev/null 2>&1 || (cd "$here" && mvn -q -DskipTests package)

keys=$(python3 -c "print(int($gb * 2**30 / $value_bytes))")
heap_g=$(python3 -c "import math; print(max(2, math.ceil(6 * $gb)))")
RELOG_JAVA_OPTS=${RELOG_JAVA_OPTS:-"-Xms${heap_g}g -Xmx${heap_g}g -XX:+AlwaysPreTouch"}
RELOG_RESTART_JAVA_OPTS=${RELOG_RESTART_JAVA_OPTS:-$(echo "$RELOG_JAVA_OPTS" | sed 's/-XX:+AlwaysPreTouch//')}
relog_heap_bytes=$(echo "$RELOG_JAVA_OPTS" | python3 -c '
import re, sys
m = re.search(r"-Xmx(\d+)([kmgKMG]?)", sys.stdin.read())
print(int(m.group(1)) * {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[m.group(2).lower()] if m else 0)')

# Memory: one server at a time. redis-server: its data (~1.3x the raw bytes with jemalloc and
# dict overhead) twice in the worst case of copy-on-write; Relog: its heap; plus 1 GiB slack.
avail=$(awk '/^MemAvailable:/ {printf "%.0f", $2 * 1024}' /proc/meminfo)
need=$(python3 -c "print(int(max(2 * 1.3 * $gb * 2**30, $relog_heap_bytes) + 2**30))")
if [ "$avail" -lt "$need" ]; then
  echo "needs ~$((need >> 20)) MiB available, the machine has $((avail >> 20)) MiB: use a smaller --gb" >&2
  exit 2
fi

fstype() { stat -f -c %T "$1"; }
is_memory_fs() { case "$(fstype "$1")" in tmpfs|ramfs) return 0 ;; *) return 1 ;; esac; }
if [ -n "$dir_parent" ]; then
  mkdir -p "$dir_parent"
  is_memory_fs "$dir_parent" && echo "WARNING: $dir_parent is a tmpfs: snapshots will not reach a disk" >&2
else
  dir_parent=${TMPDIR:-/tmp}
  is_memory_fs "$dir_parent" && dir_parent=/var/tmp
  is_memory_fs "$dir_parent" && { echo "both ${TMPDIR:-/tmp} and /var/tmp are tmpfs: name a directory on a disk with --dir" >&2; exit 2; }
fi
work=$(mktemp -d -p "$dir_parent" relog-snapload.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$keep" = yes ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
if command -v findmnt >/dev/null; then
  echo "data directories in $work ($(findmnt -n -o SOURCE,FSTYPE -T "$work" | head -1 | tr -s ' '))"
else
  echo "data directories in $work ($(fstype "$work"))"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_up() { for _ in $(seq 1 6000); do [ "$(redis-cli -p "$1" ping 2>/dev/null)" = PONG ] && return 0; sleep 0.1; done; echo "server on $1 did not start" >&2; exit 1; }
info_field() { redis-cli -p "$1" info "$2" | tr -d '\r' | awk -F: -v f="$3" '$1 == f {print $2}'; }

# The generator: RESP SETs of the keyspace with random values (a 64 MiB random pool read at a
# different offset per key), deterministic so that both servers get the same bytes.
cat > "$work/fill.py" <<'PY'
import random, sys
keys, vb = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(42)
pool = rng.randbytes(64 << 20)
span = len(pool) - vb
out = sys.stdout.buffer
head = b"*3\r\n$3\r\nSET\r\n$16\r\n"
vhead = b"\r\n$%d\r\n" % vb
chunk = []
for i in range(keys):
    o = (i * 7919 * 64) % span
    chunk.append(head + b"key:%012d" % i + vhead + pool[o:o + vb] + b"\r\n")
    if len(chunk) == 4096:
        out.write(b"".join(chunk)); chunk.clear()
out.write(b"".join(chunk))
PY

# The latency probe: one SET per interval on its own connection; writes "unix_ns latency_ns" per
# request when stopped (SIGTERM).
cat > "$work/probe.py" <<'PY'
import signal, socket, sys, time
port, out, interval = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]) / 1000
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
req = b"*3\r\n$3\r\nSET\r\n$11\r\nprobe:latcy\r\n$1\r\n1\r\n"
samples = []
running = True
def stop(*_):
    global running
    running = False
signal.signal(signal.SIGTERM, stop)
nxt = time.perf_counter()
while running:
    wall = time.time_ns()
    t0 = time.perf_counter_ns()
    s.sendall(req)
    buf = b""
    while not buf.endswith(b"\r\n"):
        r = s.recv(64)
        if not r:
            running = False
            break
        buf += r
    samples.append((wall, time.perf_counter_ns() - t0))
    nxt += interval
    d = nxt - time.perf_counter()
    if d > 0:
        time.sleep(d)
    else:
        nxt = time.perf_counter()
with open(out, "w") as f:
    for w, l in samples:
        f.write("%d %d\n" % (w, l))
PY

# The snapshot monitor: baseline memory, BGSAVE, samples every 100 ms until the snapshot is done.
# With gc_at >= 0 (Relog's second round) it also asks the JVM for a collection just before BGSAVE
# and gc_at seconds into the snapshot (jcmd GC.run), so that the GC log shows the live heap at both
# points. Those collections stall clients (jcmd attaches, the cycle pauses), so latency is taken
# from the first round only, which touches nothing.
cat > "$work/monitor.py" <<'PY'
import os, socket, subprocess, sys, time
port, pid, gc_at = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
live = gc_at >= 0  # ask for collections (Relog's live-heap round); -1: do not touch the process

def cmd(s, *args):
    s.sendall(b"".join([b"*%d\r\n" % len(args)] + [b"$%d\r\n%s\r\n" % (len(a), a) for a in args]))
    f = s.makefile("rb")
    line = f.readline()
    if line[:1] == b"$":
        n = int(line[1:])
        data = f.read(n + 2)[:-2]
    else:
        data = line[1:].strip()
    return data.decode()

def info(s, section):
    out = {}
    for line in cmd(s, b"INFO", section.encode()).splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            out[k] = v
    return out

def family(p):
    out = [p]
    try:
        for t in os.listdir("/proc/%d/task" % p):
            with open("/proc/%d/task/%s/children" % (p, t)) as f:
                for c in f.read().split():
                    out += family(int(c))
    except OSError:
        pass
    return out

def rollup(p):
    m = {}
    try:
        with open("/proc/%d/smaps_rollup" % p) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                    m[parts[0][:-1]] = int(parts[1]) * 1024
    except OSError:
        pass
    return m

def memory():
    fam = family(pid)
    pss = rss = child_dirty = 0
    for p in fam:
        r = rollup(p)
        pss += r.get("Pss", 0)
        rss += r.get("Rss", 0)
        if p != pid:
            child_dirty += r.get("Private_Dirty", 0)
    return pss, rss, child_dirty, len(fam) - 1

def jcmd_gc():
    jcmd = os.path.join(os.path.dirname(os.readlink("/proc/%d/exe" % pid)), "jcmd")
    return subprocess.Popen([jcmd, str(pid), "GC.run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

s = socket.create_connection(("127.0.0.1", port))
if live:
    print("gc_before_ns=%d" % time.time_ns())
    jcmd_gc().wait()
    time.sleep(0.5)
base = []
for _ in range(10):
    base.append(memory())
    time.sleep(0.1)
heap0 = int(info(s, "memory").get("used_memory", 0))
while info(s, "persistence").get("rdb_bgsave_in_progress") == "1":
    time.sleep(0.1)  # not ours: measure a snapshot from its start
saves0 = int(info(s, "persistence").get("rdb_saves", -1))
print("baseline_pss=%d" % max(b[0] for b in base))
print("baseline_rss=%d" % max(b[1] for b in base))
print("baseline_used_memory=%d" % heap0)
t0 = time.time_ns()
reply = cmd(s, b"BGSAVE")
print("bgsave_reply=%s" % reply.replace(" ", "_"))
if reply.startswith("ERR"):
    sys.exit("BGSAVE failed: " + reply)
print("start_ns=%d" % t0)
peak_pss = peak_rss = peak_dirty = peak_heap = children = samples = 0
gc = None
while True:
    pss, rss, dirty, ch = memory()
    p = info(s, "persistence")
    heap = int(info(s, "memory").get("used_memory", 0))
    samples += 1
    peak_pss, peak_rss, peak_dirty = max(peak_pss, pss), max(peak_rss, rss), max(peak_dirty, dirty)
    peak_heap, children = max(peak_heap, heap), max(children, ch)
    if int(p.get("rdb_saves", -1)) > saves0 and p.get("rdb_bgsave_in_progress") == "0":
        break
    if saves0 < 0 and p.get("rdb_bgsave_in_progress") == "0" and time.time_ns() - t0 > 1e9:
        break  # no rdb_saves field: trust bgsave_in_progress after a second
    if live and gc is None and time.time_ns() - t0 >= gc_at * 1e9:
        print("gc_during_ns=%d" % time.time_ns())
        gc = jcmd_gc()
    time.sleep(0.1)
t1 = time.time_ns()
if gc is not None:
    gc.wait()
print("end_ns=%d" % t1)
print("duration_s=%.3f" % ((t1 - t0) / 1e9))
print("samples=%d" % samples)
print("peak_pss=%d" % peak_pss)
print("peak_rss=%d" % peak_rss)
print("peak_child_private_dirty=%d" % peak_dirty)
print("peak_used_memory=%d" % peak_heap)
print("fork_children_seen=%d" % children)
for k in ("rdb_last_bgsave_status", "rdb_last_bgsave_time_sec", "rdb_last_cow_size", "rdb_saves"):
    print("%s=%s" % (k, p.get(k, "")))
PY

# Live heap (MiB) after the collections jcmd asked for, from Shenandoah's/G1's/ZGC's -Xlog:gc
# lines "... GC(n) ... 1234M->567M(12288M) ..." with utctime decoration: the last "after" value
# of the cycle that started after gc_before_ns / gc_during_ns (the first cycle whose line is
# dated after that moment).
cat > "$work/gclog.py" <<'PY'
import datetime, re, sys
log, t = sys.argv[1], int(sys.argv[2])
end = int(sys.argv[3]) if len(sys.argv) > 3 else float("inf")  # the cycle must start before this
pat = re.compile(r"^\[([^\]]+)\].*GC\((\d+)\).*?(\d+)M->(\d+)M\(\d+M\)")
after = {}
first = {}
for line in open(log, errors="replace"):
    m = pat.match(line)
    if not m:
        continue
    ts = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() * 1e9
    n = int(m.group(2))
    first.setdefault(n, ts)
    after[n] = int(m.group(4))
for n in sorted(first):
    if first[n] >= t - 50e6:  # a cycle jcmd requested starts right after it was asked for
        print(after[n] if first[n] <= end else "")
        break
else:
    print("")
PY

# Latency statistics of the probe's samples between two moments (ns): count, p99.9 ms, max ms,
# samples above 10 ms.
cat > "$work/lat.py" <<'PY'
import sys
f, a, b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ls = sorted(int(l.split()[1]) for l in open(f) if a <= int(l.split()[0]) <= b)
if not ls:
    print("0 nan nan 0"); sys.exit()
p999 = ls[min(len(ls) - 1, int(len(ls) * 0.999))]
print(len(ls), "%.2f" % (p999 / 1e6), "%.2f" % (ls[-1] / 1e6), sum(1 for x in ls if x > 10e6))
PY

# run_server redis|relog: the whole sequence for one server; results in the associative array R
declare -A R
run_server() {
  local kind=$1 d="$work/$1" port pid logf="$work/$1.log" gclog="$work/$1-gc.log" starts=0
  mkdir -p "$d"
  port=$(free_port)
  start() { # $1: java options for Relog
    if [ "$kind" = redis ]; then
      redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$d" \
          --daemonize no --logfile "$logf" &
    else
      starts=$((starts + 1))
      RELOG_JAVA_OPTS="$1 -Xlog:gc:file=$work/$kind-gc-$starts.log:utctime" "$here"/bin/relog-server --port "$port" \
          --bind 127.0.0.1 --save '' --appendonly no --snapshot-log-growth-percent 0 --dir "$d" ${RELOG_EXTRA:-} \
          >> "$logf" 2>&1 &
    fi
    pid=$!; pids+=($pid)
  }
  start "$RELOG_JAVA_OPTS"
  gclog="$work/$kind-gc-$starts.log"
  wait_up "$port"
  echo "== $kind (pid $pid, port $port): filling $keys keys of $value_bytes bytes"
  local t0 t1
  t0=$(date +%s.%N)
  python3 "$work/fill.py" "$keys" "$value_bytes" | redis-cli -p "$port" --pipe > "$work/$kind-fill.out"
  t1=$(date +%s.%N)
  R[$kind.dbsize]=$(redis-cli -p "$port" dbsize)
  R[$kind.fill_s]=$(echo "$t0 $t1" | awk '{printf "%.1f", $2 - $1}')
  R[$kind.rss_filled]=$(awk '/^VmRSS:/ {printf "%.0f", $2 * 1024}' "/proc/$pid/status")
  echo "   filled: ${R[$kind.dbsize]} keys in ${R[$kind.fill_s]} s, RSS $((R[$kind.rss_filled] >> 20)) MiB; load: SET -c $clients -r $keys -d $value_bytes, probe every 1 ms"

  redis-benchmark -p "$port" -c "$clients" -n 2000000000 -r "$keys" -d "$value_bytes" -t set -q \
      > /dev/null 2>&1 &
  local bench=$!; pids+=($bench)
  python3 "$work/probe.py" "$port" "$work/$kind-probe.txt" 1 &
  local probe=$!; pids+=($probe)
  local cmds0 l0; cmds0=$(info_field "$port" stats total_commands_processed); l0=$(date +%s.%N)
  sleep 3
  python3 "$work/monitor.py" "$port" "$pid" -1 > "$work/$kind-monitor.txt"
  if [ "$kind" = relog ]; then
    sleep 2
    python3 "$work/monitor.py" "$port" "$pid" "$gc_at" > "$work/$kind-monitor-live.txt"
  fi
  local cmds1 l1; cmds1=$(info_field "$port" stats total_commands_processed); l1=$(date +%s.%N)
  kill "$bench" 2>/dev/null || true; wait "$bench" 2>/dev/null || true
  kill -TERM "$probe"; wait "$probe" || true
  R[$kind.load_rps]=$(echo "$cmds0 $cmds1 $l0 $l1" | awk '{printf "%.0f", ($2 - $1) / ($4 - $3)}')
  while IFS='=' read -r k v; do R[$kind.$k]=$v; done < "$work/$kind-monitor.txt"
  read -r n p999 mx over <<< "$(python3 "$work/lat.py" "$work/$kind-probe.txt" "${R[$kind.start_ns]}" "${R[$kind.end_ns]}")"
  R[$kind.lat_n]=$n; R[$kind.lat_p999]=$p999; R[$kind.lat_max]=$mx; R[$kind.lat_over10]=$over
  read -r n p999 mx over <<< "$(python3 "$work/lat.py" "$work/$kind-probe.txt" 0 "${R[$kind.start_ns]}")"
  R[$kind.lat_before_p999]=$p999; R[$kind.lat_before_max]=$mx
  R[$kind.extra_pss]=$(( R[$kind.peak_pss] - R[$kind.baseline_pss] ))
  R[$kind.extra_rss]=$(( R[$kind.peak_rss] - R[$kind.baseline_rss] ))
  if [ "$kind" = redis ]; then
    R[$kind.cow_log]=$(grep -o 'Fork CoW for RDB: current [0-9]* MB, peak [0-9]* MB' "$logf" | tail -1 || true)
    R[$kind.rdb_bytes]=$(stat -c %s "$d/dump.rdb")
  else
    local before during
    local k v
    while IFS='=' read -r k v; do R[$kind.live.$k]=$v; done < "$work/$kind-monitor-live.txt"
    before=$(python3 "$work/gclog.py" "$gclog" "${R[$kind.live.gc_before_ns]}")
    during=$([ -n "${R[$kind.live.gc_during_ns]:-}" ] && python3 "$work/gclog.py" "$gclog" "${R[$kind.live.gc_during_ns]}" "${R[$kind.live.end_ns]}" || true)
    R[$kind.live_before_mib]=$before; R[$kind.live_during_mib]=$during
    R[$kind.rdb_bytes]=$(stat -c %s "$(ls "$d"/snapshots/*.rdb | tail -1)")
  fi
  echo "   snapshot: ${R[$kind.duration_s]} s (${R[$kind.bgsave_reply]}, status ${R[$kind.rdb_last_bgsave_status]}), $((R[$kind.rdb_bytes] >> 20)) MiB; probe during it: ${R[$kind.lat_n]} requests, p99.9 ${R[$kind.lat_p999]} ms, max ${R[$kind.lat_max]} ms"

  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  echo "   restarting on the snapshot"
  echo "---- restart" >> "$logf"
  t0=$(date +%s.%N)
  start "$RELOG_RESTART_JAVA_OPTS"
  wait_up "$port"
  t1=$(date +%s.%N)
  R[$kind.restart_s]=$(echo "$t0 $t1" | awk '{printf "%.2f", $2 - $1}')
  R[$kind.restart_keys]=$(redis-cli -p "$port" dbsize)
  if [ "$kind" = redis ]; then
    R[$kind.load_s]=$(sed -n 's/.*DB loaded from disk: \([0-9.]*\) seconds.*/\1/p' "$logf" | tail -1)
    R[$kind.replay_s]=0
  else
    R[$kind.load_s]=$(sed -n '/^---- restart/,$ s/.*Loaded .* in \([0-9.]*\) seconds.*/\1/p' "$logf" | tail -1)
    R[$kind.replay_s]=$(sed -n '/^---- restart/,$ s/.*DB loaded from the log: .* in \([0-9.]*\) seconds.*/\1/p' "$logf" | tail -1)
    R[$kind.replay_line]=$(sed -n '/^---- restart/,$ s/.*\(DB loaded from the log: .*\)/\1/p' "$logf" | tail -1)
  fi
  echo "   restart: PONG after ${R[$kind.restart_s]} s, ${R[$kind.restart_keys]} keys; snapshot load ${R[$kind.load_s]} s, log replay ${R[$kind.replay_s]:-?} s"
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
}

echo "snapshot under load: ${gb} GiB = $keys keys x $value_bytes bytes; redis-server $(redis-server --version | awk '{print $3}'); Relog JVM: $RELOG_JAVA_OPTS (restart: $RELOG_RESTART_JAVA_OPTS)"
[ "$only" = relog ] || run_server redis
[ "$only" = redis ] || run_server relog

mib() { [ -n "${1:-}" ] && awk -v b="$1" 'BEGIN {printf "%.0f", b / 1048576}' || echo n/a; }
ratio() { awk -v a="${1:-}" -v b="${2:-}" 'BEGIN {if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b}'; }
row() { printf '%-44s %14s %14s %8s   %s\n' "$1" "$2" "$3" "$4" "${5:-}"; }
echo
row "" redis-server Relog Relog/Redis target
g() { echo "${R[$1]:-}"; }
row "keys filled" "$(g redis.dbsize)" "$(g relog.dbsize)" ""
row "RDB size (MiB)" "$(mib "$(g redis.rdb_bytes)")" "$(mib "$(g relog.rdb_bytes)")" "$(ratio "$(g relog.rdb_bytes)" "$(g redis.rdb_bytes)")"
row "RSS after fill (MiB)" "$(mib "$(g redis.rss_filled)")" "$(mib "$(g relog.rss_filled)")" "$(ratio "$(g relog.rss_filled)" "$(g redis.rss_filled)")"
row "write load during the run (SET/s)" "$(g redis.load_rps)" "$(g relog.load_rps)" "$(ratio "$(g relog.load_rps)" "$(g redis.load_rps)")"
row "snapshot duration (s)" "$(g redis.duration_s)" "$(g relog.duration_s)" "$(ratio "$(g relog.duration_s)" "$(g redis.duration_s)")"
redis_cow=$(g redis.extra_pss)
row "peak extra Pss, process + children (MiB)" "$(mib "$redis_cow")" "$(mib "$(g relog.extra_pss)")" "$(ratio "$(g relog.extra_pss)" "$redis_cow")" \
    "<= 0.20: $(awk -v a="$(g relog.extra_pss)" -v b="$redis_cow" 'BEGIN {if (a == "" || b == "") print "n/a"; else print (a <= 0.2 * b) ? "met" : "NOT met"}')"
row "peak extra RSS, process + children (MiB)" "$(mib "$(g redis.extra_rss)")" "$(mib "$(g relog.extra_rss)")" "" "(sums shared pages twice for redis)"
row "rdb_last_cow_size (MiB)" "$(mib "$(g redis.rdb_last_cow_size)")" "$(mib "$(g relog.rdb_last_cow_size)")" "$(ratio "$(g relog.rdb_last_cow_size)" "$(g redis.rdb_last_cow_size)")" "(Relog: what the frozen view retained, an upper bound)"
row "redis: fork child peak Private_Dirty (MiB)" "$(mib "$(g redis.peak_child_private_dirty)")" "-" ""
live_extra=
[ -n "$(g relog.live_before_mib)" ] && [ -n "$(g relog.live_during_mib)" ] && live_extra=$(( $(g relog.live_during_mib) - $(g relog.live_before_mib) ))
row "Relog: live heap growth mid-snapshot (MiB)" "-" "${live_extra:-n/a}" "$(ratio "$([ -n "$live_extra" ] && echo $((live_extra << 20)))" "$redis_cow")" \
    "<= 0.20: $(awk -v a="$live_extra" -v b="$redis_cow" 'BEGIN {if (a == "" || b == "") print "n/a"; else print (a * 1048576 <= 0.2 * b) ? "met" : "NOT met"}') (live $(g relog.live_before_mib) -> $(g relog.live_during_mib) MiB)"
row "probe p99.9 during snapshot (ms)" "$(g redis.lat_p999)" "$(g relog.lat_p999)" "$(ratio "$(g relog.lat_p999)" "$(g redis.lat_p999)")" "(before BGSAVE: $(g redis.lat_before_p999) / $(g relog.lat_before_p999))"
row "probe max during snapshot (ms)" "$(g redis.lat_max)" "$(g relog.lat_max)" "$(ratio "$(g relog.lat_max)" "$(g redis.lat_max)")" \
    "<= 10 ms: $(awk -v a="$(g relog.lat_max)" 'BEGIN {print (a != "" && a <= 10) ? "met" : "NOT met"}') (before BGSAVE: $(g redis.lat_before_max) / $(g relog.lat_before_max))"
row "probe requests during snapshot (> 10 ms)" "$(g redis.lat_n) ($(g redis.lat_over10))" "$(g relog.lat_n) ($(g relog.lat_over10))" ""
row "load time, server's log (s)" "$(g redis.load_s)" "$(g relog.load_s)" "$(ratio "$(g relog.load_s)" "$(g redis.load_s)")" \
    "<= 1: $(awk -v a="$(g relog.load_s)" -v b="$(g redis.load_s)" 'BEGIN {if (a == "" || b == "") print "n/a"; else print (a <= b) ? "met" : "NOT met"}')"
row "Relog: log replay after the snapshot (s)" "-" "$(g relog.replay_s)" "" "$(g relog.replay_line)"
row "restart until PONG (s)" "$(g redis.restart_s)" "$(g relog.restart_s)" "$(ratio "$(g relog.restart_s)" "$(g redis.restart_s)")" "(includes process start; redis loses the writes after its snapshot, Relog replays them)"
row "keys after restart" "$(g redis.restart_keys)" "$(g relog.restart_keys)" ""
[ -n "$(g redis.cow_log)" ] && echo "redis log: $(g redis.cow_log)"
true
