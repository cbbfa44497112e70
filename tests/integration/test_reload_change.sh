#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGHUP to a changed policy swaps the behaviour: a new program behind the
# same link; the counters of a rule whose name did not change are kept.
. "$(dirname "$0")/lib.sh"
lab_init_net hup

lab_write_policy <<YAML
version: 1
interfaces:
  - name: $LAB_IF_S
rules:
  - name: drop-web
    action: drop
    protocol: tcp
    dst_port: 8080
  - name: count-ping
    action: pass
    protocol: icmp
YAML

lab_step "start xdpd with drop tcp/8080"
lab_start
lab_expect_drop_8080
prog0=$(lab_prog_id)
link0=$(lab_link_id)
ping0=$(lab_rule_packets count-ping)
[ "$ping0" -ge 3 ] || lab_fail "count-ping counted $ping0 packets after 3 IPv4 pings"

lab_step "SIGHUP with drop tcp/8081 (rule order and names changed)"
lab_write_policy <<YAML
version: 1
interfaces:
  - name: $LAB_IF_S
rules:
  - name: count-ping
    action: pass
    protocol: icmp
  - name: drop-8081
    action: drop
    protocol: tcp
    dst_port: 8081
YAML
kill -HUP "$LAB_DAEMON_PID"
prog_changed() { [ "$(lab_prog_id)" != "$prog0" ]; }
lab_wait_until 10 prog_changed || lab_fail "program id still $prog0 10 s after SIGHUP"
lab_daemon_alive || lab_fail "xdpd died on SIGHUP"

prog1=$(lab_prog_id)
link1=$(lab_link_id)
ping1=$(lab_rule_packets count-ping)
echo "prog $prog0 -> $prog1, link $link0 -> $link1, count-ping $ping0 -> $ping1"
[ "$link1" = "$link0" ] || lab_fail "the link was replaced ($link0 -> $link1), not updated"
[ "$(lab_link_prog_id)" = "$prog1" ] ||
	lab_fail "pinned link runs $(lab_link_prog_id), ip link shows $prog1"
[ "$ping1" -ge "$ping0" ] || lab_fail "count-ping counter lost on reload: $ping0 -> $ping1"

lab_step "new verdicts: 8080 passes, 8081 dropped"
lab_expect_drop_8081
ping2=$(lab_rule_packets count-ping)
[ "$ping2" -ge $((ping1 + 3)) ] ||
	lab_fail "count-ping does not count after reload: $ping1 -> $ping2"
[ "$(lab_rule_packets drop-8081)" -ge 2 ] || lab_fail "drop-8081 counted no drops"

echo "PASS"
