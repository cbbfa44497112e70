#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Monitor subscribers against the real xdpd:
#  - sampling off in the policy: monitor --rate 1 turns it on while it
#    watches, and the policy's rate (off) comes back when it leaves;
#  - a subscriber that never reads loses events (counted in stats) while
#    another one still gets its events and the daemon keeps answering;
#  - a reload that changes sampling.ring_buffer replaces the ring (the pin
#    has the new size) and the monitor goes on with the new one;
#  - a raw client that half-closes after its monitor request (socat at the
#    end of its input) still gets events, and goes when it closes for good;
#  - one monitor per connection: a second one is refused (-32600), and the
#    first goes when the connection closes.
# Arguments: XDPD SRCDIR; XDPCTL (environment) is the built xdpctl.
. "$(dirname "$0")/api_lib.sh"
lab_require_xdpctl
lab_need_tools jq
lab_init_net monsub

SOCK=$LAB_WORK/xdpd.sock

policy()
{
	lab_write_policy <<YAML
version: 1
interfaces:
  - name: $LAB_IF_S
default_action: pass
sampling:
  rate: $1
  ring_buffer: $2
YAML
}

sampling() { "$XDPCTL" -s "$SOCK" --json stats | jq -c '.sampling'; }

monitor_bg()
{
	local file=$1 n
	shift
	n=$(grep -c "monitor: subscriber pid" "$LAB_LOG" || true)
	lab_bg "$XDPCTL" -s "$SOCK" monitor "$@" >"$file" 2>"$file.err"
	MON_PID=${LAB_BG_PIDS[-1]}
	lab_wait_until 5 grep -q "monitor: subscriber pid $MON_PID" "$LAB_LOG" ||
		lab_fail "xdpctl monitor did not subscribe: $(cat "$file.err")"
}

policy 0 64KiB
lab_step "start xdpd with sampling off"
lab_start
lab_expect_ping_pass 4
api_check '.events == 0 and .rate == 0' "$(sampling)" "sampling off"

lab_step "monitor --rate 1 samples every packet while it watches"
monitor_bg "$LAB_WORK/rate.out" --rate 1 --count 3
api_check '.rate == 1 and .subscribers == 1' "$(sampling)" "rate raised"
lab_expect_ping_pass 4
lab_wait_until 10 sh -c "! kill -0 $MON_PID 2>/dev/null" || lab_fail "monitor --count 3 did not end"
grep -c "protocol: ICMP" "$LAB_WORK/rate.out" | grep -qx 3 ||
	lab_fail "monitor --rate 1 printed: $(cat "$LAB_WORK/rate.out")"
lab_wait_until 5 sh -c "'$XDPCTL' -s '$SOCK' --json stats | jq -e '.sampling.rate == 0' >/dev/null" ||
	lab_fail "the policy's rate did not come back: $(sampling)"
grep -Eq "monitor: subscriber pid $MON_PID uid 0 left: [3-9][0-9]* events sent" "$LAB_LOG" ||
	lab_fail "the daemon did not log the subscriber leaving"
ev=$(sampling | jq .events)
lab_expect_ping_pass 4
api_check ".events == $ev" "$(sampling)" "sampling off again: no new events"

lab_step "a subscriber that never reads loses events; the others do not"
policy 1 64KiB
kill -HUP "$LAB_DAEMON_PID"
lab_wait_until 10 sh -c "'$XDPCTL' -s '$SOCK' --json stats | jq -e '.sampling.rate == 1' >/dev/null" ||
	lab_fail "reload to rate 1: $(sampling)"
# connects, subscribes, never reads (a small receive buffer fills quickly)
lab_bg "$PYTHON" -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(sys.argv[1])
s.sendall(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"monitor\"}\n")
time.sleep(60)
' "$SOCK"
lab_wait_until 5 sh -c "'$XDPCTL' -s '$SOCK' --json stats | jq -e '.sampling.subscribers == 1' >/dev/null" ||
	lab_fail "the silent client did not subscribe: $(sampling)"
monitor_bg "$LAB_WORK/fast.out" --json
# 3000 events at about 1000 per second: more than the silent one's queue
# holds, not more than a reader keeps up with
lab_c ping -4 -n -q -i 0.001 -c 3000 "$LAB_V4_S" >/dev/null 2>&1 || true
lab_wait_until 10 sh -c "[ \$(grep -c '\"protocol\":\"icmp\"' '$LAB_WORK/fast.out') -ge 3000 ]" ||
	lab_fail "the reading subscriber got $(grep -c '"protocol":"icmp"' "$LAB_WORK/fast.out") of 3000 echo requests; $(sampling)"
st=$(sampling)
echo "sampling: $st"
api_check '.dropped > 0 and .subscribers == 2 and .lost == 0' "$st" "the silent subscriber's losses"
api_expect_alive "a subscriber that does not read"
kill "$MON_PID"

lab_step "a new ring_buffer size replaces the ring on reload"
size() { bpftool -j map show pinned "$LAB_BPFFS/maps/sample_ring" | jq .max_entries; }
[ "$(size)" = 65536 ] || lab_fail "sample_ring has $(size) bytes, want 65536"
policy 1 128KiB
kill -HUP "$LAB_DAEMON_PID"
lab_wait_until 10 sh -c "[ \$(bpftool -j map show pinned '$LAB_BPFFS/maps/sample_ring' | jq .max_entries) = 131072 ]" ||
	lab_fail "sample_ring still has $(size) bytes after the reload"
monitor_bg "$LAB_WORK/after.out" --count 3
lab_expect_ping_pass 4
lab_wait_until 10 sh -c "! kill -0 $MON_PID 2>/dev/null" ||
	lab_fail "no events from the new ring: $(cat "$LAB_WORK/after.out")"
grep -q "protocol: ICMP" "$LAB_WORK/after.out" || lab_fail "after the reload: $(cat "$LAB_WORK/after.out")"

lab_step "a half-closed monitor client gets events until it closes"
n0=$(sampling | jq .subscribers)
log0=$(wc -l <"$LAB_LOG")
# socat shuts down its sending side at the end of its input, then keeps
# reading for 6 s and closes
lab_bg sh -c "printf '%s\n' '$(api_req monitor)' |
	timeout 20 socat -t 6 - 'UNIX-CONNECT:$SOCK' >'$LAB_WORK/half.out'"
HALF_PID=${LAB_BG_PIDS[-1]}
lab_wait_until 5 sh -c "'$XDPCTL' -s '$SOCK' --json stats | jq -e '.sampling.subscribers == $n0 + 1' >/dev/null" ||
	lab_fail "the half-closed client did not subscribe: $(sampling); $(grep 'monitor: subscriber' "$LAB_LOG")"
lab_expect_ping_pass 4
lab_wait_until 5 sh -c "[ \$(grep -c '\"method\":\"monitor.event\"' '$LAB_WORK/half.out') -ge 3 ]" ||
	lab_fail "the half-closed client got: $(cat "$LAB_WORK/half.out"); $(grep 'monitor: subscriber' "$LAB_LOG")"
api_check ".subscribers == $((n0 + 1))" "$(sampling)" "the half-closed client, still subscribed"
lab_wait_until 15 sh -c "! kill -0 $HALF_PID 2>/dev/null" || lab_fail "socat -t 6 did not end"
lab_wait_until 5 sh -c "'$XDPCTL' -s '$SOCK' --json stats | jq -e '.sampling.subscribers == $n0' >/dev/null" ||
	lab_fail "the closed client left a subscriber: $(sampling)"
tail -n +"$((log0 + 1))" "$LAB_LOG" |
	grep -Eq "monitor: subscriber pid [0-9]+ uid 0 left: [1-9][0-9]* events sent" ||
	lab_fail "the half-closed client did not leave with events sent: $(tail -n +"$((log0 + 1))" "$LAB_LOG")"

lab_step "one monitor per connection: a second is refused, closing removes the first"
n0=$(sampling | jq .subscribers)
out=$(printf '%s\n%s\n' "$(api_req monitor)" "$(api_req monitor '' 2)" |
	timeout 10 socat -t1 - "UNIX-CONNECT:$SOCK" | jq -c 'select(.id == 2)')
api_check '.error.code == -32600' "$out" "a second monitor on one connection"
lab_wait_until 5 sh -c "'$XDPCTL' -s '$SOCK' --json stats | jq -e '.sampling.subscribers == $n0' >/dev/null" ||
	lab_fail "the closed connection left a subscriber: $(sampling)"
# sampled packets after it closed: nothing may write to the subscriber it was
lab_expect_ping_pass 4
api_expect_alive "a connection that asked for two monitors"

echo "PASS"
