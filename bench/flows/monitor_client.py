#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Monitor subscriber and ping prober for bench/run-monitor.

monitor_client.py SOCKET SECONDS: subscribes with monitor {rate: 1}, counts
monitor.event notifications for SECONDS while a second connection sends
ping every 10 ms and times the answers; prints one JSON line:
{events, events_per_s, pings, ping_max_ms, ping_p99_ms}.
"""
import json
import select
import socket
import sys
import threading
import time


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def pinger(path, stop, out):
    s = connect(path)
    f = s.makefile("rb")
    lat = []
    n = 0
    while not stop.is_set():
        n += 1
        t0 = time.monotonic()
        s.sendall(json.dumps({"jsonrpc": "2.0", "id": n, "method": "ping"}).encode() + b"\n")
        if not f.readline():
            break
        lat.append((time.monotonic() - t0) * 1000)
        time.sleep(0.01)
    s.close()
    lat.sort()
    out["pings"] = len(lat)
    out["ping_max_ms"] = round(lat[-1], 2) if lat else None
    out["ping_p99_ms"] = round(lat[int(len(lat) * 0.99) - 1], 2) if lat else None


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
    stop = threading.Event()
    out = {}
    t = threading.Thread(target=pinger, args=(path, stop, out), daemon=True)
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
    t.join(2)
    out.update(events=events, events_per_s=round(events / elapsed))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
