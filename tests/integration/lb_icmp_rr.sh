#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The seed's ICMP load balancer as a policy: 8 pings to the VIP are answered
# alternately by the two backends (echo requests NAT-ed with XDP_TX; the
# backends answer the client directly, so ping prints their addresses), and
# the backend counters and xdpctl lb show it.
. "$(dirname "$0")/lb_lib.sh"
lab_need_tools jq tcpdump
lb_init_lab lbicmp
VIP=10.99.0.100
lb_vip "$VIP"

lab_write_policy <<YAML
version: 1
interfaces:
  - name: $LAB_IF_S
load_balancers:
  - name: icmp-lb
    vip: $VIP
    protocol: icmp
    scheduler: round_robin
    forwarding: nat
    backends:
      - address: ${LB_V4_B[0]}
        mac: "${LB_MAC_B[0]}"
      - address: ${LB_V4_B[1]}
        mac: "${LB_MAC_B[1]}"
YAML

lab_step "start xdpd"
lab_start

lab_step "8 pings to $VIP"
out=$(lab_c ping -4 -n -c 8 -i 0.2 -W 1 "$VIP" 2>&1) || true
echo "$out"
mapfile -t from < <(grep -oE 'bytes from [0-9.]+' <<<"$out" | awk '{print $3}')
[ "${#from[@]}" = 8 ] || lab_fail "expected 8 replies, got ${#from[@]}"
first=${from[0]}
[ "$first" = "${LB_V4_B[0]}" ] || [ "$first" = "${LB_V4_B[1]}" ] ||
	lab_fail "first reply from $first, not a backend"
off=0
[ "$first" = "${LB_V4_B[1]}" ] && off=1
for k in 0 1 2 3 4 5 6 7; do
	want=${LB_V4_B[$(((k + off) % 2))]}
	[ "${from[$k]}" = "$want" ] ||
		lab_fail "reply $((k + 1)) from ${from[$k]}, want $want (strict alternation): ${from[*]}"
done
grep -q 'DIFFERENT ADDRESS' <<<"$out" || echo "(this ping does not flag different addresses)"

lab_step "counters: 4 echo requests per backend, all sent with XDP_TX"
lb_ctl lb
n1=$(lb_list_jq '.balancers[0].backends[0].packets')
n2=$(lb_list_jq '.balancers[0].backends[1].packets')
[ "$n1" = 4 ] && [ "$n2" = 4 ] || lab_fail "backend packets $n1 and $n2, want 4 and 4"
tx=$(lab_iface_packets tx)
[ "$tx" -ge 8 ] || lab_fail "only $tx packets left with XDP_TX"
lb_ctl stats --prometheus | grep -E "xdpd_backend_packets_total.*${LB_V4_B[0]}.* 4$" ||
	lab_fail "no Prometheus backend counter for ${LB_V4_B[0]}: $(lb_ctl stats --prometheus)"

echo "PASS"
