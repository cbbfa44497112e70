#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Backends without a MAC in the policy: resolved from the kernel's neighbour
# table; a backend nobody answers for is reported unhealthy and gets no
# traffic (never a guessed address); a backend whose MAC changes is
# re-resolved and keeps getting its traffic.
. "$(dirname "$0")/lb_lib.sh"
lab_need_tools jq
lb_init_lab lbneigh
VIP=10.99.0.100
GHOST=10.99.0.99
NEWMAC=02:00:00:00:99:21
lb_vip "$VIP"

lab_write_policy <<YAML
version: 1
interfaces:
  - name: $LAB_IF_S
load_balancers:
  - name: pings
    vip: $VIP
    protocol: icmp
    backends:
      - address: ${LB_V4_B[0]}
      - address: $GHOST
YAML

mac_of() { lb_list_jq ".balancers[0].backends[$1].mac"; }

# Short neighbour timers on the balancer (defaults: reachable for 15-45 s,
# 5 s before the first probe), so that an entry goes stale within seconds.
for k in base_reachable_time_ms=1000 delay_first_probe_time=1 retrans_time_ms=200; do
	lab_s sysctl -qw "net.ipv4.neigh.$LAB_IF_S.${k%%=*}=${k#*=}"
done

lab_step "start xdpd"
lab_start
lab_wait_until 10 bash -c "[ \"\$('$XDPCTL' -s '$LAB_WORK/xdpd.sock' --json lb |
	jq -r '.balancers[0].backends[0].mac')\" = ${LB_MAC_B[0]} ]" ||
	lab_fail "backend 1 not resolved: $(lb_ctl lb)"
lb_ctl lb

lab_step "the unresolvable backend is unhealthy and gets nothing"
[ "$(mac_of 1)" = null ] || lab_fail "a MAC for $GHOST: $(mac_of 1)"
[ "$(lb_list_jq '.balancers[0].backends[1].healthy')" = false ] || lab_fail "$GHOST healthy"
out=$(lab_c ping -4 -n -c 4 -i 0.2 -W 1 "$VIP" 2>&1) || true
echo "$out" | grep 'bytes from'
[ "$(grep -c "bytes from ${LB_V4_B[0]}" <<<"$out")" = 4 ] ||
	lab_fail "every ping should go to ${LB_V4_B[0]}: $out"
[ "$(lb_list_jq '.balancers[0].backends[1].packets')" = 0 ] || lab_fail "$GHOST got packets"

lab_step "backend 1 changes its MAC: re-resolved"
ip -n "${LB_NS_B[0]}" link set dev "$LAB_IF_S" address "$NEWMAC"
ip -n "$LAB_NS_S" neigh del "${LB_V4_B[0]}" dev "$LAB_IF_S"
lab_wait_until 10 bash -c "[ \"\$('$XDPCTL' -s '$LAB_WORK/xdpd.sock' --json lb |
	jq -r '.balancers[0].backends[0].mac')\" = $NEWMAC ]" ||
	lab_fail "new MAC not picked up: $(lb_ctl lb)"
grep -q "backend ${LB_V4_B[0]} is at MAC $NEWMAC" "$LAB_LOG" || lab_fail "MAC change not logged"
out=$(lab_c ping -4 -n -c 2 -i 0.2 -W 1 "$VIP" 2>&1) || true
[ "$(grep -c "bytes from ${LB_V4_B[0]}" <<<"$out")" = 2 ] ||
	lab_fail "pings lost after the MAC change: $out"

lab_step "it changes its MAC again, the entry left to go stale: re-validated"
# Balanced frames never confirm the entry to the kernel: xdpd asks it to
# re-validate a stale one (short neighbour timers, set above, so that it
# goes stale soon).
NEWMAC2=02:00:00:00:99:22
# (promiscuous, as under tcpdump: the stack then also sees the frames
# between others, and nothing it sees confirms the new MAC by chance)
ip -n "$LAB_NS_S" link set dev "$LAB_IF_S" promisc on
ip -n "${LB_NS_B[0]}" link set dev "$LAB_IF_S" address "$NEWMAC2"
lab_wait_until 20 bash -c "[ \"\$('$XDPCTL' -s '$LAB_WORK/xdpd.sock' --json lb |
	jq -r '.balancers[0].backends[0].mac')\" = $NEWMAC2 ]" ||
	lab_fail "the second MAC was not picked up: $(lb_ctl lb; ip -n "$LAB_NS_S" neigh)"
out=$(lab_c ping -4 -n -c 2 -i 0.2 -W 1 "$VIP" 2>&1) || true
[ "$(grep -c "bytes from ${LB_V4_B[0]}" <<<"$out")" = 2 ] ||
	lab_fail "pings lost after the second MAC change: $out"

echo "PASS"
