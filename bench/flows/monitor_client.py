#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Monitor subscriber and ping prober for bench/run-monitor.

monitor_client.py SOCKET SECONDS: subscribes with monitor {rate: 1}, counts
monitor.event notifications for SECONDS while a second connection sends
ping every 10 ms and times the answers; prints one JSON line:
{events, events_per_s, pings, ping_max_ms, ping_p99_ms}.
"""
import json
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
    f = s.makefile("rb", buffering=1 << 20)
    first = json.loads(f.readline())
    if "error" in first:
        print(json.dumps({"error": first["error"]}))
        return 1
    print("subscribed", file=sys.stderr, flush=True)
    stop = threading.Event()
    out = {}
    t = threading.Thread(target=pinger, args=(path, stop, out))
    t.start()
    events = 0
    t0 = time.monotonic()
    s.settimeout(0.5)
    while time.monotonic() - t0 < secs:
        try:
            line = f.readline()
        except socket.timeout:
            continue
        if not line:
            break
        events += line.startswith(b'{"jsonrpc":"2.0","method":"monitor.event"') or \
            b'"monitor.event"' in line
    elapsed = time.monotonic() - t0
    stop.set()
    t.join()
    out.update(events=events, events_per_s=round(events / elapsed))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
