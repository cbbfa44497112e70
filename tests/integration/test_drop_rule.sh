#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A tcp/8080 drop rule drops 8080 and passes 8081 and ping, over IPv4 and
# IPv6; the program shows in `ip link`, its pins exist, its counters move.
. "$(dirname "$0")/lib.sh"
lab_init_net drop

lab_policy_drop 8080 "default_action: pass"

lab_step "before xdpd: nothing filtered"
lab_expect_no_filter

lab_step "start xdpd"
lab_start

lab_step "ip link shows the program"
link=$(ip -n "$LAB_NS_S" link show dev "$LAB_IF_S")
grep -q 'prog/xdp id' <<<"$link" ||
	lab_fail "ip link does not show prog/xdp on $LAB_IF_S"
[ -n "$(lab_xdp_mode_word)" ] || lab_fail "ip link shows no xdp flag on $LAB_IF_S"

lab_step "pins exist"
for pin in "links/$LAB_IF_S" prog maps/stats_iface maps/stats_rule maps/rule_slots \
	maps/iface_slots maps/meta; do
	[ -e "$LAB_BPFFS/$pin" ] ||
		lab_fail "pin $LAB_BPFFS/$pin is missing (have: $(lab_pins | tr '\n' ' '))"
done

lab_step "verdicts: 8080 dropped, 8081 and ping pass (IPv4 and IPv6)"
rule0=$(lab_rule_packets drop-8080)
drop0=$(lab_iface_packets drop)
pass0=$(lab_iface_packets pass)
lab_capture_start p8080 'tcp dst port 8080'
lab_capture_start p8081 'tcp dst port 8081'
lab_expect_drop_8080
seen8080=$(lab_capture_stop p8080)
seen8081=$(lab_capture_stop p8081)

lab_step "tcpdump behind XDP: no 8080 packet got through, 8081 did"
echo "captured on $LAB_IF_S: port 8080: $seen8080 packets, port 8081: $seen8081 packets"
[ "$seen8080" = 0 ] || lab_fail "$seen8080 packets to port 8080 got past XDP"
[ "$seen8081" -ge 6 ] || lab_fail "only $seen8081 packets to port 8081 got past XDP"

lab_step "counters moved"
rule1=$(lab_rule_packets drop-8080)
drop1=$(lab_iface_packets drop)
pass1=$(lab_iface_packets pass)
echo "rule drop-8080: $rule0 -> $rule1; $LAB_IF_S drop: $drop0 -> $drop1; pass: $pass0 -> $pass1"
# At least one SYN per family was dropped by the rule.
[ "$rule1" -ge $((rule0 + 2)) ] || lab_fail "rule drop-8080 counter did not move: $rule0 -> $rule1"
[ "$drop1" -ge $((drop0 + 2)) ] || lab_fail "$LAB_IF_S drop counter did not move: $drop0 -> $drop1"
# Both 8081 sessions and 6 pings passed.
[ "$pass1" -ge $((pass0 + 12)) ] || lab_fail "$LAB_IF_S pass counter did not move: $pass0 -> $pass1"
[ "$((drop1 - drop0))" = "$((rule1 - rule0))" ] ||
	lab_fail "every drop here comes from drop-8080, but the interface counted" \
		"$((drop1 - drop0)) and the rule $((rule1 - rule0))"

echo "PASS"
