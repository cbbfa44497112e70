#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# NAT balancers end to end: TCP connections to the VIP reach the backends at
# their own addresses (destination rewritten), and the replies, routed by the
# backends through the balancer, come back to the client from the VIP
# (source translated back); a UDP balancer the same way.
. "$(dirname "$0")/lb_lib.sh"
lab_need_tools jq
lb_init_lab lbnat
VIP=10.99.0.102
PORT=8081
UPORT=5353
PEERPORT=8082
lb_vip "$VIP"
lb_server 0 "$PORT"
lb_server 1 "$PORT"
# UDP servers answering each datagram with their name (socat's fork mode
# drops a datagram now and then)
for i in 0 1; do
	lab_bg nsenter --net="/run/netns/${LB_NS_B[$i]}" "$PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(sys.argv[2].encode() + b"\n", peer)
' "$UPORT" "b$((i + 1))"
done

lab_write_policy <<YAML
version: 1
interfaces:
  - name: $LAB_IF_S
load_balancers:
  - name: nat-tcp
    vip: $VIP
    protocol: tcp
    port: $PORT
    forwarding: nat
    backends:
      - address: ${LB_V4_B[0]}
        mac: "${LB_MAC_B[0]}"
      - address: ${LB_V4_B[1]}
        mac: "${LB_MAC_B[1]}"
  - name: nat-peer
    vip: $VIP
    protocol: tcp
    port: $PEERPORT
    forwarding: nat
    backends:
      - address: ${LB_V4_B[0]}
        mac: "${LB_MAC_B[0]}"
      - address: ${LB_V4_B[1]}
        mac: "${LB_MAC_B[1]}"
  - name: nat-udp
    vip: $VIP
    protocol: udp
    port: $UPORT
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

lab_step "40 TCP connections from $LB_V4_C2 to the NAT VIP"
res=$(lb_connect_many 40 "$VIP" "$PORT" "$LB_V4_C2")
echo "$res"
[[ $res == *"none=0" ]] || lab_fail "connections failed: $res"
[[ $res != *"b1=0 "* ]] && [[ $res != *"b2=0 "* ]] || lab_fail "not spread: $res"

lab_step "the client saw the VIP, the backends saw the client's own address"
lab_c ss -Htn state time-wait "dst $VIP" | grep -q "$VIP:$PORT" ||
	lab_fail "no finished connection with $VIP:$PORT on the client: $(lab_c ss -Htan)"
for i in 0 1; do
	lab_bg nsenter --net="/run/netns/${LB_NS_B[$i]}" socat "TCP-LISTEN:$PEERPORT,reuseaddr,fork" \
		'SYSTEM:echo "$SOCAT_PEERADDR"'
done
for i in 0 1; do
	lab_wait_until 5 lb_listening "$i" "$PEERPORT" || lab_fail "no peer-address server"
done
peer=$(lb_connect "$VIP" "$PEERPORT" "$LB_V4_C2")
[ "$peer" = "$LB_V4_C2" ] || lab_fail "the backend saw '$peer', not the client $LB_V4_C2"

lab_step "UDP: round robin, replies from the VIP"
for k in 1 2 3 4; do
	out=$(lab_c timeout 3 socat -T1 - "UDP4:$VIP:$UPORT,bind=$LB_V4_C2:$((40000 + k))" \
		<<<"hello" 2>/dev/null) || true
	echo "datagram $k answered by: ${out:-nobody}"
	[ "$out" = "b$((2 - k % 2))" ] || [ "$out" = "b$((1 + k % 2))" ] ||
		lab_fail "datagram $k: no answer from a backend"
	seen[$k]=$out
done
[ "${seen[1]}" != "${seen[2]}" ] && [ "${seen[1]}" = "${seen[3]}" ] ||
	lab_fail "UDP round robin does not alternate: ${seen[*]}"

echo "PASS"
