#!/usr/bin/env python3
"""Reads `relog tail --format json` output on stdin and measures how far behind the writes it is.

For every chunk read, the last complete event's lag is now - its batch timestamp (ms; same
machine, same clock). Counts events (lines). Writes a status line to the file given as argv[1]
after every chunk ("<events> <last next_offset>") and prints a summary on EOF or SIGTERM:
events, p50/p99/max lag in ms over the chunks sampled while events were arriving.
"""
import os
import re
import select
import signal
import sys
import time

status_path = sys.argv[1]
ts_re = re.compile(rb'"next_offset":(\d+),"timestamp":(\d+)')
events = 0
lags = []
last_next = 0
done = False


def summary(*_):
    global done
    if done:
        return
    done = True
    lags.sort()
    if lags:
        p = lambda q: lags[min(len(lags) - 1, int(q * len(lags)))]
        print(f"events {events} lag_ms p50 {p(0.5)} p99 {p(0.99)} max {lags[-1]} samples {len(lags)}", flush=True)
    else:
        print(f"events {events} no samples", flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, summary)
fd = sys.stdin.fileno()
rest = b""
last_status = 0
dirty = False


def write_status():
    global dirty, last_status
    with open(status_path + ".tmp", "w") as f:
        f.write(f"{events} {last_next}\n")
    os.replace(status_path + ".tmp", status_path)
    dirty = False
    last_status = time.time() * 1000


while True:
    if dirty and not select.select([fd], [], [], 0.02)[0]:
        write_status()  # idle for 20 ms: publish where we are
    chunk = os.read(fd, 1 << 20)
    if not chunk:
        break
    now = time.time() * 1000
    data = rest + chunk
    cut = data.rfind(b"\n")
    if cut < 0:
        rest = data
        continue
    whole, rest = data[:cut + 1], data[cut + 1:]
    events += whole.count(b"\n")
    last = whole[whole.rfind(b"\n", 0, len(whole) - 1) + 1:]
    m = ts_re.search(last)
    if m:
        last_next = int(m.group(1))
        lags.append(int(now - int(m.group(2))))
    dirty = True
    if now - last_status >= 20:  # at most every 20 ms while busy: the meter must not be the bottleneck
        write_status()
summary()
