#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# After kill -9 the datapath keeps judging while the daemon is down; a
# restart with the same policy adopts it: same program, same link, counters
# kept. A restart with a changed policy swaps the program behind the same
# link.
. "$(dirname "$0")/lib.sh"
lab_init_net kill9

lab_policy_drop 8080

lab_step "start xdpd"
lab_start
lab_expect_drop_8080
prog0=$(lab_prog_id)
link0=$(lab_link_id)
rule0=$(lab_rule_packets drop-8080)

lab_step "kill -9"
lab_stop KILL
[ "$LAB_DAEMON_RC" = 137 ] || lab_fail "kill -9: expected status 137, got $LAB_DAEMON_RC"

lab_step "daemon down: still attached, still judging"
[ "$(lab_prog_id)" = "$prog0" ] ||
	lab_fail "program changed after kill -9: $prog0 -> $(lab_prog_id)"
lab_expect_drop_8080
rule1=$(lab_rule_packets drop-8080)
[ "$rule1" -gt "$rule0" ] ||
	lab_fail "rule counter did not move while xdpd was down: $rule0 -> $rule1"

lab_step "restart with the same policy: adopt"
lab_start
prog2=$(lab_prog_id)
link2=$(lab_link_id)
rule2=$(lab_rule_packets drop-8080)
echo "prog $prog0 -> $prog2, link $link0 -> $link2, rule drop-8080 $rule0 -> $rule1 -> $rule2"
[ "$prog2" = "$prog0" ] || lab_fail "restart did not adopt: program id $prog0 -> $prog2"
[ "$link2" = "$link0" ] || lab_fail "restart did not adopt: link id $link0 -> $link2"
[ "$rule2" -ge "$rule1" ] || lab_fail "counters reset by the restart: $rule1 -> $rule2"
lab_expect_drop_8080
rule3=$(lab_rule_packets drop-8080)
[ "$rule3" -gt "$rule2" ] || lab_fail "adopted program does not count: $rule2 -> $rule3"

lab_step "kill -9, then restart with a changed policy: reloaded in place"
lab_stop KILL
lab_write_policy <<YAML
version: 1
interfaces:
  - name: $LAB_IF_S
rules:
  - name: drop-8081
    action: drop
    protocol: tcp
    dst_port: 8081
  - name: drop-8080
    action: drop
    protocol: tcp
    dst_port: 8080
    src: $LAB_V4_C
YAML
lab_start
prog4=$(lab_prog_id)
link4=$(lab_link_id)
rule4=$(lab_rule_packets drop-8080)
echo "prog $prog2 -> $prog4, link $link2 -> $link4, rule drop-8080 $rule3 -> $rule4"
[ "$prog4" != "$prog2" ] || lab_fail "a changed policy at start was not loaded (program $prog2 kept)"
[ "$link4" = "$link2" ] || lab_fail "the link was replaced at start ($link2 -> $link4), not updated"
[ "$rule4" -ge "$rule3" ] || lab_fail "counters of drop-8080 reset by the restart: $rule3 -> $rule4"
lab_expect_tcp_drop 4 8080
lab_expect_tcp_pass 6 8080
lab_expect_tcp_drop 4 8081
lab_expect_tcp_drop 6 8081
lab_expect_ping_pass 4
lab_expect_ping_pass 6
lab_stop TERM
[ "$LAB_DAEMON_RC" = 0 ] || lab_fail "SIGTERM: expected exit 0, got $LAB_DAEMON_RC"

echo "PASS"
