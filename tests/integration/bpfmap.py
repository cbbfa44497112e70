#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Read xdpd's pinned maps the way an operator can: through bpftool's JSON.

Works on the raw key/value bytes, so it needs no BTF:
  bpfmap.py slot PIN NAME            value (u32) of the NUL-padded string key NAME
  bpfmap.py counter PIN INDEX FIELD  sum over CPUs of a struct xdpd_counter
                                     field (packets|bytes) at array index INDEX
  bpfmap.py sampling PIN FIELD       sum over CPUs of the struct
                                     xdpd_sample_stats field (events|lost)
"""
import json
import subprocess
import sys


def bpftool(*args):
    out = subprocess.run(["bpftool", "-j", *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def to_bytes(hexlist):
    return bytes(int(b, 16) for b in hexlist)


def slot(pin, name):
    for entry in bpftool("map", "dump", "pinned", pin):
        key = to_bytes(entry["key"]).split(b"\0", 1)[0].decode(errors="replace")
        if key == name:
            return int.from_bytes(to_bytes(entry["value"])[:4], "little")
    return None


def counter(pin, index, field, offsets={"packets": 0, "bytes": 8}):
    offset = offsets[field]
    key = [f"0x{b:02x}" for b in int(index).to_bytes(4, "little")]
    entry = bpftool("map", "lookup", "pinned", pin, "key", "hex", *[k[2:] for k in key])
    values = entry.get("values")
    if values is None:  # not per-CPU
        values = [{"value": entry["value"]}]
    return sum(int.from_bytes(to_bytes(v["value"])[offset:offset + 8], "little") for v in values)


def main(argv):
    if len(argv) == 3 and argv[0] == "slot":
        s = slot(argv[1], argv[2])
        if s is None:
            print(f"{argv[1]}: no key '{argv[2]}'", file=sys.stderr)
            return 1
        print(s)
        return 0
    if len(argv) == 4 and argv[0] == "counter":
        print(counter(argv[1], argv[2], argv[3]))
        return 0
    if len(argv) == 3 and argv[0] == "sampling":
        print(counter(argv[1], 0, argv[2], {"events": 8, "lost": 16}))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
