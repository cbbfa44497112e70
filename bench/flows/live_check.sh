#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# xdpd-flows live and pump run on any kernel: where the kernel refuses
# BPF_F_TEST_XDP_LIVE_FRAMES (EPERM on a sandboxed build, EINVAL before
# 5.18) they say so and fall back to the ordinary test run, instead of
# stopping with "Operation not permitted". Every program here drops the
# frame, so nothing is sent even where live frames run. Needs root and a
# BPF filesystem (skipped, 77, without them).
# Arguments: the built xdpd-flows, drop.bpf.o (floor), seed_drop8080.bpf.o.
set -u
flows=$1 floor=$2 seed=$3
[ "$(id -u)" = 0 ] && mountpoint -q /sys/fs/bpf || { echo "skip: needs root and bpffs"; exit 77; }
# bpffs refuses names with a dot, so no mktemp template
pins=/sys/fs/bpf/xdpd-live-check-$$
mkdir "$pins" || exit 1
trap 'rm -rf "$pins"' EXIT
# The seed program stands in for xdpd's pinned one: same frame, same verdict.
bpftool prog load "$seed" "$pins/prog" || { echo "FAIL: cannot pin $seed"; exit 1; }
fail=0

out=$("$flows" live --xdpd "$pins/prog" --seed "$seed" --floor "$floor" --ifname lo \
	--packets 20000 2>&1)
st=$?
echo "$out"
# 0: target met; 1: not met or not measurable here; anything else is a failure
[ "$st" = 0 ] || [ "$st" = 1 ] || { echo "FAIL: live exited $st"; fail=1; }
for row in "floor (XDP_DROP only)" "seed (drop tcp/8080)" "xdpd (1 rule)"; do
	grep -Eq "^\| $(printf '%s' "$row" | sed 's/[()/]/\\&/g') \| [0-9]+\.[0-9]+ \|" <<<"$out" ||
		{ echo "FAIL: no rate for '$row'"; fail=1; }
done
if grep -q "NOT MEASURED" <<<"$out"; then
	grep -q "^This kernel refuses live frames" <<<"$out" ||
		{ echo "FAIL: NOT MEASURED without the kernel's reason"; fail=1; }
	[ "$st" = 1 ] || { echo "FAIL: an unmeasured target exited $st"; fail=1; }
else
	grep -Eq "^Target: .*(PASS|FALL SHORT)$" <<<"$out" || { echo "FAIL: no target line"; fail=1; }
fi

pump=$("$flows" pump --xdpd "$pins/prog" --ifname lo --pps 20000 --seconds 0.5)
st=$?
echo "pump: $pump"
[ "$st" = 0 ] || { echo "FAIL: pump exited $st"; fail=1; }
/usr/bin/python3 - "$pump" <<'PY' || fail=1
import json, sys
p = json.loads(sys.argv[1])
ok = p["sent"] >= 1025 and isinstance(p["live_frames"], bool) and p["pps"] > 0
print("ok: pump" if ok else f"FAIL: pump printed {p}")
sys.exit(0 if ok else 1)
PY
[ "$fail" = 0 ] && echo "PASS"
exit $fail
