#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# xdpd-flows refuses a bad --rounds or --flows (blocklist), --packets
# (live) or --seconds (pump) with exit 2 and a message naming the option,
# and accepts a good one (then only the missing required options are
# reported). No root or kernel needed.
# Argument: the built xdpd-flows.
set -u
flows=$1
fail=0

expect() # expected-status message-substring args...
{
	local want=$1 msg=$2 out st
	shift 2
	out=$("$flows" "$@" 2>&1)
	st=$?
	if [ "$st" != "$want" ] || [[ "$out" != *"$msg"* ]]; then
		echo "FAIL: xdpd-flows $*: status $st (want $want), output: $out"
		fail=1
	else
		echo "ok: xdpd-flows $*"
	fi
}

for bad in 0 101 -1 x 3x ''; do
	expect 2 "--rounds '$bad'" blocklist --rounds "$bad"
done
for bad in x -5 ''; do
	expect 2 "--flows '$bad'" blocklist --flows "$bad"
done
for bad in 0 x -3 4294967296 ''; do
	expect 2 "--packets '$bad'" live --packets "$bad"
done
expect 2 "--ifname (existing)" live --packets 1000
for bad in 0 -1 x nan inf 5x ''; do
	expect 2 "--seconds > 0" pump --xdpd /nonexistent --ifname lo --seconds "$bad"
	expect 2 "--pps > 0" pump --xdpd /nonexistent --ifname lo --pps "$bad"
done
expect 2 "are required" blocklist --rounds 1
expect 2 "are required" blocklist --rounds 100 --flows 16
exit $fail
