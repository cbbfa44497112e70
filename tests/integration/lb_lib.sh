# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# The load-balancer lab, on top of lib.sh: one L2 segment (a Linux bridge in
# its own namespace) with a client, the balancer (xdpd, XDP on xt0) and two
# backends.
#
#   client  xt1 10.99.0.2, .3   02:00:00:00:99:02 --+
#   xdpd    xt0 10.99.0.1       02:00:00:00:99:01 --+-- br0 (netns ...-br)
#   b1      xt0 10.99.0.11      02:00:00:00:99:11 --+
#   b2      xt0 10.99.0.12      02:00:00:00:99:12 --+
#
# The bridge-side end of the balancer's veth runs a pass-only XDP program
# (xdp_pass.bpf.o): without it the frames the balancer sends back with
# XDP_TX vanish. The client reaches every VIP through a static neighbour
# entry pointing at the balancer's MAC (as a router would). Backends answer
# the client directly, except for 10.99.0.3, which they route through the
# balancer (the NAT balancer's topology: its replies must come back through
# xdpd to get the VIP as their source).
#
# Senders compute full TCP/UDP checksums (tx checksum offload off): a veth
# hands the receiver a partial checksum otherwise, which an XDP_TX-ed frame
# (a new buffer, no offload metadata) then fails. Real NICs send complete
# checksums; see README "Load balancing topology".
#
# Environment: XDP_PASS_OBJ = the built xdp_pass.bpf.o, XDPCTL = xdpctl.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LB_V4_C2=10.99.0.3
LB_V4_B=(10.99.0.11 10.99.0.12)
LB_MAC_B=(02:00:00:00:99:11 02:00:00:00:99:12)
LB_NS_BR=
LB_NS_B=()
XDPCTL=${XDPCTL:-}
XDP_PASS_OBJ=${XDP_PASS_OBJ:-}

lb_b() { local i=$1; shift; nsenter --net="/run/netns/${LB_NS_B[$i]}" "$@"; }
lb_br() { nsenter --net="/run/netns/$LB_NS_BR" "$@"; }

lb_cleanup_net()
{
	local ns
	for ns in "$LB_NS_BR" "${LB_NS_B[@]}"; do
		[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
	done
	return 0
}

# lb_port NS IFNAME MAC PEER: a veth from NS into the bridge.
lb_port()
{
	local ns=$1 ifname=$2 mac=$3 peer=$4
	ip -n "$ns" link add "$ifname" address "$mac" type veth peer name "$peer" \
		netns "$LB_NS_BR"
	ip -n "$ns" link set "$ifname" up
	nsenter --net="/run/netns/$ns" ethtool -K "$ifname" tx off >/dev/null
	ip -n "$LB_NS_BR" link set "$peer" master br0 up
}

# lb_init_lab NAME: lab_init, then the namespaces, bridge and addresses.
lb_init_lab()
{
	lab_require_kernel
	lab_need_tools ethtool
	[ -n "$XDP_PASS_OBJ" ] && [ -f "$XDP_PASS_OBJ" ] ||
		lab_skip "XDP_PASS_OBJ (xdp_pass.bpf.o) is not built"
	lab_init "$1"
	LAB_NS_S=${XT_PREFIX}-$1-$$-s
	LAB_NS_C=${XT_PREFIX}-$1-$$-c
	LB_NS_BR=${XT_PREFIX}-$1-$$-br
	LB_NS_B=("${XT_PREFIX}-$1-$$-b1" "${XT_PREFIX}-$1-$$-b2")
	LAB_BPFFS=/sys/fs/bpf/${XT_PREFIX}-$1-$$
	lab_at_exit lb_cleanup_net
	local ns i
	for ns in "$LAB_NS_S" "$LAB_NS_C" "$LB_NS_BR" "${LB_NS_B[@]}"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
	ip -n "$LB_NS_BR" link add br0 type bridge
	ip -n "$LB_NS_BR" link set br0 up
	lb_port "$LAB_NS_S" "$LAB_IF_S" "$LAB_MAC_S" xb-s
	lb_port "$LAB_NS_C" "$LAB_IF_C" "$LAB_MAC_C" xb-c
	ip -n "$LB_NS_BR" link set dev xb-s xdp obj "$XDP_PASS_OBJ" sec xdp
	ip -n "$LAB_NS_S" addr add "$LAB_V4_S/24" dev "$LAB_IF_S"
	ip -n "$LAB_NS_C" addr add "$LAB_V4_C/24" dev "$LAB_IF_C"
	ip -n "$LAB_NS_C" addr add "$LB_V4_C2/24" dev "$LAB_IF_C"
	for i in 0 1; do
		lb_port "${LB_NS_B[$i]}" "$LAB_IF_S" "${LB_MAC_B[$i]}" "xb-b$i"
		ip -n "${LB_NS_B[$i]}" addr add "${LB_V4_B[$i]}/24" dev "$LAB_IF_S"
		# answer ARP only for addresses on the interface (DSR VIPs sit on lo)
		lb_b "$i" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
		ip -n "${LB_NS_B[$i]}" route add "$LB_V4_C2/32" via "$LAB_V4_S"
	done
}

# lb_vip VIP...: the client sends to each VIP through the balancer.
lb_vip()
{
	local v
	for v in "$@"; do
		ip -n "$LAB_NS_C" neigh replace "$v" lladdr "$LAB_MAC_S" dev "$LAB_IF_C" nud permanent
	done
}

# lb_dsr_vip VIP: both backends own VIP (direct server return).
lb_dsr_vip()
{
	local i
	for i in 0 1; do
		ip -n "${LB_NS_B[$i]}" addr add "$1/32" dev lo
	done
}

# lb_server I PORT: backend I answers every TCP connection on PORT with
# "b<I+1>" (its name), until lb_server_stop I PORT.
declare -A LB_SERVERS=()
lb_server()
{
	local i=$1 port=$2
	lab_bg nsenter --net="/run/netns/${LB_NS_B[$i]}" socat \
		"TCP-LISTEN:$port,reuseaddr,fork" "SYSTEM:echo b$((i + 1))"
	LB_SERVERS[$i-$port]=${LAB_BG_PIDS[-1]}
	lab_wait_until 5 lb_listening "$i" "$port" || lab_fail "backend $i: no listener on $port"
}

lb_listening()
{
	local out
	out=$(lb_b "$1" ss -Hltn "sport = :$2")
	grep -q LISTEN <<<"$out"
}

lb_server_stop()
{
	local pid=${LB_SERVERS[$1-$2]}
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	lab_wait_until 5 bash -c "! nsenter --net=/run/netns/${LB_NS_B[$1]} ss -Hltn 'sport = :$2' | grep -q LISTEN"
}

# lb_connect VIP PORT [SRC]: one connection from the client; prints who
# answered ("b1", "b2") or "none".
lb_connect()
{
	local bind=${3:+,bind=$3} out
	out=$(lab_c timeout 3 socat -T1 - "TCP4:$1:$2,connect-timeout=1$bind" </dev/null 2>/dev/null) ||
		true
	echo "${out:-none}"
}

# lb_connect_many N VIP PORT [SRC]: "b1=X b2=Y none=Z" over N connections.
lb_connect_many()
{
	local n=$1 k b1=0 b2=0 none=0 who
	shift
	for ((k = 0; k < n; k++)); do
		who=$(lb_connect "$@")
		case $who in
		b1) b1=$((b1 + 1)) ;;
		b2) b2=$((b2 + 1)) ;;
		*) none=$((none + 1)) ;;
		esac
	done
	echo "b1=$b1 b2=$b2 none=$none"
}

lb_ctl() { "$XDPCTL" -s "$LAB_WORK/xdpd.sock" "$@"; }

# lb_list_jq FILTER: jq over `xdpctl --json lb`.
lb_list_jq()
{
	lb_ctl --json lb | jq -r "$1"
}
