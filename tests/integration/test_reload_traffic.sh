#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Reloads under continuous traffic lose no packet and misjudge none. Two
# sequenced UDP streams per address family run while xdpd is reloaded 20
# times between two equivalent policies (different names and order, so
# every reload loads a new generation; the drop rule keeps its name, so its
# counter spans all of them): every datagram to the passed port
# arrives exactly once, none to the dropped port does, and xdpd's counters
# agree with the sender. Every packet is sampled, into a ring sized as
# xdpd.yaml(5) says for a busy machine: no sample is lost although the
# daemon does not read the ring while each new program loads.
. "$(dirname "$0")/lib.sh"
lab_init_net reload

RELOADS=${XT_RELOADS:-20}
PASS_PORT=5001
DROP_PORT=5002
PPS=400 # per stream, 4 streams: 1600 samples/s at rate 1
# The samples of a 2 s load (0.5 s on an idle machine, up to 1.9 s measured
# on a loaded 2-CPU VM): 1600/s x 2 s x 216 bytes (an event in the ring) =
# 691,200 bytes, rounded up to a power of two.
SAMPLING="sampling: { rate: 1, ring_buffer: 1MiB }"

policy_a()
{
	lab_write_policy <<YAML
version: 1
interfaces:
  - name: $LAB_IF_S
rules:
  - name: drop-udp
    action: drop
    protocol: udp
    dst_port: $DROP_PORT
  - name: pass-udp-a
    action: pass
    protocol: udp
    dst_port: $PASS_PORT
$SAMPLING
YAML
}

policy_b()
{
	lab_write_policy <<YAML
version: 1
interfaces:
  - name: $LAB_IF_S
default_action: pass
rules:
  - name: pass-icmp-b
    action: pass
    protocol: icmp
  - name: drop-udp
    action: drop
    protocol: udp
    dst_port: $DROP_PORT
$SAMPLING
YAML
}

sampled() { lab_bpfmap sampling "$LAB_BPFFS/maps/sample_stats" "$1"; }

policy_a
lab_step "start xdpd"
lab_start
drop0=$(lab_iface_packets drop)
pass0=$(lab_iface_packets pass)
rule0=$(lab_rule_packets drop-udp)
events0=$(sampled events)
lost0=$(sampled lost)

lab_step "start the UDP receiver and the sender"
lab_bg nsenter --net="/run/netns/$LAB_NS_S" "$PYTHON" "$LAB_DIR/udpstream.py" serve \
	"$LAB_WORK/recv.json" "$PASS_PORT" "$DROP_PORT"
recv_pid=${LAB_BG_PIDS[-1]}
lab_wait_until 5 test -e "$LAB_WORK/recv.json.ready" || lab_fail "UDP receiver did not start"
lab_bg nsenter --net="/run/netns/$LAB_NS_C" "$PYTHON" "$LAB_DIR/udpstream.py" send \
	"$LAB_WORK/sent.json" "$PPS" \
	"pass4=$LAB_V4_S:$PASS_PORT" "pass6=[$LAB_V6_S]:$PASS_PORT" \
	"drop4=$LAB_V4_S:$DROP_PORT" "drop6=[$LAB_V6_S]:$DROP_PORT"
send_pid=${LAB_BG_PIDS[-1]}
sleep 0.5

lab_step "$RELOADS reloads under traffic"
prog=$(lab_prog_id)
progs=("$prog")
prog_changed() { [ "$(lab_prog_id)" != "$prog" ]; }
for i in $(seq 1 "$RELOADS"); do
	if [ $((i % 2)) = 1 ]; then policy_b; else policy_a; fi
	kill -HUP "$LAB_DAEMON_PID"
	lab_wait_until 10 prog_changed || lab_fail "reload $i: program id still $prog after 10 s"
	prog=$(lab_prog_id)
	progs+=("$prog")
	sleep 0.1
done
lab_daemon_alive || lab_fail "xdpd died during the reloads"
echo "programs: ${progs[*]}"

lab_step "stop the streams"
sleep 0.3
kill -TERM "$send_pid"
lab_wait_until 5 test -s "$LAB_WORK/sent.json" || lab_fail "sender wrote no summary"
sleep 0.5
kill -TERM "$recv_pid"
lab_wait_until 5 test -s "$LAB_WORK/recv.json" || lab_fail "receiver wrote no summary"

lab_step "every passed datagram arrived once, no dropped one arrived"
"$PYTHON" "$LAB_DIR/udpstream.py" verify "$LAB_WORK/sent.json" "$LAB_WORK/recv.json" \
	pass4,pass6 drop4,drop6 || lab_fail "datagrams lost or misjudged across reloads"

lab_step "xdpd counters agree with the sender"
sent_drop=$(jq '.drop4 + .drop6' "$LAB_WORK/sent.json")
sent_pass=$(jq '.pass4 + .pass6' "$LAB_WORK/sent.json")
rule1=$(lab_rule_packets drop-udp)
drop1=$(lab_iface_packets drop)
pass1=$(lab_iface_packets pass)
echo "sent to port $DROP_PORT: $sent_drop; rule drop-udp: +$((rule1 - rule0));" \
	"$LAB_IF_S drops: +$((drop1 - drop0)); sent to port $PASS_PORT: $sent_pass;" \
	"$LAB_IF_S passes: +$((pass1 - pass0))"
[ "$((rule1 - rule0))" = "$sent_drop" ] ||
	lab_fail "rule drop-udp counted +$((rule1 - rule0)), $sent_drop datagrams were sent"
[ "$((drop1 - drop0))" = "$sent_drop" ] ||
	lab_fail "interface drop counter +$((drop1 - drop0)), $sent_drop datagrams were sent"
[ "$((pass1 - pass0))" -ge "$sent_pass" ] ||
	lab_fail "interface pass counter +$((pass1 - pass0)) < $sent_pass datagrams passed"

lab_step "every packet sampled, no sample lost across the reloads"
events1=$(sampled events)
lost1=$(sampled lost)
echo "samples: +$((events1 - events0)), lost: +$((lost1 - lost0))"
[ "$((lost1 - lost0))" = 0 ] ||
	lab_fail "$((lost1 - lost0)) samples lost: the ring was full during a reload"
[ "$((events1 - events0))" -ge "$((sent_pass + sent_drop))" ] ||
	lab_fail "$((events1 - events0)) samples for $((sent_pass + sent_drop)) datagrams"

echo "PASS"
