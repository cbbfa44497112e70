#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A TCP maglev balancer with direct server return, backends given without
# MACs (resolved from the neighbour table): 100 connections all complete
# and spread over both backends; `xdpctl lb disable` moves new connections
# off a backend, the state survives a restart and a reload, and editing that
# backend in the policy hands it back to the policy; `enable` restores it.
. "$(dirname "$0")/lb_lib.sh"
lab_need_tools jq
lb_init_lab lbdsr
VIP=10.99.0.101
PORT=8080
lb_vip "$VIP"
lb_dsr_vip "$VIP"
lb_server 0 "$PORT"
lb_server 1 "$PORT"

policy()
{
	lab_write_policy <<YAML
version: 1
interfaces:
  - name: $LAB_IF_S
load_balancers:
  - name: web
    vip: $VIP
    protocol: tcp
    port: $PORT
    forwarding: dsr
    backends:
      - address: ${LB_V4_B[0]}
      - address: ${LB_V4_B[1]}
        weight: $1
YAML
}
policy 1

lab_step "start xdpd"
lab_start
lab_wait_until 10 bash -c "'$XDPCTL' -s '$LAB_WORK/xdpd.sock' --json lb |
	jq -e '[.balancers[0].backends[].healthy] == [true, true]'" ||
	lab_fail "backends not resolved: $(lb_ctl lb)"

lab_step "the MACs came from the neighbour table"
lb_ctl lb
[ "$(lb_list_jq '.balancers[0].backends[0].mac')" = "${LB_MAC_B[0]}" ] ||
	lab_fail "backend 1 MAC $(lb_list_jq '.balancers[0].backends[0].mac')"
[ "$(lb_list_jq '.balancers[0].backends[1].mac')" = "${LB_MAC_B[1]}" ] ||
	lab_fail "backend 2 MAC $(lb_list_jq '.balancers[0].backends[1].mac')"

lab_step "100 connections through the DSR VIP"
res=$(lb_connect_many 100 "$VIP" "$PORT")
echo "$res"
[[ $res == *"none=0" ]] || lab_fail "not every connection completed: $res"
b1=${res#b1=}; b1=${b1%% *}
b2=${res#*b2=}; b2=${b2%% *}
[ "$b1" -ge 20 ] && [ "$b2" -ge 20 ] || lab_fail "connections not spread: $res"
p1=$(lb_list_jq '.balancers[0].backends[0].packets')
[ "$p1" -ge "$b1" ] || lab_fail "backend 1 counted $p1 packets for $b1 connections"

lab_step "disable backend 2: new connections avoid it"
lb_ctl lb disable web "${LB_V4_B[1]}"
[ "$(lb_list_jq '.balancers[0].backends[1].state')" = disabled ] || lab_fail "not disabled"
res=$(lb_connect_many 30 "$VIP" "$PORT")
echo "$res"
[ "$res" = "b1=30 b2=0 none=0" ] || lab_fail "disabled backend still gets connections: $res"
grep -q "backend ${LB_V4_B[1]} set to disabled" "$LAB_LOG" || lab_fail "state change not logged"

lab_step "the state survives a restart and a reload"
lab_stop TERM
lab_start
[ "$(lb_list_jq '.balancers[0].backends[1].state')" = disabled ] ||
	lab_fail "state lost by the restart: $(lb_ctl lb)"
kill -HUP "$LAB_DAEMON_PID"
sleep 1
[ "$(lb_list_jq '.balancers[0].backends[1].state')" = disabled ] ||
	lab_fail "state lost by the reload: $(lb_ctl lb)"
res=$(lb_connect_many 20 "$VIP" "$PORT")
[ "$res" = "b1=20 b2=0 none=0" ] || lab_fail "after restart and reload: $res"

lab_step "enable: backend 2 is back"
lb_ctl lb enable web "${LB_V4_B[1]}"
res=$(lb_connect_many 40 "$VIP" "$PORT")
echo "$res"
[[ $res == *"none=0" ]] && [[ $res != *"b2=0 "* ]] || lab_fail "after enable: $res"

lab_step "drain, then a policy edit of that backend hands it back to the policy"
lb_ctl lb drain web "${LB_V4_B[1]}"
[ "$(lb_list_jq '.balancers[0].backends[1].state')" = drain ] || lab_fail "not draining"
policy 2
kill -HUP "$LAB_DAEMON_PID"
lab_wait_until 10 bash -c "'$XDPCTL' -s '$LAB_WORK/xdpd.sock' --json lb |
	jq -e '.balancers[0].backends[1].weight == 2'" || lab_fail "reload not applied"
[ "$(lb_list_jq '.balancers[0].backends[1].state')" = active ] ||
	lab_fail "override kept after the policy changed the backend: $(lb_ctl lb)"

echo "PASS"
