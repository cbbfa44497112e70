#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Sequenced UDP streams, to prove that reloads lose and misjudge nothing.

  udpstream.py serve OUT PORT...
      listen on every PORT (dual stack); touch OUT.ready when bound; on
      SIGTERM write {label: [seq, ...]} to OUT as JSON.
  udpstream.py send OUT PPS LABEL=HOST:PORT...
      send "LABEL SEQ" datagrams round robin over the destinations, each at
      PPS datagrams per second, until SIGTERM; then write {label: sent} to
      OUT as JSON.
  udpstream.py verify SENT RECV PASS_LABELS DROP_LABELS
      every datagram of the PASS labels arrived exactly once, none of the
      DROP labels did; labels comma separated. Prints a summary; exit 1 on
      any loss, duplicate or misjudgement.
"""
import json
import selectors
import signal
import socket
import sys
import time

stop = False


def on_term(signum, frame):
    global stop
    stop = True


def serve(out, ports):
    sel = selectors.DefaultSelector()
    for port in ports:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        s.bind(("::", int(port)))
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    got = {}
    open(out + ".ready", "w").close()
    while not stop:
        for key, _ in sel.select(timeout=0.1):
            while True:
                try:
                    data = key.fileobj.recv(256)
                except BlockingIOError:
                    break
                label, seq = data.decode().split()
                got.setdefault(label, []).append(int(seq))
    with open(out, "w") as f:
        json.dump(got, f)


def parse_dest(spec):
    label, hostport = spec.split("=", 1)
    host, port = hostport.rsplit(":", 1)
    host = host.strip("[]")
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    return label, fam, (host, int(port))


def send(out, pps, specs):
    dests = [parse_dest(s) for s in specs]
    socks = {fam: socket.socket(fam, socket.SOCK_DGRAM) for _, fam, _ in dests}
    sent = {label: 0 for label, _, _ in dests}
    period = 1.0 / float(pps)
    next_t = time.monotonic()
    while not stop:
        for label, fam, addr in dests:
            socks[fam].sendto(f"{label} {sent[label]}".encode(), addr)
            sent[label] += 1
        next_t += period
        delay = next_t - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    with open(out, "w") as f:
        json.dump(sent, f)


def verify(sent_file, recv_file, pass_labels, drop_labels):
    sent = json.load(open(sent_file))
    got = json.load(open(recv_file))
    ok = True
    for label in filter(None, pass_labels.split(",")):
        seqs = got.get(label, [])
        missing = set(range(sent[label])) - set(seqs)
        dups = len(seqs) - len(set(seqs))
        print(f"{label}: sent {sent[label]}, received {len(seqs)}, "
              f"missing {len(missing)}, duplicates {dups}")
        if missing:
            print(f"{label}: first missing seqs {sorted(missing)[:20]}")
        ok = ok and sent[label] > 0 and not missing and not dups
    for label in filter(None, drop_labels.split(",")):
        seqs = got.get(label, [])
        print(f"{label}: sent {sent[label]}, received {len(seqs)} (must be 0)")
        ok = ok and sent[label] > 0 and not seqs
    return 0 if ok else 1


def main(argv):
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    if len(argv) >= 3 and argv[0] == "serve":
        serve(argv[1], argv[2:])
        return 0
    if len(argv) >= 4 and argv[0] == "send":
        send(argv[1], argv[2], argv[3:])
        return 0
    if len(argv) == 5 and argv[0] == "verify":
        return verify(*argv[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
