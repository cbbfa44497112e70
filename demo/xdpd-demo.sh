#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# xdpd demo: the real, built xdpd in network namespaces, judged by real
# traffic. Needs root. Leaves nothing behind (EXIT trap).
#
#   demo/xdpd-demo.sh [BUILDDIR]      (default: build)
#
# Part 1 - firewall (the seed's xdp_drop_8080, as a policy):
#
#   netns $P-cli                         netns $P-srv
#   eth0 10.200.0.2    <--- veth --->   eth0 10.200.0.1   xdpd, XDP on eth0
#        fd00:200::2                         fd00:200::1
#   socat, ping                          echo servers on tcp/8080 and tcp/8081
#
#   tcp/8080 must be dropped, tcp/8081 and ping must pass; then the daemon is
#   stopped (the datapath keeps running), restarted (it adopts), and the
#   datapath torn down (everything passes again).
#
# Part 2 - the seed's ICMP round-robin load balancer:
#
#   client 192.168.1.1   LB (VIP) 192.168.1.2   backends 192.168.1.3, .4
#   all on one bridge; ping 192.168.1.2 is answered by .3 and .4 in turn.
#
# Environment: DEMO_PREFIX (default "xdpdemo", at most 8 characters) names
# every namespace and bpffs directory; DEMO_KEEP=1 keeps the work directory.
# Exit status: 0 every packet was judged as expected, 1 something was not,
# 77 not run as root. tests/systemd runs it as the test "demo".
set -euo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILDDIR=${1:-build}
case $BUILDDIR in /*) ;; *) BUILDDIR=$SRCDIR/$BUILDDIR ;; esac
XDPD=$BUILDDIR/daemon/xdpd
XDPCTL=$BUILDDIR/ctl/xdpctl
BPF_OBJ=$BUILDDIR/bpf/xdpd.bpf.o
P=${DEMO_PREFIX:-xdpdemo}
PY=/usr/bin/python3

WORK=
BG_PIDS=()
NETNS=()
BPFFS_DIRS=()
DAEMON_PID=
FAILURES=0

# ---------------------------------------------------------------- output

if [ -t 1 ]; then
	B=$'\e[1m' G=$'\e[32m' R=$'\e[31m' Y=$'\e[33m' N=$'\e[0m'
else
	B='' G='' R='' Y='' N=''
fi
title() { printf '\n%s=== %s ===%s\n' "$B" "$*" "$N"; }
say() { if [ $# -eq 0 ] || [ -z "$*" ]; then echo; else printf '  %s\n' "$*"; fi; }
indent() { sed 's/^/    /'; }
die() { printf '%sdemo: %s%s\n' "$R" "$*" "$N" >&2; exit 1; }

# verdict WHAT RESULT EXPECTED DETAIL: one line of the traffic table.
verdict() {
	local mark
	if [ "$2" = "$3" ]; then
		mark="${G}as expected${N}"
	else
		mark="${R}UNEXPECTED (expected $3)${N}"
		FAILURES=$((FAILURES + 1))
	fi
	printf '  %-34s %s%-7s%s %-40s %s\n' "$1" "$B" "$2" "$N" "$4" "$mark"
}

# ---------------------------------------------------------------- cleanup

cleanup() {
	local rc=$? ns d pid
	set +e
	[ -n "$DAEMON_PID" ] && kill -KILL "$DAEMON_PID" 2>/dev/null
	for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
	wait 2>/dev/null
	for d in "${BPFFS_DIRS[@]}"; do
		if [ -d "$d" ]; then
			"$XDPD" --teardown --bpffs "$d" >/dev/null 2>&1
			rm -rf "$d"
		fi
	done
	for ns in "${NETNS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	if [ -n "$WORK" ]; then
		if [ "${DEMO_KEEP:-0}" = 1 ]; then
			echo "demo: work directory kept: $WORK"
		else
			rm -rf "$WORK"
		fi
	fi
	exit "$rc"
}

# ---------------------------------------------------------------- helpers

in_ns() { local ns=$1; shift; nsenter --net="/run/netns/$ns" "$@"; }

new_ns() {
	ip netns add "$1"
	NETNS+=("$1")
	ip -n "$1" link set lo up
}

bg() { "$@" & BG_PIDS+=($!); }

wait_until() { # SECONDS CMD...
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

ready_count() { grep -o 'READY=1' "$WORK/notify.log" 2>/dev/null | wc -l; }
ready_since() { [ "$(ready_count)" -gt "$1" ]; }

# start_xdpd NS POLICY BPFFS SOCKET: run the built daemon in the foreground
# of a background job, in namespace NS (nsenter keeps the host's mount
# namespace, so the pins land on the host's bpffs), and wait for its
# sd_notify READY=1 as systemd would.
start_xdpd() {
	local ns=$1 policy=$2 bpffs=$3 sock=$4 before
	before=$(ready_count)
	NOTIFY_SOCKET=$WORK/notify.sock nsenter --net="/run/netns/$ns" \
		"$XDPD" -c "$policy" --bpffs "$bpffs" --socket "$sock" >>"$WORK/xdpd.log" 2>&1 &
	DAEMON_PID=$!
	local deadline=$((SECONDS + 20))
	while [ "$(ready_count)" -le "$before" ]; do
		if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
			wait "$DAEMON_PID" || true
			DAEMON_PID=
			say "${R}xdpd exited before it was ready; its log:${N}"
			indent <"$WORK/xdpd.log"
			return 1
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			say "${R}xdpd sent no READY=1 within 20 s${N}"
			return 1
		fi
		sleep 0.1
	done
}

# The id of the pinned bpf_link of eth0 under bpffs directory DIR.
link_id() { bpftool link show pinned "$1/links/eth0" 2>/dev/null | sed -n '1s/:.*//p'; }

stop_xdpd() { # SIGNAL
	local rc=0
	kill "-$1" "$DAEMON_PID"
	wait "$DAEMON_PID" || rc=$?
	DAEMON_PID=
	return "$rc"
}

# The XDP program on an interface, as `ip link` shows it.
xdp_state() { # NS IFNAME
	local line
	line=$(ip -n "$1" -d link show dev "$2" | grep -oE 'prog/xdp[a-z]* id [0-9]+' | head -1)
	echo "${line:-no XDP program}"
}

# tcp_try NS ADDR PORT: "passed" when the echo came back, "dropped" on a
# connect timeout (the SYN vanished), else what socat said.
tcp_try() {
	local ns=$1 addr=$2 port=$3 msg out rc=0
	msg="hello-$port-$RANDOM"
	out=$(printf '%s\n' "$msg" | in_ns "$ns" timeout 6 socat -T1 - \
		"TCP:$addr:$port,connect-timeout=2" 2>"$WORK/socat.err") || rc=$?
	if [ "$rc" = 0 ] && [ "$out" = "$msg" ]; then
		echo passed
	elif grep -qi 'timed out' "$WORK/socat.err" || [ "$rc" = 124 ]; then
		echo dropped
	else
		echo "error: $(head -1 "$WORK/socat.err")"
	fi
}

tcp_detail() {
	case $1 in
	passed) echo "echo came back" ;;
	dropped) echo "connect timed out: SYN dropped" ;;
	*) echo "$1" ;;
	esac
}

# ping_try NS ADDR [COUNT]: "passed" when every echo was answered.
ping_try() {
	local n=${3:-3} out
	out=$(in_ns "$1" ping -n -c "$n" -i 0.2 -W 1 "$2" 2>&1) || true
	if grep -q " $n received" <<<"$out"; then echo passed; else echo dropped; fi
}

check_tcp() { # LABEL NS ADDR PORT EXPECTED
	local r
	r=$(tcp_try "$2" "$3" "$4")
	verdict "$1" "${r%%:*}" "$5" "$(tcp_detail "$r")"
}

check_ping() { # LABEL NS ADDR EXPECTED
	local r
	r=$(ping_try "$2" "$3")
	if [ "$r" = passed ]; then
		verdict "$1" passed "$4" "3/3 echo replies"
	else
		verdict "$1" dropped "$4" "no echo reply"
	fi
}

# Counters: through xdpctl when the daemon answers, else straight from the
# pinned maps with bpftool.
show_counters() { # BPFFS SOCKET
	local out
	if [ -x "$XDPCTL" ] && out=$("$XDPCTL" -s "$2" rules 2>&1); then
		say "xdpctl rules:"
		indent <<<"$out"
		return 0
	fi
	say "per-rule counters from the pinned maps (bpftool map dump):"
	"$PY" - "$1" <<'EOF' 2>&1 | indent || true
import json, subprocess, sys
pins = sys.argv[1] + "/maps/"
def dump(name):
    out = subprocess.run(["bpftool", "-j", "map", "dump", "pinned", pins + name],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)
def raw(h):
    return bytes(int(b, 16) for b in h)
slots = {}
for e in dump("rule_slots"):
    name = raw(e["key"]).split(b"\0", 1)[0].decode()
    slots[int.from_bytes(raw(e["value"])[:4], "little")] = name
for e in dump("stats_rule"):
    slot = int.from_bytes(raw(e["key"])[:4], "little")
    if slot not in slots:
        continue
    vals = [raw(v["value"]) for v in e.get("values", [])] or [raw(e["value"])]
    pk = sum(int.from_bytes(v[0:8], "little") for v in vals)
    by = sum(int.from_bytes(v[8:16], "little") for v in vals)
    print(f"rule {slots[slot]:<16} {pk:>8} packets {by:>10} bytes")
EOF
}

# example_policy NAME OUT [MODE]: the shipped example config/NAME with its
# interface (veth0) renamed to the lab's eth0, and its mode set to MODE.
example_policy() {
	local src=$SRCDIR/config/$1 out=$2 mode=${3:-}
	[ -f "$src" ] || die "example policy $src is missing"
	grep -q '^  - name: veth0$' "$src" || die "$src: no interface 'veth0' to adapt"
	sed 's/^  - name: veth0$/  - name: eth0/' "$src" >"$out"
	if [ -n "$mode" ]; then
		sed -i -e '/^    mode:/d' -e "s/^  - name: eth0\$/&\n    mode: $mode/" "$out"
	fi
}

# rule_packets SOCKET RULE: the rule's packet counter as the daemon reports
# it (contract: rules.list), empty when it cannot be read.
rule_packets() {
	[ -x "$XDPCTL" ] && command -v jq >/dev/null || return 0
	"$XDPCTL" -s "$1" --json rules 2>/dev/null |
		jq -r --arg r "$2" '.rules[] | select(.name == $r) | .packets' 2>/dev/null || true
}

# ---------------------------------------------------------------- checks

preflight() {
	if [ "$(id -u)" != 0 ]; then
		echo "demo: run as root: it creates network namespaces and loads XDP" >&2
		exit 77 # "skipped" when run as a test
	fi
	[ -x "$XDPD" ] || die "no xdpd at $XDPD: build first (./scripts/build)"
	local t
	for t in ip nsenter socat ping bpftool timeout; do
		command -v "$t" >/dev/null || die "$t is not installed (./scripts/install-deps)"
	done
	[ ${#P} -le 8 ] || die "DEMO_PREFIX must be at most 8 characters"
	if ! grep -qs ' /sys/fs/bpf bpf ' /proc/mounts; then
		mkdir -p /sys/fs/bpf
		mount -t bpf bpffs /sys/fs/bpf || die "cannot mount a bpffs at /sys/fs/bpf"
	fi
	WORK=$(mktemp -d "/tmp/$P.XXXXXX")
	: >"$WORK/xdpd.log"
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	bg socat -u "UNIX-RECV:$WORK/notify.sock" "OPEN:$WORK/notify.log,creat,append"
	wait_until 5 test -S "$WORK/notify.sock" || die "cannot listen for sd_notify"
}

# ---------------------------------------------------------------- part 1

firewall_lab() {
	local srv=$P-srv cli=$P-cli
	new_ns "$srv"
	new_ns "$cli"
	ip -n "$srv" link add eth0 type veth peer name eth0 netns "$cli"
	ip -n "$srv" addr add 10.200.0.1/24 dev eth0
	ip -n "$cli" addr add 10.200.0.2/24 dev eth0
	ip -n "$srv" addr add fd00:200::1/64 dev eth0 nodad
	ip -n "$cli" addr add fd00:200::2/64 dev eth0 nodad
	ip -n "$srv" link set eth0 up
	ip -n "$cli" link set eth0 up
	local port
	for port in 8080 8081; do
		bg nsenter --net="/run/netns/$srv" socat "TCP6-LISTEN:$port,ipv6only=0,reuseaddr,fork" PIPE
	done
	for port in 8080 8081; do
		wait_until 5 in_ns "$srv" bash -c "ss -Hltn 'sport = :$port' | grep -q LISTEN" ||
			die "echo server on tcp/$port did not start"
	done
}

part1() {
	local srv=$P-srv cli=$P-cli bpffs=/sys/fs/bpf/$P-fw sock=$WORK/fw.sock
	local policy=$WORK/xdpd.yaml
	BPFFS_DIRS+=("$bpffs")

	title "Part 1: a firewall - drop tcp/8080 (the seed's xdp_drop_8080)"
	firewall_lab
	say "lab: netns $cli (10.200.0.2, fd00:200::2) --veth-- netns $srv (10.200.0.1, fd00:200::1)"
	say "     xdpd will run in $srv, its XDP program on $srv's eth0"
	say "     echo servers listen on tcp/8080 and tcp/8081 in $srv"

	say ""
	say "Without xdpd:"
	check_tcp "client -> server tcp/8080" "$cli" 10.200.0.1 8080 passed
	check_tcp "client -> server tcp/8081" "$cli" 10.200.0.1 8081 passed

	example_policy seed-drop-8080.yaml "$policy"
	say ""
	say "The policy: config/seed-drop-8080.yaml on the lab's eth0 ($policy):"
	grep -v -e '^#' -e '^$' "$policy" | indent
	say ""
	"$XDPD" --check -c "$policy" >/dev/null 2>"$WORK/check.err" || {
		indent <"$WORK/check.err"
		die "xdpd --check refused the demo policy"
	}
	say "xdpd --check: the policy is valid"
	say "starting $XDPD in $srv ..."
	start_xdpd "$srv" "$policy" "$bpffs" "$sock" || die "xdpd did not start"
	local prog
	prog=$(xdp_state "$srv" eth0)
	say "xdpd is ready (sd_notify READY=1); eth0 runs $prog"
	local pins
	pins=$(cd "$bpffs" && find . -mindepth 1 -not -type d -printf '%P\n' | sort | tr '\n' ' ')
	say "pinned under $bpffs:"
	fold -s -w 72 <<<"$pins" | indent

	say ""
	say "With xdpd running:"
	check_tcp "client -> server tcp/8080" "$cli" 10.200.0.1 8080 dropped
	check_tcp "client -> server tcp/8081" "$cli" 10.200.0.1 8081 passed
	check_tcp "client -> server tcp/8080 (IPv6)" "$cli" "[fd00:200::1]" 8080 dropped
	check_tcp "client -> server tcp/8081 (IPv6)" "$cli" "[fd00:200::1]" 8081 passed
	check_ping "client -> server ping" "$cli" 10.200.0.1 passed
	say ""
	show_counters "$bpffs" "$sock"
	local before
	before=$(rule_packets "$sock" drop-8080)

	say ""
	say "Stopping xdpd with SIGTERM (systemctl stop): the datapath stays (fail static)."
	local rc=0
	stop_xdpd TERM || rc=$?
	say "xdpd exited with status $rc; eth0: $(xdp_state "$srv" eth0)"
	check_tcp "client -> server tcp/8080" "$cli" 10.200.0.1 8080 dropped
	check_tcp "client -> server tcp/8081" "$cli" 10.200.0.1 8081 passed

	say ""
	say "Starting xdpd again: it adopts the running datapath, counters kept."
	start_xdpd "$srv" "$policy" "$bpffs" "$sock" || die "xdpd did not restart"
	if [ "$(xdp_state "$srv" eth0)" = "$prog" ]; then
		verdict "XDP program after the restart" adopted adopted "still $prog"
	else
		verdict "XDP program after the restart" replaced adopted \
			"$prog became $(xdp_state "$srv" eth0)"
	fi
	local after
	after=$(rule_packets "$sock" drop-8080)
	if [ -n "$before" ] && [ -n "$after" ]; then
		if [ "$after" -ge "$before" ]; then
			verdict "drop-8080 counter after restart" kept kept "$before before the stop, $after now"
		else
			verdict "drop-8080 counter after restart" reset kept "$before before the stop, $after now"
		fi
	fi
	check_tcp "client -> server tcp/8080" "$cli" 10.200.0.1 8080 dropped

	say ""
	say "Reload (systemctl reload = SIGHUP) with one more rule, drop-8081:"
	cat >>"$policy" <<'YAML'
  - name: drop-8081
    action: drop
    protocol: tcp
    dst_port: 8081
YAML
	local ready lines link
	ready=$(ready_count)
	lines=$(wc -l <"$WORK/xdpd.log")
	link=$(link_id "$bpffs")
	kill -HUP "$DAEMON_PID"
	wait_until 20 ready_since "$ready" || die "xdpd did not report READY=1 after the reload"
	say "xdpd's log:"
	tail -n "+$((lines + 1))" "$WORK/xdpd.log" | indent
	if [ "$(xdp_state "$srv" eth0)" = "$prog" ]; then
		verdict "XDP program after the reload" unchanged swapped "still $prog"
	elif [ "$(link_id "$bpffs")" = "$link" ]; then
		verdict "XDP program after the reload" swapped swapped \
			"now $(xdp_state "$srv" eth0), in bpf_link $link"
	else
		verdict "XDP program after the reload" relinked swapped \
			"bpf_link $link became $(link_id "$bpffs")"
	fi
	check_tcp "client -> server tcp/8080" "$cli" 10.200.0.1 8080 dropped
	check_tcp "client -> server tcp/8081" "$cli" 10.200.0.1 8081 dropped
	check_ping "client -> server ping" "$cli" 10.200.0.1 passed
	show_counters "$bpffs" "$sock"
	blocklist_demo "$sock" "$cli"
	stop_xdpd TERM || true

	say ""
	say "xdpd --teardown: detach and remove the pins."
	"$XDPD" --teardown --bpffs "$bpffs" 2>&1 | indent || true
	say "eth0: $(xdp_state "$srv" eth0)"
	check_tcp "client -> server tcp/8080" "$cli" 10.200.0.1 8080 passed
}

# trace_check SOCKET LABEL SPEC ACTION: xdpctl trace's verdict on SPEC.
trace_check() {
	local out action who
	out=$("$XDPCTL" -s "$1" --json trace "$3" 2>&1) || true
	action=$(jq -r '.action // empty' <<<"$out" 2>/dev/null) || action=
	who=$(jq -r 'if .rule then "rule \(.rule)" elif .balancer then "balancer \(.balancer)"
		elif .blocklist then "blocklist \(.blocklist)" else "default_action" end' \
		<<<"$out" 2>/dev/null) || who=
	if [ -z "$action" ]; then
		verdict "$2" error "$4" "$(head -1 <<<"$out")"
	else
		verdict "$2" "$action" "$4" "by $who"
	fi
}

# xdpctl trace and the dynamic blocklist, through the control socket.
blocklist_demo() { # SOCKET CLIENT_NS
	local sock=$1 cli=$2
	if [ ! -x "$XDPCTL" ]; then
		say "(no xdpctl at $XDPCTL: blocklist and trace not shown)"
		return 0
	fi
	say ""
	say "xdpctl trace runs the live program on a made-up packet (nothing is sent):"
	trace_check "$sock" "trace tcp/8080 SYN" 'tcp 10.200.0.2:40000 > 10.200.0.1:8080 flags S' drop
	trace_check "$sock" "trace tcp/443 SYN" 'tcp 10.200.0.2:40000 > 10.200.0.1:443 flags S' pass
	trace_check "$sock" "trace tcp/8080 in VLAN 10" \
		'tcp 10.200.0.2:40000 > 10.200.0.1:8080 flags S vlan 10' drop
	say ""
	say "xdpctl block add 10.200.0.2/32 --ttl 10m: the client is dropped before any rule."
	"$XDPCTL" -s "$sock" block add 10.200.0.2/32 --ttl 10m --comment "demo" 2>&1 | indent
	check_ping "client -> server ping" "$cli" 10.200.0.1 dropped
	"$XDPCTL" -s "$sock" block list 2>&1 | indent
	"$XDPCTL" -s "$sock" block del 10.200.0.2/32 2>&1 | indent
	check_ping "client -> server ping" "$cli" 10.200.0.1 passed
}

# ---------------------------------------------------------------- part 2

# The load balancer is only demonstrated when the datapath has one: the BPF
# object must define a balancer map.
lb_in_datapath() {
	[ -f "$BPF_OBJ" ] || return 1
	bpftool btf dump file "$BPF_OBJ" 2>/dev/null | grep -E "^\[[0-9]+\] VAR '" |
		grep -qiE "'(lb|vip|balancer|backend|maglev)[a-z0-9_]*'"
}

# Attach namespace NS to the bridge of namespace $P-sw as eth0 with ADDR and
# MAC.
lb_port() { # NS ADDR MAC
	local ns=$1 sw=$P-sw
	new_ns "$ns"
	ip -n "$sw" link add "${ns#"$P"-}" type veth peer name eth0 netns "$ns"
	ip -n "$sw" link set "${ns#"$P"-}" master br0 up
	ip -n "$ns" link set eth0 address "$3"
	ip -n "$ns" addr add "$2/24" dev eth0
	ip -n "$ns" link set eth0 up
}

part2() {
	local sw=$P-sw bpffs=/sys/fs/bpf/$P-lb sock=$WORK/lb.sock policy=$WORK/icmp-lb.yaml
	title "Part 2: the seed's ICMP round-robin load balancer"
	if ! lb_in_datapath; then
		say "${Y}SKIPPED: this build's datapath has no load balancer yet${N}"
		say "(no balancer map in $BPF_OBJ); part 1 shows the firewall."
		return 0
	fi
	BPFFS_DIRS+=("$bpffs")
	new_ns "$sw"
	ip -n "$sw" link add br0 type bridge
	ip -n "$sw" link set br0 up
	lb_port "$P-cl" 192.168.1.1 52:54:00:00:01:01
	lb_port "$P-lb" 192.168.1.2 52:54:00:00:01:02
	lb_port "$P-b1" 192.168.1.3 52:54:00:ff:ff:55
	lb_port "$P-b2" 192.168.1.4 52:54:00:5d:6e:a1
	say "lab: one bridge; client 192.168.1.1, LB 192.168.1.2 (xdpd),"
	say "     backends 192.168.1.3 (52:54:00:ff:ff:55) and 192.168.1.4 (52:54:00:5d:6e:a1)"

	# XDP_TX on a veth in native mode needs an XDP program on the peer as
	# well; generic mode has no such requirement.
	example_policy seed-icmp-lb.yaml "$policy" generic
	say ""
	say "The policy: config/seed-icmp-lb.yaml on the lab's eth0, generic mode ($policy):"
	grep -v -e '^#' -e '^$' "$policy" | indent
	say ""
	start_xdpd "$P-lb" "$policy" "$bpffs" "$sock" || die "xdpd did not start"
	say "xdpd is ready; LB eth0 runs $(xdp_state "$P-lb" eth0)"
	say ""
	say "ping -c 6 192.168.1.2 from the client:"
	local out
	out=$(in_ns "$P-cl" ping -n -c 6 -i 0.3 -W 1 192.168.1.2 2>&1) || true
	indent <<<"$out"
	local from seq=()
	mapfile -t seq < <(grep -oE 'bytes from [0-9.]+' <<<"$out" | awk '{print $3}')
	say ""
	if [ ${#seq[@]} -eq 6 ] && [ "${seq[0]}" != "${seq[1]}" ] &&
		[ "${seq[0]}" = "${seq[2]}" ] && [ "${seq[1]}" = "${seq[3]}" ]; then
		from="${seq[0]} and ${seq[1]} answer in turn"
		verdict "ping VIP 192.168.1.2" balanced balanced "$from"
	else
		verdict "ping VIP 192.168.1.2" "${#seq[@]}/6" balanced "replies from: ${seq[*]:-none}"
	fi
	if [ -x "$XDPCTL" ] && out=$("$XDPCTL" -s "$sock" lb 2>&1); then
		say "xdpctl lb:"
		indent <<<"$out"
	fi
	stop_xdpd TERM || true
	"$XDPD" --teardown --bpffs "$bpffs" >/dev/null 2>&1 || true
}

# ---------------------------------------------------------------- main

preflight
printf '%sxdpd demo%s: %s (%s)\n' "$B" "$N" "$XDPD" "$("$XDPD" --version 2>&1 | head -1)"
part1
part2

title "Result"
if [ "$FAILURES" -eq 0 ]; then
	say "${G}every packet was judged as the policy says${N}"
else
	say "${R}$FAILURES unexpected result(s); xdpd's log:${N}"
	indent <"$WORK/xdpd.log"
	exit 1
fi
