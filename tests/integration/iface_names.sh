#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The policy names interfaces: with two of them (the lab's xt0 and a second
# veth, xtb0), a device that comes back is attached again while the other
# one is still gone, and two devices whose names were swapped while xdpd was
# stopped are each attached under their new name at the next start.
# Arguments: XDPD SRCDIR.
. "$(dirname "$0")/lib.sh"
lab_init_net ifnames

two_ifaces_policy()
{
	lab_policy_drop 8080
	sed -i "s/^  - name: $LAB_IF_S\$/  - name: $LAB_IF_S\n  - name: xtb0/" "$LAB_POLICY"
	grep -q xtb0 "$LAB_POLICY" || lab_fail "the two-interface policy was not written"
}
add_second()
{
	lab_s ip link add xtb0 type veth peer name xtb1
	lab_s ip link set xtb0 up
	lab_s ip link set xtb1 up
}
ifindex_of() { ip -n "$LAB_NS_S" -j link show dev "$1" | jq -r '.[0].ifindex'; }
prog_on() { ip -n "$LAB_NS_S" -j -d link show dev "$1" | jq -r '.[0].xdp.prog.id // 0'; }
status() { lab_s timeout 10 socat -t5 - "UNIX-CONNECT:$LAB_SOCKET" <<<'{"jsonrpc":"2.0","id":1,"method":"status"}'; }
# the ifindex of the link of NAME (status asks the kernel), "false" when detached
link_ifindex()
{
	status | jq -r --arg n "$1" '.result.interfaces[] | select(.name == $n) |
		if .attached then .ifindex else false end'
}
attached_again() { [ "$(lab_prog_id)" != 0 ]; }

add_second
two_ifaces_policy

lab_step "start on two interfaces"
lab_start
lab_expect_drop_8080
[ "$(prog_on xtb0)" != 0 ] || lab_fail "xtb0 has no program"

lab_step "xtb0 gone; xt0 deleted and created again: xt0 is attached again at once"
# Regression: the policy was applied again as a whole, which failed on the
# interface still missing ("no such interface"), and xt0 stayed unfiltered.
lab_s ip link del xtb0
lab_wait_until 5 grep -q "interface xtb0 is gone" "$LAB_LOG" || lab_fail "xtb0's going not logged"
lab_s ip link del "$LAB_IF_S"
ip netns del "$LAB_NS_C"
lab_make_client_net
lab_wait_until 10 attached_again || lab_fail "xt0 not re-attached while xtb0 is gone"
lab_expect_drop_8080
lab_expect_attached
st=$(status)
jq -e '[.result.interfaces[] | select(.name == "xtb0")][0].attached == false' >/dev/null <<<"$st" ||
	lab_fail "status: xtb0 should be detached: $st"

lab_step "xtb0 back: attached too"
add_second
xtb_back() { [ "$(prog_on xtb0)" != 0 ]; }
lab_wait_until 10 xtb_back || lab_fail "xtb0 not re-attached once back"
lab_expect_drop_8080

lab_step "names swapped while xdpd is stopped: the next start attaches each name's device"
# Regression: the start refused ("the XDP bpf_link ... not pinned in this
# bpffs directory, holds the interface"): the links pinned here sat on the
# devices of the other name.
lab_stop TERM
lab_s ip link set xtb0 down
lab_s ip link set "$LAB_IF_S" down
lab_s ip link set "$LAB_IF_S" name xtswap
lab_s ip link set xtb0 name "$LAB_IF_S"
lab_s ip link set xtswap name xtb0
lab_s ip link set xtb0 up
lab_s ip link set "$LAB_IF_S" up
lab_start
for n in "$LAB_IF_S" xtb0; do
	[ "$(link_ifindex "$n")" = "$(ifindex_of "$n")" ] ||
		lab_fail "the link pinned for $n sits on ifindex $(link_ifindex "$n"), $n is $(ifindex_of "$n")"
	[ "$(prog_on "$n")" != 0 ] || lab_fail "$n has no program after the start"
done
echo "PASS"
