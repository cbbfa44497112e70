#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# default_action: drop with pass rules for ICMP: ping passes, TCP is dropped.
. "$(dirname "$0")/lib.sh"
lab_init_net defdrop

lab_write_policy <<YAML
version: 1
interfaces:
  - name: $LAB_IF_S
default_action: drop
rules:
  - name: allow-icmp
    action: pass
    protocol: icmp
  - name: allow-icmpv6
    action: pass
    protocol: icmpv6
YAML

lab_step "start xdpd"
lab_start

lab_step "ping passes, tcp is dropped by default"
drop0=$(lab_iface_packets drop)
for fam in 4 6; do
	lab_expect_ping_pass "$fam"
	lab_expect_tcp_drop "$fam" 8080
	lab_expect_tcp_drop "$fam" 8081
done
[ "$(lab_rule_packets allow-icmp)" -ge 3 ] || lab_fail "allow-icmp counted fewer than 3 pings"
[ "$(lab_rule_packets allow-icmpv6)" -ge 3 ] || lab_fail "allow-icmpv6 counted fewer than 3 pings"
drop1=$(lab_iface_packets drop)
[ "$drop1" -ge $((drop0 + 4)) ] ||
	lab_fail "$LAB_IF_S drop counter: $drop0 -> $drop1, expected +4 SYNs at least"

echo "PASS"
