#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Misbehaving and concurrent clients of xdpd's control socket.

  api_clients.py SOCK pipeline      many requests in one write, answered in order
  api_clients.py SOCK oversize      a 2 MiB request: one -32600, then the close
  api_clients.py SOCK drop200       200 clients that connect and drop mid-request
  api_clients.py SOCK silent        silent / half-sent clients do not delay a ping
  api_clients.py SOCK slowreader    a client that never reads does not block others
  api_clients.py SOCK fastreader    pipelined answers over 1 MiB to a client that reads
                                    as fast as it can, with and without end of input
  api_clients.py SOCK cap           connection 65 gets -32003, then slots free up
  api_clients.py SOCK hog SECONDS   (as a peer that may not mutate) connections are
                                    refused after 64 - 8 (the rest are kept for
                                    root); prints "held N" and holds them SECONDS
  api_clients.py SOCK bigblocklist N  N entries: list (as requests and as
                                    notifications), stats, flush and a mass expiry
                                    leave the loop free for a ping
  api_clients.py SOCK idle SECONDS  a silent connection is closed after SECONDS
  api_clients.py SOCK costly        32 IPv6 /17 adds pipelined (each ~0.15 s of index
                                    work), then their flush: a ping waits for one such
                                    request at most, not for all

Exit status 0 on success; the failure is printed otherwise.
"""
import json
import socket
import sys
import threading
import time

MAX_CONNS = 64
ADMIN_CONNS = 8  # of those, kept for peers that may mutate


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)  # blocking: waits while the daemon's backlog is full
    s.settimeout(10)
    return s


def req(method, rid, params=None):
    r = {"jsonrpc": "2.0", "id": rid, "method": method}
    if params is not None:
        r["params"] = params
    return (json.dumps(r) + "\n").encode()


def read_lines(s, n):
    """n answer lines (fewer if the daemon closes first)."""
    buf = b""
    while buf.count(b"\n") < n:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    return [json.loads(l) for l in buf.split(b"\n") if l.strip()]


def ping_time(path):
    """Seconds for one ping round trip on a fresh connection."""
    t = time.monotonic()
    s = connect(path)
    s.sendall(req("ping", 1))
    ans = read_lines(s, 1)
    s.close()
    if not ans or "result" not in ans[0]:
        fail("ping failed: %r" % ans)
    return time.monotonic() - t


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def pipeline(path):
    methods = ["ping", "status", "rules.list", "stats", "blocklist.list", "nope"]
    data = b"".join(req(methods[i % len(methods)], i) for i in range(60))
    # a notification in the middle gets no answer
    data += b'{"jsonrpc":"2.0","method":"ping"}\n\n   \r\n'
    data += req("ping", "last")
    s = connect(path)
    s.sendall(data)
    ans = read_lines(s, 61)
    s.close()
    ids = [a.get("id") for a in ans]
    if ids != list(range(60)) + ["last"]:
        fail("answers out of order or missing: %r" % ids)
    for i, a in enumerate(ans[:60]):
        ok = "error" in a if methods[i % len(methods)] == "nope" else "result" in a
        if not ok:
            fail("answer %d: %r" % (i, a))


def oversize(path):
    s = connect(path)
    big = b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"' + b"x" * (2 << 20)
    try:
        s.sendall(big + b'"}}\n')
    except (BrokenPipeError, ConnectionResetError):
        pass  # the daemon may stop reading once it has answered
    ans = read_lines(s, 2)
    s.close()
    if len(ans) != 1 or ans[0].get("error", {}).get("code") != -32600 or ans[0]["id"] is not None:
        fail("oversize request: expected one -32600 with id null, got %r" % ans)
    # exactly 1 MiB of line is still accepted
    s = connect(path)
    line = b'{"jsonrpc":"2.0","id":2,"method":"ping","params":{"pad":"'
    tail = b'"}}'
    pad = (1 << 20) - len(line) - len(tail)
    s.sendall(line + b"x" * pad + tail + b"\n")
    ans = read_lines(s, 1)
    s.close()
    if len(ans) != 1 or ans[0].get("error", {}).get("code") != -32602:
        fail("a 1 MiB request should reach the method (-32602 for 'pad'), got %r"
             % [a.get("error") for a in ans])


def drop200(path):
    partial = b'{"jsonrpc":"2.0","id":1,"method":"stat'
    socks = []
    for i in range(200):
        s = connect(path)
        s.sendall(partial if i % 2 else req("status", i)[:-5])
        socks.append(s)
        if len(socks) >= 50:  # stay under the connection cap
            for t in socks:
                t.close()
            socks = []
    for t in socks:
        t.close()
    ping_time(path)


def silent(path):
    quiet = connect(path)
    half = connect(path)
    half.sendall(b'{"jsonrpc":"2.0","id":1,"meth')
    dt = ping_time(path)
    if dt > 0.5:
        fail("a ping took %.3f s next to silent clients" % dt)
    half.sendall(b'od":"ping"}\n')
    ans = read_lines(half, 1)
    if not ans or ans[0].get("result", {}).get("version") is None:
        fail("the half-sent request was not answered once complete: %r" % ans)
    quiet.close()
    half.close()


def slowreader(path):
    s = connect(path)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    n = 3000
    data = b"".join(req("rules.list", i) for i in range(n))
    s.sendall(data)
    time.sleep(0.5)  # the daemon fills its buffers for us, we read nothing
    dt = ping_time(path)
    if dt > 0.5:
        fail("a ping took %.3f s while another client does not read" % dt)
    ans = read_lines(s, n)
    s.close()
    if [a.get("id") for a in ans] != list(range(n)):
        fail("the slow reader lost or reordered answers (%d of %d)" % (len(ans), n))
    # the same, with the client's end of input arriving while answers wait
    s = connect(path)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    data = b"".join(req("stats", i) for i in range(n))  # answers well over 1 MiB
    s.sendall(data + b'{"jsonrpc":"2.0","id":"tail","method":"ping"}')
    s.shutdown(socket.SHUT_WR)
    time.sleep(0.5)
    ans = read_lines(s, n + 1)
    s.close()
    if [a.get("id") for a in ans] != list(range(n)) + ["tail"]:
        fail("after end of input, answers were lost (%d of %d)" % (len(ans), n + 1))


def read_all(s, n):
    """Every byte until n answer lines or the daemon's end of output, read as
    fast as possible: a reader this quick lets the daemon's write of a whole
    1 MiB batch of answers succeed at once."""
    buf = bytearray(64 << 20)
    mv = memoryview(buf)
    off = 0
    while off < len(buf):
        k = s.recv_into(mv[off:], 1 << 22)
        if not k:
            break
        off += k
        if buf.count(b"\n", 0, off) >= n:
            break
    return [json.loads(l) for l in bytes(buf[:off]).split(b"\n") if l.strip()]


def fastreader(path):
    n = 3000
    data = b"".join(req("stats", i) for i in range(n))  # answers well over 1 MiB
    for rnd in range(12):
        shut = rnd % 2 == 0
        s = connect(path)
        s.sendall(data)
        if shut:
            s.shutdown(socket.SHUT_WR)
        try:
            ans = read_all(s, n)
        except socket.timeout:
            fail("round %d: answers stalled (end of input: %s)" % (rnd, shut))
        s.close()
        if [a.get("id") for a in ans] != list(range(n)):
            fail("round %d: %d of %d answers (end of input: %s)" % (rnd, len(ans), n, shut))


def add_many(path, n, ttl=None):
    s = connect(path)
    s.settimeout(120)
    reqs = []
    for i in range(n):
        p = {"prefix": "10.%d.%d.%d/32" % (100 + i // 65536, (i // 256) % 256, i % 256)}
        if ttl:
            p["ttl"] = ttl
        reqs.append(req("blocklist.add", i, p))
    # written by a thread while answers are read: a client that writes
    # everything first would wait on a daemon waiting for it to read
    writer = threading.Thread(target=s.sendall, args=(b"".join(reqs),))
    writer.start()
    got = errors = 0
    while got < n:
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        got += chunk.count(b"\n")
        errors += chunk.count(b'"error"')
    writer.join()
    s.close()
    if got != n or errors:
        fail("adding %d entries: %d answers, %d errors" % (n, got, errors))


def ping_during(path, method, n, what):
    """Starts method on one connection, pings on another while its answer is
    being built; returns the result."""
    s = connect(path)
    s.settimeout(120)
    s.sendall(req(method, 1))
    time.sleep(0.02)  # the daemon is at work on it
    dt = ping_time(path)
    if dt > 0.25:
        fail("%s of %d entries: a ping took %.3f s" % (what, n, dt))
    ans = read_all(s, 1)
    s.close()
    if len(ans) != 1 or "result" not in ans[0]:
        fail("%s: %r" % (what, ans[:1]))
    return ans[0]["result"]


def ping_during_notifications(path, method, k, n):
    """k notifications of method (no answers) in one write, a ping meanwhile:
    a notification's result is built over loop turns too, then dropped."""
    s = connect(path)
    note = (json.dumps({"jsonrpc": "2.0", "method": method}) + "\n").encode()
    s.sendall(note * k)
    time.sleep(0.02)
    dt = ping_time(path)
    if dt > 0.25:
        fail("%d %s notifications over %d entries: a ping took %.3f s" % (k, method, n, dt))
    s.sendall(req("ping", 1))  # the only answer: notifications get none
    ans = read_all(s, 1)
    s.close()
    if len(ans) != 1 or ans[0].get("id") != 1:
        fail("after %d %s notifications: %r" % (k, method, ans[:2]))


def bigblocklist(path, n):
    add_many(path, n)
    res = ping_during(path, "blocklist.list", n, "blocklist.list")
    if len(res["entries"]) != n:
        fail("blocklist.list: %d entries of %d" % (len(res["entries"]), n))
    ping_during_notifications(path, "blocklist.list", 5, n)
    res = ping_during(path, "stats", n, "stats")
    if res["blocklist"]["entries"] != n:
        fail("stats: %r" % res["blocklist"])
    res = ping_during(path, "blocklist.flush", n, "blocklist.flush")
    if res["flushed"] != n:
        fail("blocklist.flush: %r" % res)
    add_many(path, n, ttl=2)
    time.sleep(2.1)  # all expire now: the reaper deletes them over loop turns
    worst = max(ping_time(path) for _ in range(20))
    if worst > 0.25:
        fail("mass expiry of %d entries: a ping took %.3f s" % (n, worst))
    for _ in range(100):
        s = connect(path)
        s.sendall(req("status", 1))
        left = read_lines(s, 1)[0]["result"]["counts"]["blocklist"]
        s.close()
        if left == 0:
            return
        time.sleep(0.1)
    fail("%d entries left 10 s after they expired" % left)


def costly(path):
    n = 32
    s = connect(path)
    s.settimeout(120)
    s.sendall(b"".join(req("blocklist.add", i, {"prefix": "%x:%x::/17" % (0x2400 + i // 2, 0x8000 * (i % 2))})
                       for i in range(n)))
    time.sleep(0.05)
    worst = max(ping_time(path) for _ in range(5))
    ans = read_all(s, n)
    if len(ans) != n or any("error" in a for a in ans):
        fail("%d IPv6 /17 adds: %d answers: %r" % (n, len(ans), [a for a in ans if "error" in a][:1]))
    if worst > 1.0:
        fail("%d IPv6 /17 adds pipelined: a ping took %.3f s" % (n, worst))
    s.sendall(req("blocklist.flush", n))
    time.sleep(0.05)
    worst = max(ping_time(path) for _ in range(5))
    ans = read_all(s, 1)
    s.close()
    if len(ans) != 1 or ans[0].get("result", {}).get("flushed") != n:
        fail("flush of %d IPv6 /17s: %r" % (n, ans[:1]))
    if worst > 1.0:
        fail("flush of %d IPv6 /17s: a ping took %.3f s" % (n, worst))


def cap(path):
    socks = [connect(path) for _ in range(MAX_CONNS)]
    for s in socks:  # each of them is served
        s.sendall(req("ping", 1))
        if not read_lines(s, 1):
            fail("connection within the cap was not served")
    extra = connect(path)
    ans = read_lines(extra, 1)
    extra.close()
    if len(ans) != 1 or ans[0].get("error", {}).get("code") != -32003:
        fail("connection %d: expected -32003, got %r" % (MAX_CONNS + 1, ans))
    for s in socks:
        s.close()
    time.sleep(0.2)
    ping_time(path)


def hog(path, seconds):
    socks = []
    while len(socks) <= MAX_CONNS:
        s = connect(path)
        s.sendall(req("ping", 1))
        ans = read_lines(s, 1)
        if ans and ans[0].get("error", {}).get("code") == -32003:
            s.close()
            break
        if not ans or "result" not in ans[0]:
            fail("connection %d: %r" % (len(socks) + 1, ans))
        socks.append(s)
    if len(socks) != MAX_CONNS - ADMIN_CONNS:
        fail("served %d connections, expected %d" % (len(socks), MAX_CONNS - ADMIN_CONNS))
    print("held %d" % len(socks), flush=True)
    time.sleep(seconds)
    for s in socks:
        s.close()


def idle(path, seconds):
    s = connect(path)
    s.settimeout(seconds + 15)
    t = time.monotonic()
    if s.recv(1) != b"":
        fail("the daemon sent data to a silent client")
    dt = time.monotonic() - t
    if dt < seconds - 1:
        fail("closed after %.1f s, before the idle timeout of %d s" % (dt, seconds))


def main():
    path, what = sys.argv[1], sys.argv[2]
    if what == "idle":
        idle(path, int(sys.argv[3]))
    elif what == "hog":
        hog(path, int(sys.argv[3]))
    elif what == "bigblocklist":
        bigblocklist(path, int(sys.argv[3]))
    else:
        {"pipeline": pipeline, "oversize": oversize, "drop200": drop200, "silent": silent,
         "slowreader": slowreader, "fastreader": fastreader, "cap": cap,
         "costly": costly}[what](path)
    print("ok: " + what)


if __name__ == "__main__":
    main()
