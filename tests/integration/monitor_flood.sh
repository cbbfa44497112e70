#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The monitor under a flood, against the real xdpd: frames through the
# program at about a million packets per second (xdpd-flows pump, the bench
# tool: live frames, or the ordinary test run where the kernel refuses
# them), every one sampled for a subscriber with monitor {rate: 1} that reads
# what it can, while another connection pings every 10 ms. Nothing here
# times throughput; it checks that
#  - the control socket keeps answering: every ping within 250 ms, 99 in
#    100 within 100 ms (a daemon that formats every event with json-c and
#    writes it alone answers 1 in 100 pings only after 150-200 ms here;
#    this one in 5-50 ms, however loaded the machine);
#  - the counters stay exact: every record the datapath put in the ring is
#    read (sampling.read == sampling.events once the flood stops), every
#    frame is an event or a loss, and the subscriber's share is what it got
#    plus what it was too slow for (sampling.dropped);
#  - the lines the subscriber got are whole monitor.event notifications.
# Arguments: XDPD SRCDIR; XDPD_FLOWS (environment): the built xdpd-flows
# (default: next to xdpd in the build tree; the test is skipped without it).
. "$(dirname "$0")/api_lib.sh"
lab_require_xdpctl
lab_need_tools jq
lab_init_net monflood

FLOWS=${XDPD_FLOWS:-$(dirname "$XDPD")/../bench/flows/xdpd-flows}
[ -x "$FLOWS" ] || lab_skip "xdpd-flows not built: $FLOWS"
CLIENT=$SRCDIR/bench/flows/monitor_client.py
PPS=${MONITOR_FLOOD_PPS:-1000000}
SECS=3

lab_write_policy <<YAML
version: 1
interfaces:
  - name: $LAB_IF_S
rules:
  - name: drop-8080
    action: drop
    protocol: tcp
    dst_port: 8080
sampling:
  rate: 0
  ring_buffer: 4MiB
YAML
lab_step "start xdpd, sampling off in the policy"
lab_start
sampling() { api_call stats | jq -c .sampling; }

lab_step "a subscriber at rate 1 and a pinger, then $PPS packets/s for $SECS s"
"$PYTHON" "$CLIENT" "$LAB_WORK/xdpd.sock" $((SECS + 3)) >"$LAB_WORK/client.json" \
	2>"$LAB_WORK/client.err" &
client_pid=$!
LAB_BG_PIDS+=("$client_pid")
lab_wait_until 5 grep -q subscribed "$LAB_WORK/client.err" ||
	lab_fail "the monitor client did not subscribe: $(cat "$LAB_WORK/client.err")"
before=$(sampling)
api_check '.rate == 1 and .subscribers == 1' "$before" "rate 1 while the client watches"
pump=$(lab_s "$FLOWS" pump --xdpd "$LAB_BPFFS/prog" --ifname "$LAB_IF_S" --pps "$PPS" \
	--seconds "$SECS") || lab_fail "xdpd-flows pump failed: $pump"
echo "pump: $pump"
lab_wait_until 10 sh -c "! kill -0 $client_pid 2>/dev/null" || lab_fail "the client did not end"
client=$(cat "$LAB_WORK/client.json")
echo "client: $client"

lab_step "ping was answered throughout"
api_check '.pings >= 100 and .ping_max_ms <= 250 and .ping_p99_ms <= 100' "$client" \
	"ping while the monitor is flooded (pings, max, p99)"

lab_step "the counters add up"
after=$(sampling)
echo "sampling before: $before"
echo "sampling after:  $after"
jq -n -e --argjson b "$before" --argjson a "$after" --argjson p "$pump" --argjson c "$client" '
	($a.events - $b.events) as $ev | ($a.lost - $b.lost) as $lost |
	($a.read - $b.read) as $read | ($a.dropped - $b.dropped) as $drop |
	$read > 0 and $read == $ev and $ev + $lost >= $p.sent and
	$c.events > 0 and $c.events + $drop <= $a.read' >/dev/null ||
	lab_fail "sampling counters: before $before, after $after, pump $pump, client $client"
api_check '.subscribers == 0 and .rate == 0' "$after" "the policy's rate once the client left"

lab_step "whole lines, as xdpctl monitor reads them"
# the same subscriber again, briefly, its lines parsed one by one
"$PYTHON" - "$LAB_WORK/xdpd.sock" <<'PY' &
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
s.sendall(b'{"jsonrpc":"2.0","id":1,"method":"monitor","params":{"rate":1}}\n')
f = s.makefile("rb")
json.loads(f.readline())
ours = 0
for _ in range(2000):
    m = json.loads(f.readline())
    p = m["params"]
    assert m["method"] == "monitor.event" and "id" not in m, m
    assert {"timestamp_ns", "ifindex", "len", "action", "reason", "data"} <= p.keys(), p
    ours += p.get("rule") == "drop-8080" and p["action"] == "drop" and p["dst_port"] == 8080
assert ours >= 1900, f"{ours} of 2000 events are the pump's frames"
PY
lines_pid=$!
lab_wait_until 5 sh -c "'$XDPCTL' -s '$LAB_WORK/xdpd.sock' --json stats | jq -e '.sampling.subscribers == 1' >/dev/null" ||
	lab_fail "the line reader did not subscribe"
lab_s "$FLOWS" pump --xdpd "$LAB_BPFFS/prog" --ifname "$LAB_IF_S" --pps 200000 \
	--seconds 1 >/dev/null || lab_fail "xdpd-flows pump failed"
wait "$lines_pid" || lab_fail "the lines of a flooded subscriber do not parse"
api_expect_alive "a flood of samples"

echo "PASS"
