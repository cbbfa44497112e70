#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# xdpctl monitor against the real xdpd with sampling on (1 in 1): UDP, TCP,
# ICMP and IPv6 traffic shows in the seed's line format with the verdict
# and the rule of a dropped packet; --json --count 3 prints exactly 3 JSON
# lines; --pcap writes a file tcpdump reads; stats counts the events.
# Arguments: XDPD SRCDIR; XDPCTL (environment) is the built xdpctl.
. "$(dirname "$0")/lib.sh"
lab_require_xdpctl
lab_need_tools jq tcpdump
lab_init_net monitor

SOCK=$LAB_WORK/xdpd.sock
MON=$LAB_WORK/monitor.out

lab_write_policy <<YAML
version: 1
interfaces:
  - name: $LAB_IF_S
default_action: pass
rules:
  - name: drop-8080
    action: drop
    protocol: tcp
    dst_port: 8080
sampling:
  rate: 1
  ring_buffer: 64KiB
YAML

lab_step "start xdpd"
lab_start

# monitor_bg FILE ARGS...: xdpctl monitor in the background until it exits
# (--count) or the cleanup kills it; its pid in MON_PID.
monitor_bg()
{
	local file=$1
	shift
	lab_bg "$XDPCTL" -s "$SOCK" monitor "$@" >"$file" 2>"$file.err"
	MON_PID=${LAB_BG_PIDS[-1]}
	# subscribed once the daemon logged it
	lab_wait_until 5 grep -q "monitor: subscriber pid $MON_PID" "$LAB_LOG" ||
		lab_fail "xdpctl monitor did not subscribe: $(cat "$file.err")"
}

udp_send()
{
	local fam=$1 dst=$LAB_V4_S
	[ "$fam" = 6 ] && dst="[$LAB_V6_S]"
	printf 'xdpd-monitor\n' | lab_c timeout 2 socat -u - "UDP$fam-SENDTO:$dst:5353,sourceport=46313" ||
		true
}

lab_step "monitor sees UDP, TCP (dropped and passed), ICMP, IPv6"
monitor_bg "$MON"
udp_send 4
lab_expect_tcp_drop 4 8080
lab_expect_tcp_pass 4 8081
lab_expect_ping_pass 4
udp_send 6
lab_expect_tcp_drop 6 8080
lab_expect_ping_pass 6

V4C=${LAB_V4_C//./\\.}
V4S=${LAB_V4_S//./\\.}
expect_line()
{
	lab_wait_until 5 grep -Eq "$1" "$MON" ||
		lab_fail "monitor printed no line matching '$1':"$'\n'"$(cat "$MON")"
}
expect_line "^Packet: $V4C:46313 -> $V4S:5353, protocol: UDP, action: pass, interface: $LAB_IF_S\$"
expect_line "^Packet: $V4C:[0-9]+ -> $V4S:8080, protocol: TCP, action: drop, rule: drop-8080, interface: $LAB_IF_S\$"
expect_line "^Packet: $V4C:[0-9]+ -> $V4S:8081, protocol: TCP, action: pass, interface: $LAB_IF_S\$"
expect_line "^Packet: $V4C:0 -> $V4S:0, protocol: ICMP, action: pass, interface: $LAB_IF_S\$"
expect_line "^Packet: \\[$LAB_V6_C\\]:46313 -> \\[$LAB_V6_S\\]:5353, protocol: UDP, action: pass"
expect_line "^Packet: \\[$LAB_V6_C\\]:[0-9]+ -> \\[$LAB_V6_S\\]:8080, protocol: TCP, action: drop, rule: drop-8080"
expect_line "^Packet: \\[$LAB_V6_C\\]:0 -> \\[$LAB_V6_S\\]:0, protocol: ICMPv6, action: pass"
kill -INT "$MON_PID"
rc=0
wait "$MON_PID" || rc=$?
[ "$rc" = 0 ] || lab_fail "xdpctl monitor exited $rc on SIGINT: $(cat "$MON.err")"
echo "monitor printed $(wc -l <"$MON") lines, e.g.:"
grep -m3 'drop-8080\|UDP' "$MON"

lab_step "--json --count 3: exactly three JSON lines, then exit 0"
monitor_bg "$LAB_WORK/json.out" --json --count 3
lab_expect_ping_pass 4
lab_wait_until 10 sh -c "! kill -0 $MON_PID 2>/dev/null" ||
	lab_fail "monitor --json --count 3 did not exit"
rc=0
wait "$MON_PID" || rc=$?
[ "$rc" = 0 ] || lab_fail "monitor --json --count 3: exit $rc: $(cat "$LAB_WORK/json.out.err")"
[ "$(wc -l <"$LAB_WORK/json.out")" = 3 ] ||
	lab_fail "--count 3 printed $(wc -l <"$LAB_WORK/json.out") lines: $(cat "$LAB_WORK/json.out")"
while read -r line; do
	jq -e '.action and .len and .timestamp_ns and .data and (.src_port | type == "number")' \
		>/dev/null <<<"$line" || lab_fail "not a full event: $line"
done <"$LAB_WORK/json.out"

lab_step "--pcap: a file tcpdump -r reads, with the sampled packets"
PCAP=$LAB_WORK/sampled.pcap
monitor_bg "$LAB_WORK/pcap.out" --pcap "$PCAP" --count 6
# how many SYN retransmits a dropped connect makes depends on timing: send
# until six packets were sampled (bounded)
lab_expect_tcp_drop 4 8080
for _ in 1 2 3 4 5; do
	kill -0 "$MON_PID" 2>/dev/null || break
	lab_expect_ping_pass 4
done
lab_wait_until 10 sh -c "! kill -0 $MON_PID 2>/dev/null" ||
	lab_fail "monitor --pcap --count 6 did not exit"
out=$(tcpdump -nn -r "$PCAP" 2>"$LAB_WORK/tcpdump.err") ||
	lab_fail "tcpdump -r $PCAP failed: $(cat "$LAB_WORK/tcpdump.err")"
echo "$out"
[ "$(wc -l <<<"$out")" = 6 ] || lab_fail "tcpdump read $(wc -l <<<"$out") packets, want 6"
grep -q "IP $LAB_V4_C > $LAB_V4_S: ICMP echo request" <<<"$out" ||
	lab_fail "the pcap shows no echo request from $LAB_V4_C"

lab_step "--pcap -: the capture on standard output (as tcpdump -w -), no file named '-'"
monitor_bg "$LAB_WORK/stdout.pcap" --pcap - --count 2
for _ in 1 2 3; do
	kill -0 "$MON_PID" 2>/dev/null || break
	lab_expect_ping_pass 4
done
lab_wait_until 10 sh -c "! kill -0 $MON_PID 2>/dev/null" ||
	lab_fail "monitor --pcap - --count 2 did not exit"
[ ! -e ./- ] || lab_fail "monitor --pcap - wrote a file named '-'"
out=$(tcpdump -nn -r - <"$LAB_WORK/stdout.pcap" 2>"$LAB_WORK/tcpdump.err") ||
	lab_fail "tcpdump -r - failed: $(cat "$LAB_WORK/tcpdump.err")"
[ "$(wc -l <<<"$out")" = 2 ] || lab_fail "tcpdump read $(wc -l <<<"$out") packets, want 2"

lab_step "stats: sampling events counted (also with no subscriber)"
before=$("$XDPCTL" -s "$SOCK" --json stats | jq '.sampling.events')
lab_expect_ping_pass 4
after=$("$XDPCTL" -s "$SOCK" --json stats | jq '.sampling.events')
echo "sampling.events: $before -> $after"
[ "$after" -ge $((before + 3)) ] || lab_fail "sampling.events did not count 3 pings: $before -> $after"
"$XDPCTL" -s "$SOCK" --json stats | jq -e '.sampling.lost == 0 and .sampling.subscribers == 0' \
	>/dev/null || lab_fail "stats sampling: $("$XDPCTL" -s "$SOCK" --json stats | jq -c .sampling)"

echo "PASS"
