#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Health checks: a backend whose TCP service stops is detected (tcp check)
# and new connections move away, then come back after it restarts; a backend
# that stops answering pings (icmp check) leaves the ICMP round robin and
# returns. Changes are logged and shown by xdpctl lb.
. "$(dirname "$0")/lb_lib.sh"
lab_need_tools jq
lb_init_lab lbhealth
VIP=10.99.0.101
VIP_ICMP=10.99.0.100
PORT=8080
lb_vip "$VIP" "$VIP_ICMP"
lb_dsr_vip "$VIP"
lb_server 0 "$PORT"
lb_server 1 "$PORT"

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
        mac: "${LB_MAC_B[0]}"
      - address: ${LB_V4_B[1]}
        mac: "${LB_MAC_B[1]}"
    health_check: { type: tcp, interval: 500ms, timeout: 300ms, rise: 2, fall: 2 }
  - name: pings
    vip: $VIP_ICMP
    protocol: icmp
    backends:
      - address: ${LB_V4_B[0]}
        mac: "${LB_MAC_B[0]}"
      - address: ${LB_V4_B[1]}
        mac: "${LB_MAC_B[1]}"
    health_check: { type: icmp, interval: 500ms, timeout: 300ms, rise: 2, fall: 2 }
YAML

healthy() # BALANCER INDEX -> true|false
{
	lb_list_jq ".balancers[] | select(.name == \"$1\") | .backends[$2].healthy"
}

wait_health() # BALANCER INDEX WANT
{
	lab_wait_until 10 bash -c "[ \"\$('$XDPCTL' -s '$LAB_WORK/xdpd.sock' --json lb |
		jq -r '.balancers[] | select(.name == \"$1\") | .backends[$2].healthy')\" = $3 ]" ||
		lab_fail "$1 backend $2: healthy is not $3: $(lb_ctl lb)"
}

pings_from() # N -> the sources of N echo replies, one line
{
	lab_c ping -4 -n -c "$1" -i 0.2 -W 1 "$VIP_ICMP" 2>&1 | grep -oE 'bytes from [0-9.]+' |
		awk '{print $3}' | sort | uniq -c | tr '\n' ' '
}

lab_step "start xdpd: both backends healthy"
lab_start
sleep 1.5
[ "$(healthy web 1)" = true ] && [ "$(healthy pings 1)" = true ] ||
	lab_fail "not healthy at start: $(lb_ctl lb)"
res=$(lb_connect_many 30 "$VIP" "$PORT")
echo "$res"
[[ $res == *"none=0" ]] && [[ $res != *"b2=0 "* ]] && [[ $res != "b1=0 "* ]] ||
	lab_fail "not spread: $res"

lab_step "stop backend 2's service: the tcp check takes it out"
lb_server_stop 1 "$PORT"
wait_health web 1 false
lb_ctl lb web
grep -q "load balancer 'web': backend ${LB_V4_B[1]} is unhealthy" "$LAB_LOG" ||
	lab_fail "no log record of the health change"
res=$(lb_connect_many 30 "$VIP" "$PORT")
echo "$res"
[ "$res" = "b1=30 b2=0 none=0" ] || lab_fail "traffic did not move away: $res"
[ "$(healthy pings 1)" = true ] || lab_fail "the icmp check should still pass"

lab_step "restart it: back after 2 successful checks"
lb_server 1 "$PORT"
wait_health web 1 true
grep -q "backend ${LB_V4_B[1]} is healthy again" "$LAB_LOG" || lab_fail "no log of the return"
res=$(lb_connect_many 30 "$VIP" "$PORT")
echo "$res"
[[ $res == *"none=0" ]] && [[ $res != *"b2=0 "* ]] || lab_fail "backend 2 did not return: $res"

lab_step "backend 2 stops answering pings: the icmp check takes it out"
lb_b 1 sysctl -qw net.ipv4.icmp_echo_ignore_all=1
wait_health pings 1 false
src=$(pings_from 4)
echo "echo replies: $src"
[ "$src" = "      4 ${LB_V4_B[0]} " ] || lab_fail "pings still go to backend 2: $src"
lb_b 1 sysctl -qw net.ipv4.icmp_echo_ignore_all=0
wait_health pings 1 true
src=$(pings_from 4)
echo "echo replies: $src"
[ "$src" = "      2 ${LB_V4_B[0]}       2 ${LB_V4_B[1]} " ] || lab_fail "not alternating again: $src"

echo "PASS"
