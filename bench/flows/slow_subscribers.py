#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Monitor subscribers that do not keep up, for bench/run-monitor.

slow_subscribers.py SOCKET N SECONDS: opens N connections, each subscribed
with monitor {rate: 1}, and for SECONDS reads at most 16 KiB from each every
20 ms: the daemon keeps finding room on every one of them, so each sampled
record is copied N more times (the worst case for the loop's fairness, unlike
subscribers that never read, which cost a counter per record once full).
Prints "subscribed" on stderr once all are, then the bytes read.
"""
import select
import socket
import sys
import time


def main():
    path, n, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        s.sendall(b'{"jsonrpc":"2.0","id":1,"method":"monitor","params":{"rate":1}}\n')
        socks.append(s)
    print("subscribed", file=sys.stderr, flush=True)
    got = 0
    t0 = time.monotonic()
    while time.monotonic() - t0 < secs:
        ready, _, _ = select.select(socks, [], [], 0)
        for s in ready:
            got += len(s.recv(16384))
        time.sleep(0.02)
    print(f"read {got} bytes", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
