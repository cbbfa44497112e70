#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Monitor subscriber and ping prober for bench/run-monitor.

monitor_client.py SOCKET SECONDS: subscribes with monitor {rate: 1}, counts
monitor.event notifications for SECONDS while a second connection sends
ping every 10 ms and times the answers; prints one JSON line:
{events, events_per_s, pings, ping_max_ms, ping_p99_ms, ping_p90_ms,
ping_p50_ms}.

The pinger is a process of its own: as a thread it would wait for the
interpreter lock behind the counting loop, and its times would measure
Python, not the daemon. For the same reason it asks for SCHED_FIFO (when
allowed; "pinger_rt" says whether it got it): on a machine saturated by the
traffic generator, the daemon and the counting loop, a normal process waits
tens of milliseconds for a CPU after the answer has arrived. It sleeps
between pings and takes next to no CPU.
"""
import json
import multiprocessing
import os
import select
import socket
import sys
import time


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def realtime():
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))
        return True
    except (AttributeError, OSError):
        return False


def pinger(path, stop, result):
    rt = realtime()
    s = connect(path)
    s.settimeout(10)  # an answer this late is counted as such, then we stop
    f = s.makefile("rb")
    lat = []
    n = 0
    while not stop.is_set():
        n += 1
        t0 = time.monotonic()
        s.sendall(json.dumps({"jsonrpc": "2.0", "id": n, "method": "ping"}).encode() + b"\n")
        try:
            if not f.readline():
                break
        except socket.timeout:
            lat.append((time.monotonic() - t0) * 1000)
            break
        lat.append((time.monotonic() - t0) * 1000)
        time.sleep(0.01)
    s.close()
    lat.sort()
    out = {"pings": len(lat), "pinger_rt": rt}
    out["ping_max_ms"] = round(lat[-1], 2) if lat else None
    for p in (99, 90, 50):
        out[f"ping_p{p}_ms"] = round(lat[max(int(len(lat) * p / 100) - 1, 0)], 2) if lat else None
    result.send(out)


def main():
    path, secs = sys.argv[1], float(sys.argv[2])
    s = connect(path)
    s.sendall(b'{"jsonrpc":"2.0","id":1,"method":"monitor","params":{"rate":1}}\n')
    buf = b""
    while b"\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            print(json.dumps({"error": "closed before the answer"}))
            return 1
        buf += chunk
    first, buf = buf.split(b"\n", 1)
    if "error" in json.loads(first):
        print(json.dumps({"error": json.loads(first)["error"]}))
        return 1
    print("subscribed", file=sys.stderr, flush=True)
    stop = multiprocessing.Event()
    result, child_end = multiprocessing.Pipe(duplex=False)
    t = multiprocessing.Process(target=pinger, args=(path, stop, child_end), daemon=True)
    t.start()
    # count notifications as they stream by, across chunk boundaries
    tag = b'"monitor.event"'
    events = buf.count(tag)
    tail = buf[-len(tag):]
    t0 = time.monotonic()
    while time.monotonic() - t0 < secs:
        ready, _, _ = select.select([s], [], [], 0.2)
        if not ready:
            continue
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        events += (tail + chunk).count(tag)
        tail = chunk[-len(tag) + 1:]
    elapsed = time.monotonic() - t0
    stop.set()
    out = result.recv() if result.poll(5) else {}
    t.join(2)
    out.update(events=events, events_per_s=round(events / elapsed))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
