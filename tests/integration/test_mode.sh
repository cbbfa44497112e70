#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mode: generic attaches in generic (skb) mode; an interface that does not
# exist makes the start fail with exit 1, naming it, and changes nothing.
. "$(dirname "$0")/lib.sh"
lab_init_net mode

# policy_drop_8080 [LINE...]: the lab interface, each LINE after it (a mode,
# another interface), and the rule dropping tcp/8080.
policy_drop_8080()
{
	{
		printf 'version: 1\ninterfaces:\n  - name: %s\n' "$LAB_IF_S"
		[ $# = 0 ] || printf '%s\n' "$@"
		printf 'rules:\n  - name: drop-8080\n    action: drop\n    protocol: tcp\n'
		printf '    dst_port: 8080\n'
	} | lab_write_policy
}


lab_step "an interface that does not exist: exit 1, nothing changed"
missing=xtmissing0
policy_drop_8080 "  - name: $missing"
lab_spawn
lab_wait_until 15 bash -c "! kill -0 $LAB_DAEMON_PID" ||
	lab_fail "xdpd still running with interface $missing"
lab_wait_daemon
[ "$LAB_DAEMON_RC" = 1 ] || lab_fail "missing interface: expected exit 1, got $LAB_DAEMON_RC"
grep -q "$missing" "$LAB_LOG" || lab_fail "the error does not name interface $missing"
grep "$missing" "$LAB_LOG"
[ "$(lab_prog_id)" = 0 ] || lab_fail "a failed start attached program $(lab_prog_id) to $LAB_IF_S"
[ -z "$(lab_pins)" ] || lab_fail "a failed start left pins: $(lab_pins | tr '\n' ' ')"
[ "$(lab_ready_count)" = 0 ] || lab_fail "a failed start sent READY=1"
lab_expect_no_filter

lab_step "mode: generic"
policy_drop_8080 "    mode: generic"
lab_start
mode=$(lab_xdp_mode_word)
[ "$mode" = xdpgeneric ] ||
	lab_fail "mode: generic, but ip link shows '$mode':" \
		"$(ip -n "$LAB_NS_S" link show dev "$LAB_IF_S")"
lab_expect_drop_8080

lab_step "mode: generic, then auto on reload: native is tried again"
policy_drop_8080
kill -HUP "$LAB_DAEMON_PID"
mode_is_native() { [ "$(lab_xdp_mode_word)" = xdp ]; }
lab_wait_until 10 mode_is_native ||
	lab_fail "mode: auto after generic, but ip link shows '$(lab_xdp_mode_word)'"
lab_expect_drop_8080
lab_stop TERM

lab_step "mode: native on veth"
lab_s "$XDPD" --teardown --bpffs "$LAB_BPFFS" >>"$LAB_LOG" 2>&1 || lab_fail "xdpd --teardown failed"
policy_drop_8080 "    mode: native"
lab_start
mode=$(lab_xdp_mode_word)
[ "$mode" = xdp ] || lab_fail "mode: native, but ip link shows '$mode'"
lab_expect_drop_8080

echo "PASS"
