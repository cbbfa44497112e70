# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# The netns lab of the xdpd integration tests. A test script sources this
# file, calls lab_init NAME, and then drives the real xdpd the way an operator
# would: ip, ping, socat, bpftool, kill.
#
# Topology (one veth pair between two network namespaces):
#
#   netns $LAB_NS_S (server)                 netns $LAB_NS_C (client)
#   xt0 10.99.0.1/24 fd00:99::1/64  <---->   xt1 10.99.0.2/24 fd00:99::2/64
#   xdpd runs here, XDP on xt0               traffic comes from here
#
# Neighbours are static on both sides, so ARP and NDP never depend on the
# policy under test. Every resource is named after the test and the script's
# pid and is removed by the EXIT trap, whatever happens.
#
# Arguments / environment: $1 or XDPD = the built xdpd, $2 or SRCDIR = the
# source tree. XT_PREFIX (default "xt") prefixes every name; XT_KEEP=1 keeps
# the work directory for post-mortems.

set -euo pipefail

XDPD=${XDPD:-${1:-}}
SRCDIR=${SRCDIR:-${2:-}}
XT_PREFIX=${XT_PREFIX:-xt}
LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PYTHON=/usr/bin/python3

LAB_IF_S=xt0
LAB_IF_C=xt1
LAB_MAC_S=02:00:00:00:99:01
LAB_MAC_C=02:00:00:00:99:02
LAB_V4_S=10.99.0.1
LAB_V4_C=10.99.0.2
LAB_V6_S=fd00:99::1
LAB_V6_C=fd00:99::2
LAB_TCP_PORTS=(8080 8081)

LAB_NAME=
LAB_NS_S=
LAB_NS_C=
LAB_BPFFS=
LAB_WORK=
LAB_POLICY=
LAB_SOCKET=
LAB_LOG=
LAB_DAEMON_PID=
LAB_DAEMON_RC=
LAB_BG_PIDS=()
LAB_EXIT_HOOKS=()
declare -A LAB_CAPTURES=()
LAB_LOG_SHOWN=0

lab_skip()
{
	echo "SKIP: $*"
	exit 77
}

lab_show_log()
{
	[ "$LAB_LOG_SHOWN" = 1 ] && return 0
	LAB_LOG_SHOWN=1
	if [ -n "$LAB_LOG" ] && [ -s "$LAB_LOG" ]; then
		echo "----- xdpd log ($LAB_LOG) -----"
		cat "$LAB_LOG"
		echo "----- end of xdpd log -----"
	fi
}

lab_fail()
{
	echo "FAIL [$LAB_NAME]: $*" >&2
	# In a $(...), the test's own cleanup shows the log once.
	[ "$BASHPID" != "$$" ] || lab_show_log >&2
	exit 1
}

lab_step()
{
	echo "--- [$LAB_NAME] $*"
}

lab_need_tools()
{
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || lab_skip "$t is not installed"
	done
}

# Root, network namespaces, bpffs and XDP, or skip (exit 77).
lab_require_kernel()
{
	[ "$(id -u)" = 0 ] || lab_skip "needs root"
	lab_need_tools ip ss nsenter socat bpftool ping tcpdump jq timeout
	[ -x "$PYTHON" ] || lab_skip "$PYTHON is missing"
	# Captured first: with pipefail, grep -q closing the pipe early would
	# fail the producer.
	local probe
	probe=$(bpftool feature probe kernel 2>/dev/null) || true
	grep -q 'program_type xdp is available' <<<"$probe" ||
		lab_skip "the kernel cannot run XDP programs"
	if ! grep -qs ' /sys/fs/bpf bpf ' /proc/mounts; then
		mkdir -p /sys/fs/bpf
		mount -t bpf bpf /sys/fs/bpf 2>/dev/null || lab_skip "cannot mount bpffs"
	fi
}

lab_require_xdpd()
{
	[ -n "$XDPD" ] || lab_fail "usage: $0 XDPD SRCDIR (or set XDPD)"
	[ -x "$XDPD" ] || lab_fail "xdpd not found or not executable: $XDPD"
	XDPD=$(realpath "$XDPD")
}

# XDPCTL = the built xdpctl, by default the one next to xdpd in the build
# tree, or fail.
lab_require_xdpctl()
{
	XDPCTL=${XDPCTL:-$(dirname "$XDPD")/../ctl/xdpctl}
	[ -x "$XDPCTL" ] || lab_fail "xdpctl not found: $XDPCTL (set XDPCTL)"
}

# lab_init NAME: names, work dir and the EXIT trap (no kernel objects yet).
lab_init()
{
	LAB_NAME=$1
	lab_require_xdpd
	LAB_WORK=$(mktemp -d "/tmp/${XT_PREFIX}-${LAB_NAME}.XXXXXX")
	LAB_LOG=$LAB_WORK/xdpd.log
	LAB_POLICY=$LAB_WORK/xdpd.yaml
	LAB_SOCKET=$LAB_WORK/xdpd.sock
	: >"$LAB_LOG"
	trap lab_cleanup EXIT
	# A command failing under set -e would otherwise end the test silently.
	set -E
	trap 'lab_on_error "$?" "$LINENO" "$BASH_COMMAND"' ERR
}

# lab_at_exit CMD: run CMD (eval'd) in the cleanup, before the lab is torn
# down; for tests that create more than the lab (users, groups, files).
# Replacing the EXIT trap instead would skip the cleanup on failure.
lab_at_exit()
{
	LAB_EXIT_HOOKS+=("$1")
}

lab_on_error()
{
	echo "FAIL [$LAB_NAME]: '$3' exited $1 (line $2)" >&2
}

# lab_init_net NAME: lab_init plus root checks, the two namespaces, the veth
# pair, the bpffs directory name and the TCP echo servers.
lab_init_net()
{
	lab_require_kernel
	lab_init "$1"
	LAB_NS_S=${XT_PREFIX}-${LAB_NAME}-$$-s
	LAB_NS_C=${XT_PREFIX}-${LAB_NAME}-$$-c
	LAB_BPFFS=/sys/fs/bpf/${XT_PREFIX}-${LAB_NAME}-$$
	lab_make_net
	lab_start_echo_servers
}

lab_s() { nsenter --net="/run/netns/$LAB_NS_S" "$@"; }
lab_c() { nsenter --net="/run/netns/$LAB_NS_C" "$@"; }

lab_make_net()
{
	ip netns add "$LAB_NS_S"
	ip -n "$LAB_NS_S" link set lo up
	lab_make_client_net
}

# The client namespace and the veth pair (again, after a test deleted the
# lab interface and the client namespace with it).
lab_make_client_net()
{
	ip netns add "$LAB_NS_C"
	ip -n "$LAB_NS_C" link set lo up
	ip -n "$LAB_NS_S" link add "$LAB_IF_S" address "$LAB_MAC_S" type veth \
		peer name "$LAB_IF_C" netns "$LAB_NS_C" address "$LAB_MAC_C"
	ip -n "$LAB_NS_S" addr add "$LAB_V4_S/24" dev "$LAB_IF_S"
	ip -n "$LAB_NS_C" addr add "$LAB_V4_C/24" dev "$LAB_IF_C"
	ip -n "$LAB_NS_S" addr add "$LAB_V6_S/64" dev "$LAB_IF_S" nodad
	ip -n "$LAB_NS_C" addr add "$LAB_V6_C/64" dev "$LAB_IF_C" nodad
	ip -n "$LAB_NS_S" link set "$LAB_IF_S" up
	ip -n "$LAB_NS_C" link set "$LAB_IF_C" up
	ip -n "$LAB_NS_S" neigh replace "$LAB_V4_C" lladdr "$LAB_MAC_C" dev "$LAB_IF_S" \
		nud permanent
	ip -n "$LAB_NS_S" neigh replace "$LAB_V6_C" lladdr "$LAB_MAC_C" dev "$LAB_IF_S" \
		nud permanent
	ip -n "$LAB_NS_C" neigh replace "$LAB_V4_S" lladdr "$LAB_MAC_S" dev "$LAB_IF_C" \
		nud permanent
	ip -n "$LAB_NS_C" neigh replace "$LAB_V6_S" lladdr "$LAB_MAC_S" dev "$LAB_IF_C" \
		nud permanent
}

# lab_bg CMD...: a helper process killed by the cleanup. CMD must be a
# program (not a shell function) so that $! is the process itself.
lab_bg()
{
	"$@" &
	LAB_BG_PIDS+=($!)
}

# wait_until SECONDS CMD...: poll CMD every 0.1 s; 1 when time runs out.
lab_wait_until()
{
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

lab_tcp_listening()
{
	local out
	out=$(lab_s ss -Hltn "sport = :$1")
	grep -q LISTEN <<<"$out"
}

# TCP echo servers on every lab port, dual stack, in the server namespace.
lab_start_echo_servers()
{
	local p
	for p in "${LAB_TCP_PORTS[@]}"; do
		lab_bg nsenter --net="/run/netns/$LAB_NS_S" socat -T2 \
			"TCP6-LISTEN:$p,ipv6only=0,reuseaddr,fork" PIPE
	done
	for p in "${LAB_TCP_PORTS[@]}"; do
		lab_wait_until 5 lab_tcp_listening "$p" ||
			lab_fail "echo server on port $p did not start"
	done
}

lab_addr_s()
{
	case $1 in
	4) echo "$LAB_V4_S" ;;
	6) echo "[$LAB_V6_S]" ;;
	*) lab_fail "bad address family '$1'" ;;
	esac
}

# lab_tcp FAMILY PORT: one echo round trip from the client; prints socat's
# stderr on failure. Returns 0 when the echo came back intact.
lab_tcp()
{
	local fam=$1 port=$2 msg dst out rc=0
	msg="xdpd-lab-$fam-$port-$RANDOM"
	dst="TCP$fam:$(lab_addr_s "$fam"):$port,connect-timeout=1"
	out=$(printf '%s\n' "$msg" | lab_c timeout 5 socat -T1 - "$dst" 2>"$LAB_WORK/socat.err") ||
		rc=$?
	[ "$rc" = 0 ] && [ "$out" = "$msg" ]
}

lab_expect_tcp_pass()
{
	lab_tcp "$1" "$2" ||
		lab_fail "tcp IPv$1 port $2 should pass but the echo failed:" \
			"$(cat "$LAB_WORK/socat.err")"
}

# A drop shows as a connect timeout: the server listens on every lab port,
# so a refused or reset connection would be a different failure.
lab_expect_tcp_drop()
{
	if lab_tcp "$1" "$2"; then
		lab_fail "tcp IPv$1 port $2 should be dropped but the echo came back"
	fi
	grep -qi 'timed out' "$LAB_WORK/socat.err" ||
		lab_fail "tcp IPv$1 port $2: expected a connect timeout (drop), got:" \
			"$(cat "$LAB_WORK/socat.err")"
}

lab_ping()
{
	local fam=$1 dst=$LAB_V4_S out
	[ "$fam" = 6 ] && dst=$LAB_V6_S
	out=$(lab_c ping "-$fam" -n -c 3 -i 0.2 -W 1 "$dst" 2>&1) || true
	grep -q ' 3 received' <<<"$out"
}

lab_expect_ping_pass()
{
	lab_ping "$1" || lab_fail "ping IPv$1 should pass"
}

lab_expect_ping_drop()
{
	if lab_ping "$1"; then
		lab_fail "ping IPv$1 should be dropped"
	fi
}

# The common verdict of the drop-8080 policy: 8080 dropped, 8081 and ping
# passed, over IPv4 and IPv6.
lab_expect_drop_8080()
{
	local fam
	for fam in 4 6; do
		lab_expect_tcp_drop "$fam" 8080
		lab_expect_tcp_pass "$fam" 8081
		lab_expect_ping_pass "$fam"
	done
}

lab_expect_drop_8081()
{
	local fam
	for fam in 4 6; do
		lab_expect_tcp_pass "$fam" 8080
		lab_expect_tcp_drop "$fam" 8081
		lab_expect_ping_pass "$fam"
	done
}

lab_expect_no_filter()
{
	local fam
	for fam in 4 6; do
		lab_expect_tcp_pass "$fam" 8080
		lab_expect_tcp_pass "$fam" 8081
	done
}

# lab_capture_start NAME FILTER: tcpdump on the server side of the veth.
# Taps see a packet only after XDP passed it, so a dropped packet is never
# captured there.
lab_capture_start()
{
	local name=$1 filter=$2
	lab_bg nsenter --net="/run/netns/$LAB_NS_S" tcpdump -i "$LAB_IF_S" -nn -U \
		-w "$LAB_WORK/$name.pcap" "$filter" 2>"$LAB_WORK/$name.tcpdump.err"
	LAB_CAPTURES[$name]=${LAB_BG_PIDS[-1]}
	lab_wait_until 5 grep -q 'listening on' "$LAB_WORK/$name.tcpdump.err" ||
		lab_fail "tcpdump did not start: $(cat "$LAB_WORK/$name.tcpdump.err")"
}

# lab_capture_stop NAME: stop the capture and print how many packets it got.
lab_capture_stop()
{
	local name=$1 pid=${LAB_CAPTURES[$1]} out
	sleep 0.2
	kill -INT "$pid"
	wait "$pid" 2>/dev/null || true
	out=$(tcpdump -nn -r "$LAB_WORK/$name.pcap" 2>/dev/null) || true
	if [ -z "$out" ]; then echo 0; else wc -l <<<"$out"; fi
}

# lab_write_policy [FILE] < yaml: write atomically (rename), as an editor or a
# config manager would, so a reload never reads half a file.
lab_write_policy()
{
	local f=${1:-$LAB_POLICY}
	cat >"$f.tmp"
	mv -f "$f.tmp" "$f"
}

# lab_policy_drop PORT [LINE...]: the policy most tests start from, one rule
# "drop-PORT" dropping tcp/PORT on the lab interface; each LINE is added as
# one more top-level line of YAML ("on_stop: keep").
lab_policy_drop()
{
	local port=$1
	shift
	{
		cat <<YAML
version: 1
interfaces:
  - name: $LAB_IF_S
rules:
  - name: drop-$port
    action: drop
    protocol: tcp
    dst_port: $port
YAML
		[ "$#" = 0 ] || printf '%s\n' "$@"
	} | lab_write_policy
}

lab_daemon_alive()
{
	[ -n "$LAB_DAEMON_PID" ] && kill -0 "$LAB_DAEMON_PID" 2>/dev/null
}

lab_ready_count()
{
	[ -f "$LAB_WORK/notify.log" ] || { echo 0; return; }
	{ grep -o 'READY=1' "$LAB_WORK/notify.log" || true; } | wc -l
}

lab_start_notify_listener()
{
	[ -S "$LAB_WORK/notify.sock" ] && return 0
	lab_bg socat -u "UNIX-RECV:$LAB_WORK/notify.sock" \
		"OPEN:$LAB_WORK/notify.log,creat,append"
	lab_wait_until 5 test -S "$LAB_WORK/notify.sock" || lab_fail "notify listener did not start"
}

# lab_spawn [ARGS...]: start xdpd in the foreground, in the background of
# this script, in the server namespace, with --bpffs "$LAB_BPFFS" and
# --socket "$LAB_SOCKET"; with LAB_PATHS_FROM_POLICY=1 with neither, so that
# the policy's bpffs and control.socket apply. nsenter (not `ip netns exec`) keeps
# the host mount namespace, so the bpffs pins are the host's.
lab_spawn()
{
	local paths=(--bpffs "$LAB_BPFFS" --socket "$LAB_SOCKET")
	[ "${LAB_PATHS_FROM_POLICY:-0}" = 1 ] && paths=()
	lab_start_notify_listener
	echo "===== xdpd start: $* =====" >>"$LAB_LOG"
	# Not under systemd: logs go to stderr (the log file), whatever the
	# environment the tests run in.
	env -u INVOCATION_ID -u JOURNAL_STREAM NOTIFY_SOCKET="$LAB_WORK/notify.sock" \
		nsenter --net="/run/netns/$LAB_NS_S" "$XDPD" -c "$LAB_POLICY" "${paths[@]}" "$@" \
		>>"$LAB_LOG" 2>&1 &
	LAB_DAEMON_PID=$!
}

lab_ready_since()
{
	[ "$(lab_ready_count)" -gt "$1" ]
}

# lab_start [ARGS...]: spawn and wait for sd_notify READY=1 (the contract's
# readiness signal), then check that the program is attached and pinned.
lab_start()
{
	local before
	before=$(lab_ready_count)
	lab_spawn "$@"
	local deadline=$((SECONDS + 15))
	while ! lab_ready_since "$before"; do
		if ! lab_daemon_alive; then
			lab_wait_daemon
			lab_fail "xdpd exited with status $LAB_DAEMON_RC before READY=1"
		fi
		[ "$SECONDS" -lt "$deadline" ] || lab_fail "xdpd sent no READY=1 within 15 s"
		sleep 0.1
	done
	lab_expect_attached
}

# LAB_DAEMON_RC = exit status of the daemon, once it is gone. Not in a
# $(...): only this shell can wait for its child.
lab_wait_daemon()
{
	LAB_DAEMON_RC=0
	[ -n "$LAB_DAEMON_PID" ] || return 0
	# stderr off: bash would report "Killed" here after a kill -9
	wait "$LAB_DAEMON_PID" 2>/dev/null || LAB_DAEMON_RC=$?
	LAB_DAEMON_PID=
}

# lab_stop SIGNAL [TIMEOUT]: signal the daemon, wait for it to exit; its
# exit status is in LAB_DAEMON_RC.
lab_stop()
{
	local sig=$1 timeout=${2:-10} deadline
	lab_daemon_alive || lab_fail "xdpd is not running, cannot send SIG$sig"
	kill "-$sig" "$LAB_DAEMON_PID"
	deadline=$((SECONDS + timeout))
	# stderr off: bash reports "Killed" when it reaps a job in this loop.
	{
		while kill -0 "$LAB_DAEMON_PID"; do
			if [ "$SECONDS" -ge "$deadline" ]; then
				kill -KILL "$LAB_DAEMON_PID" || true
				lab_fail "xdpd did not exit within ${timeout}s of SIG$sig" 2>&3
			fi
			sleep 0.1
		done
	} 3>&2 2>/dev/null
	lab_wait_daemon
}

# The XDP state of the lab interface as `ip` sees it.
lab_ip_link_json()
{
	ip -n "$LAB_NS_S" -j -d link show dev "$LAB_IF_S"
}

# Program id attached to xt0 (0: none).
lab_prog_id()
{
	lab_ip_link_json | jq -r '.[0].xdp.prog.id // .[0].xdp.attached[0].prog.id // 0'
}

# "xdp", "xdpgeneric", "xdpoffload" or "" as in `ip link show`.
lab_xdp_mode_word()
{
	local out
	out=$(ip -n "$LAB_NS_S" link show dev "$LAB_IF_S")
	out=${out%%$'\n'*}
	grep -oE ' xdp(generic|offload|drv)? ' <<<"$out" | tr -d ' ' || true
}

lab_link_pin() { echo "$LAB_BPFFS/links/$LAB_IF_S"; }

lab_link_json()
{
	bpftool -j link show pinned "$(lab_link_pin)"
}

lab_link_id() { lab_link_json | jq -r '.id'; }
lab_link_prog_id() { lab_link_json | jq -r '.prog_id'; }

lab_expect_attached()
{
	local id
	id=$(lab_prog_id)
	[ "$id" != 0 ] ||
		lab_fail "no XDP program on $LAB_IF_S:" \
			"$(ip -n "$LAB_NS_S" link show dev "$LAB_IF_S")"
	[ -e "$(lab_link_pin)" ] || lab_fail "link pin $(lab_link_pin) is missing"
	[ -e "$LAB_BPFFS/prog" ] || lab_fail "program pin $LAB_BPFFS/prog is missing"
	[ "$(lab_link_prog_id)" = "$id" ] ||
		lab_fail "pinned link runs prog $(lab_link_prog_id) but $LAB_IF_S shows prog $id"
}

lab_expect_detached()
{
	local id
	id=$(lab_prog_id)
	[ "$id" = 0 ] || lab_fail "XDP program $id still on $LAB_IF_S"
	[ -z "$(lab_pins)" ] || lab_fail "pins left under $LAB_BPFFS: $(lab_pins | tr '\n' ' ')"
}

# Every pinned object (not directory) under the lab's bpffs dir.
lab_pins()
{
	[ -d "$LAB_BPFFS" ] || return 0
	find "$LAB_BPFFS" -mindepth 1 ! -type d | sort
}

# Counters, read from the pinned per-CPU maps with bpftool and summed over
# CPUs by bpfmap.py.
lab_bpfmap() { "$PYTHON" "$LAB_DIR/bpfmap.py" "$@"; }

# lab_rule_packets NAME: packets counted for the rule NAME (by its slot).
lab_rule_packets()
{
	local slot
	slot=$(lab_bpfmap slot "$LAB_BPFFS/maps/rule_slots" "$1") ||
		lab_fail "rule '$1' has no slot in $LAB_BPFFS/maps/rule_slots"
	lab_bpfmap counter "$LAB_BPFFS/maps/stats_rule" "$slot" packets
}

# lab_iface_packets ACTION: packets of xt0 that got ACTION (drop|pass).
lab_iface_packets()
{
	local slot act
	case $1 in
	aborted) act=0 ;; drop) act=1 ;; pass) act=2 ;; tx) act=3 ;; redirect) act=4 ;;
	*) lab_fail "unknown action '$1'" ;;
	esac
	slot=$(lab_bpfmap slot "$LAB_BPFFS/maps/iface_slots" "$LAB_IF_S") ||
		lab_fail "$LAB_IF_S has no slot in $LAB_BPFFS/maps/iface_slots"
	lab_bpfmap counter "$LAB_BPFFS/maps/stats_iface" $((slot * 8 + act)) packets
}

lab_teardown()
{
	[ -d "$LAB_BPFFS" ] || return 0
	echo "===== xdpd --teardown =====" >>"$LAB_LOG"
	timeout 20 nsenter --net="/run/netns/$LAB_NS_S" "$XDPD" --teardown --bpffs "$LAB_BPFFS" \
		>>"$LAB_LOG" 2>&1
}

lab_cleanup()
{
	local rc=$? p
	trap - EXIT ERR
	set +e
	if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
		lab_show_log >&2
	fi
	if lab_daemon_alive; then
		kill -KILL "$LAB_DAEMON_PID" 2>/dev/null
		wait "$LAB_DAEMON_PID" 2>/dev/null
	fi
	for p in "${LAB_EXIT_HOOKS[@]}"; do
		eval "$p"
	done
	for p in "${LAB_BG_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${LAB_BG_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	if [ -n "$LAB_NS_S" ] && [ -e "/run/netns/$LAB_NS_S" ]; then
		lab_teardown
	fi
	[ -n "$LAB_NS_S" ] && ip netns del "$LAB_NS_S" 2>/dev/null
	[ -n "$LAB_NS_C" ] && ip netns del "$LAB_NS_C" 2>/dev/null
	if [ -n "$LAB_BPFFS" ] && [ -d "$LAB_BPFFS" ]; then
		while mountpoint -q "$LAB_BPFFS"; do
			umount "$LAB_BPFFS" || break
		done
		rm -rf "$LAB_BPFFS"
	fi
	if [ -n "$LAB_WORK" ] && [ "${XT_KEEP:-0}" != 1 ]; then
		rm -rf "$LAB_WORK"
	fi
	exit "$rc"
}
