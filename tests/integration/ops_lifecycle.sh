#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What an operator runs into on a real machine: a second xdpd on the same
# pins or the same socket refuses and changes nothing; --teardown refuses
# while xdpd runs; an interface that disappears shows as detached, is
# logged, and is attached again when it is created again; another XDP program on the interface is named in the
# refusal; a --bpffs directory without a bpffs gets one mounted, and
# --teardown unmounts and removes it again, leaving pins it did not make; a
# --bpffs directory that holds files gets none mounted over them.
. "$(dirname "$0")/lib.sh"
[ -n "${XDP_PASS_OBJ:-}" ] && [ -f "$XDP_PASS_OBJ" ] || lab_skip "XDP_PASS_OBJ is not built"
lab_init_net ops

# What a teardown left in $LAB_BPFFS, for the failure message (a rare
# failure of the steps below: the directory stayed mounted).
left_behind()
{
	echo "mounted: $(mountpoint -q "$LAB_BPFFS" && echo yes || echo no);" \
		"$(grep -c " $LAB_BPFFS " /proc/mounts) mount(s); $(ls -laR "$LAB_BPFFS" 2>&1)"
}

# The state directory on tmpfs: xdpd must mount a bpffs there itself.
LAB_BPFFS=$LAB_WORK/pins
lab_policy_drop 8080
cat >"$LAB_WORK/other.yaml" <<YAML
version: 1
interfaces:
  - name: $LAB_IF_S
rules:
  - name: drop-8081
    action: drop
    protocol: tcp
    dst_port: 8081
YAML

lab_step "--bpffs on a directory without a bpffs: xdpd mounts one"
lab_start
mountpoint -q "$LAB_BPFFS" || lab_fail "no bpffs mounted at $LAB_BPFFS"
[ "$(stat -f -c %T "$LAB_BPFFS")" = bpf_fs ] || lab_fail "$LAB_BPFFS is not a bpffs"
lab_expect_drop_8080
prog0=$(lab_prog_id)

# xdpd_other ARGS...: a second daemon in the lab's namespace; its output in
# $LAB_WORK/other.log, its status in $other_rc.
xdpd_other()
{
	other_rc=0
	lab_s timeout 20 "$XDPD" "$@" >"$LAB_WORK/other.log" 2>&1 || other_rc=$?
	cat "$LAB_WORK/other.log" >>"$LAB_LOG"
}

lab_step "a second xdpd on the same pins (another socket, another policy) refuses"
xdpd_other -c "$LAB_WORK/other.yaml" --bpffs "$LAB_BPFFS" --socket "$LAB_WORK/other.sock"
[ "$other_rc" = 1 ] || lab_fail "second xdpd on the same bpffs: exit $other_rc, want 1"
grep -q "in use by another running xdpd" "$LAB_WORK/other.log" ||
	lab_fail "no clear refusal: $(cat "$LAB_WORK/other.log")"
[ "$(lab_prog_id)" = "$prog0" ] || lab_fail "the second xdpd swapped the program"
[ ! -e "$LAB_WORK/other.sock" ] || lab_fail "the refused xdpd left its socket behind"
lab_expect_drop_8080

lab_step "a second xdpd on the same socket (other pins) refuses before touching anything"
xdpd_other -c "$LAB_WORK/other.yaml" --bpffs "$LAB_WORK/other-pins" --socket "$LAB_WORK/xdpd.sock"
[ "$other_rc" = 1 ] || lab_fail "second xdpd on the same socket: exit $other_rc, want 1"
grep -q "another xdpd is listening there" "$LAB_WORK/other.log" ||
	lab_fail "no clear refusal: $(cat "$LAB_WORK/other.log")"
[ ! -e "$LAB_WORK/other-pins" ] || lab_fail "the refused xdpd created $LAB_WORK/other-pins"
[ "$(lab_prog_id)" = "$prog0" ] || lab_fail "the second xdpd touched the interface"
lab_daemon_alive || lab_fail "the first xdpd died"

lab_step "--teardown refuses while xdpd runs"
xdpd_other --teardown --bpffs "$LAB_BPFFS"
[ "$other_rc" = 1 ] || lab_fail "--teardown next to a running xdpd: exit $other_rc, want 1"
grep -q "in use by another running xdpd" "$LAB_WORK/other.log" ||
	lab_fail "no clear refusal: $(cat "$LAB_WORK/other.log")"
lab_expect_attached

lab_step "a second xdpd on the same interface (other pins and socket): the refusal names the link"
# Regression: it advised 'ip link set dev IF xdpdrv off', which cannot
# remove a bpf_link ("Can't replace active BPF XDP link").
link0=$(lab_link_id)
xdpd_other -c "$LAB_WORK/other.yaml" --bpffs "$LAB_WORK/other-pins" --socket "$LAB_WORK/other.sock"
[ "$other_rc" = 1 ] || lab_fail "second xdpd on the same interface: exit $other_rc, want 1"
grep -qE "the XDP bpf_link id $link0 \(program '[a-z_]+', id $prog0\)" "$LAB_WORK/other.log" ||
	lab_fail "the refusal does not name the link: $(cat "$LAB_WORK/other.log")"
grep -q "bpftool link detach id $link0" "$LAB_WORK/other.log" &&
	grep -q "xdpd --teardown --bpffs DIR" "$LAB_WORK/other.log" ||
	lab_fail "the refusal does not say how to remove the link: $(cat "$LAB_WORK/other.log")"
! grep -q "ip link set" "$LAB_WORK/other.log" || lab_fail "ip link cannot remove a bpf_link"
[ "$(lab_prog_id)" = "$prog0" ] || lab_fail "the second xdpd touched the interface"
[ ! -e "$LAB_WORK/other-pins" ] || lab_fail "the refused xdpd left $LAB_WORK/other-pins"
[ ! -e "$LAB_WORK/other.sock" ] || lab_fail "the refused xdpd left its socket"
lab_daemon_alive || lab_fail "the first xdpd died"

lab_step "the interface disappears: status says detached; created again, it is re-attached"
ip -n "$LAB_NS_S" link del "$LAB_IF_S"
st=$(lab_s timeout 10 socat -t5 - "UNIX-CONNECT:$LAB_WORK/xdpd.sock" \
	<<<'{"jsonrpc":"2.0","id":1,"method":"status"}')
jq -e '.result.interfaces[0] | .attached == false and .ifindex == 0' >/dev/null <<<"$st" ||
	lab_fail "status after ip link del: $st"
lab_daemon_alive || lab_fail "xdpd died when its interface went away"
ip netns del "$LAB_NS_C"
lab_wait_until 5 grep -q "interface $LAB_IF_S is gone" "$LAB_LOG" ||
	lab_fail "the interface's disappearance was not logged"
lab_make_client_net
attached_again() { [ "$(lab_prog_id)" != 0 ]; }
lab_wait_until 10 attached_again || lab_fail "not re-attached, without a reload, once it is back"
grep -q "interface $LAB_IF_S is back" "$LAB_LOG" || lab_fail "the re-attachment was not logged"
lab_expect_attached
lab_expect_drop_8080

lab_step "the interface is renamed: its program is detached; named so again, it is re-attached"
# Regression: the link followed the device to its new name (a device the
# policy does not name) while status said attached, and a new device of
# the policy's name got nothing.
renamed_prog() {
	ip -n "$LAB_NS_S" -j -d link show dev xtz | jq -r '.[0].xdp.prog.id // 0'
}
ip -n "$LAB_NS_S" link set dev "$LAB_IF_S" down
ip -n "$LAB_NS_S" link set dev "$LAB_IF_S" name xtz
ip -n "$LAB_NS_S" link set dev xtz up
lab_wait_until 5 grep -q "interface $LAB_IF_S (ifindex [0-9]*) was renamed to xtz" "$LAB_LOG" ||
	lab_fail "the rename was not logged"
detached_renamed() { [ "$(renamed_prog)" = 0 ]; }
lab_wait_until 5 detached_renamed || lab_fail "the renamed device keeps program $(renamed_prog)"
st=$(lab_s timeout 10 socat -t5 - "UNIX-CONNECT:$LAB_WORK/xdpd.sock" \
	<<<'{"jsonrpc":"2.0","id":1,"method":"status"}')
jq -e '.result.interfaces[0].attached == false' >/dev/null <<<"$st" ||
	lab_fail "status after the rename: $st"
ip -n "$LAB_NS_S" link set dev xtz down
ip -n "$LAB_NS_S" link set dev xtz name "$LAB_IF_S"
ip -n "$LAB_NS_S" link set dev "$LAB_IF_S" up
# down took the IPv6 address (keep_addr_on_down is 0)
ip -n "$LAB_NS_S" addr replace "$LAB_V6_S/64" dev "$LAB_IF_S" nodad
ip -n "$LAB_NS_S" neigh replace "$LAB_V4_C" lladdr "$LAB_MAC_C" dev "$LAB_IF_S" nud permanent
ip -n "$LAB_NS_S" neigh replace "$LAB_V6_C" lladdr "$LAB_MAC_C" dev "$LAB_IF_S" nud permanent
lab_wait_until 10 attached_again || lab_fail "not re-attached under its name again"
lab_expect_attached
lab_expect_drop_8080

lab_step "10,000 rules: a reload is applied in seconds and rules.list has them all"
# Regression: the reload's diff was O(n^3) in the rule count; at 10,000
# rules the daemon spent minutes in it, answering nothing.
big_policy()
{
	"$PYTHON" - "$1" "$LAB_IF_S" <<'PY'
import sys
out, ifname, n = sys.argv[1], sys.argv[2], 10000
lines = ["version: 1", "interfaces:", "  - name: " + ifname, "rules:"]
for i in range(n):
    lines += ["  - name: r%d" % i, "    action: drop", "    protocol: udp",
              "    src: 198.%d.%d.0/24" % ((i >> 8) & 255, i & 255),
              "    dst_port: %d" % (10000 + i)]
lines += ["  - name: drop-8080", "    action: drop", "    protocol: tcp", "    dst_port: 8080"]
open(out + ".tmp", "w").write("\n".join(lines) + "\n")
PY
	mv -f "$1.tmp" "$1"
}
big_policy "$LAB_POLICY"
t0=$SECONDS
out=$(lab_s timeout 60 socat -t60 - "UNIX-CONNECT:$LAB_WORK/xdpd.sock" \
	<<<'{"jsonrpc":"2.0","id":1,"method":"reload"}')
jq -e '.result.changed == true' >/dev/null <<<"$out" || lab_fail "reload of 10,000 rules: ${out:0:300}"
[ $((SECONDS - t0)) -le 10 ] || lab_fail "reload of 10,000 rules took $((SECONDS - t0)) s"
out=$(lab_s timeout 30 socat -t30 - "UNIX-CONNECT:$LAB_WORK/xdpd.sock" \
	<<<'{"jsonrpc":"2.0","id":1,"method":"rules.list"}')
[ "$(jq '.result.rules | length' <<<"$out")" = 10001 ] || lab_fail "rules.list after the big reload"
lab_expect_drop_8080

lab_step "--teardown removes xdpd's pins only, and refuses a directory without xdpd's meta"
# Regression: it unpinned everything under maps/, links/ and prog.
lab_stop TERM
foreign_map() { bpftool map create "$1" type array key 4 value 4 entries 1 name "$2"; }
foreign_map "$LAB_BPFFS/maps/other" other
foreign_map "$LAB_BPFFS/links/notalink" notalink
foreign_map "$LAB_BPFFS/theirs" theirs
xdpd_other --teardown --bpffs "$LAB_BPFFS"
[ "$other_rc" = 0 ] || lab_fail "--teardown beside foreign pins: exit $other_rc, want 0"
grep -q "left 3 pins under $LAB_BPFFS that xdpd did not make" "$LAB_WORK/other.log" ||
	lab_fail "--teardown does not say what it left: $(cat "$LAB_WORK/other.log")"
[ "$(lab_prog_id)" = 0 ] || lab_fail "--teardown left program $(lab_prog_id) attached"
for pin in maps/other links/notalink theirs; do
	bpftool map show pinned "$LAB_BPFFS/$pin" >/dev/null ||
		lab_fail "--teardown removed $pin, which xdpd did not make"
done
for pin in maps/meta maps/stats_rule links/$LAB_IF_S prog; do
	[ ! -e "$LAB_BPFFS/$pin" ] || lab_fail "--teardown left xdpd's $pin"
done
xdpd_other --teardown --bpffs "$LAB_BPFFS"
[ "$other_rc" = 1 ] || lab_fail "--teardown of a directory without meta: exit $other_rc, want 1"
grep -q "not an xdpd directory" "$LAB_WORK/other.log" ||
	lab_fail "no clear refusal: $(cat "$LAB_WORK/other.log")"
bpftool map show pinned "$LAB_BPFFS/maps/other" >/dev/null || lab_fail "the refusal removed a pin"
rm "$LAB_BPFFS/maps/other" "$LAB_BPFFS/links/notalink" "$LAB_BPFFS/theirs"

lab_step "SIGTERM, then another XDP program on the interface: the start names it"
lab_teardown
[ ! -e "$LAB_BPFFS" ] || lab_fail "--teardown left $LAB_BPFFS behind: $(left_behind)"
! mountpoint -q "$LAB_BPFFS" 2>/dev/null || lab_fail "--teardown left the bpffs mounted"

lab_step "a control socket that cannot be created: the start changes nothing"
# Regression: the socket was made after the datapath was loaded and attached.
xdpd_other -c "$LAB_POLICY" --bpffs "$LAB_BPFFS" --socket /proc/xdpd-nope/xdpd.sock
[ "$other_rc" = 1 ] || lab_fail "start with an unusable socket: exit $other_rc, want 1"
grep -q "control socket /proc/xdpd-nope/xdpd.sock" "$LAB_WORK/other.log" ||
	lab_fail "no clear error: $(cat "$LAB_WORK/other.log")"
[ "$(lab_prog_id)" = 0 ] || lab_fail "the refused start attached program $(lab_prog_id)"
[ ! -e "$LAB_BPFFS" ] || lab_fail "the refused start left $LAB_BPFFS behind"

lab_step "--bpffs on a directory that holds files: refused, nothing mounted over them"
mkdir "$LAB_WORK/full"
echo keep >"$LAB_WORK/full/precious"
xdpd_other -c "$LAB_POLICY" --bpffs "$LAB_WORK/full" --socket "$LAB_WORK/xdpd.sock"
[ "$other_rc" = 1 ] || lab_fail "start on a non-empty directory: exit $other_rc, want 1"
grep -q "not on a bpffs and not empty" "$LAB_WORK/other.log" ||
	lab_fail "no clear error: $(cat "$LAB_WORK/other.log")"
! mountpoint -q "$LAB_WORK/full" || lab_fail "a bpffs was mounted over $LAB_WORK/full"
[ "$(cat "$LAB_WORK/full/precious")" = keep ] || lab_fail "the directory's file is gone"
[ "$(lab_prog_id)" = 0 ] || lab_fail "the refused start attached program $(lab_prog_id)"

ip -n "$LAB_NS_S" link set dev "$LAB_IF_S" xdpgeneric obj "$XDP_PASS_OBJ" sec xdp
foreign=$(lab_prog_id)
xdpd_other -c "$LAB_POLICY" --bpffs "$LAB_BPFFS" --socket "$LAB_WORK/xdpd.sock"
[ "$other_rc" = 1 ] || lab_fail "start next to a foreign XDP program: exit $other_rc, want 1"
grep -q "program 'xdp_pass' (id $foreign)" "$LAB_WORK/other.log" ||
	lab_fail "the refusal does not name the program: $(cat "$LAB_WORK/other.log")"
grep -q "xdpgeneric off" "$LAB_WORK/other.log" ||
	lab_fail "the refusal does not say how to detach it: $(cat "$LAB_WORK/other.log")"
[ "$(lab_prog_id)" = "$foreign" ] || lab_fail "the foreign program was replaced"
[ ! -e "$LAB_BPFFS" ] || lab_fail "the failed start left $LAB_BPFFS behind: $(left_behind)"
ip -n "$LAB_NS_S" link set dev "$LAB_IF_S" xdpgeneric off

lab_step "directories made for the socket are 0755 under umask 077 (the unit's UMask=)"
# Regression: they took the umask (0700) and locked control.group out.
LAB_SOCKET=$LAB_WORK/run/xdpd/nested/xdpd.sock
old_umask=$(umask)
umask 077
lab_start
umask "$old_umask"
for d in run run/xdpd run/xdpd/nested; do
	[ "$(stat -c %a "$LAB_WORK/$d")" = 755 ] ||
		lab_fail "$LAB_WORK/$d is mode $(stat -c %a "$LAB_WORK/$d"), want 755"
done
[ "$(stat -c %a "$LAB_SOCKET")" = 660 ] || lab_fail "the socket is mode $(stat -c %a "$LAB_SOCKET")"
lab_stop TERM

lab_step "a reload moves control.socket; open connections stay"
# Regression: the reload said "changed setting control" and kept the old socket.
sock1=$LAB_WORK/ctl1/xdpd.sock
sock2=$LAB_WORK/ctl2/deeper/xdpd.sock
# paths_policy SOCKET BPFFS: the drop-8080 policy with these paths.
paths_policy()
{
	lab_policy_drop 8080 "control:" "  socket: $1" "bpffs: $2"
}
# rpc SOCKET METHOD [PARAMS]: one request, its answer.
rpc()
{
	local req="{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$2\"${3:+,\"params\":$3}}"
	printf '%s\n' "$req" | timeout 10 socat -t5 - "UNIX-CONNECT:$1"
}
generation() { rpc "$1" status | jq -e .result.policy.generation; }
paths_policy "$sock1" "$LAB_BPFFS"
LAB_PATHS_FROM_POLICY=1
lab_start
coproc HELD { exec socat - "UNIX-CONNECT:$sock1"; }
LAB_BG_PIDS+=("$HELD_PID")
# held_ping: a ping over the connection opened on the first socket.
held_ping()
{
	local line
	printf '%s\n' '{"jsonrpc":"2.0","id":7,"method":"ping"}' >&"${HELD[1]}"
	read -r -t 5 line <&"${HELD[0]}" && jq -e '.id == 7 and .result.version' >/dev/null <<<"$line"
}
held_ping || lab_fail "no answer on the held connection"
gen=$(generation "$sock1")
paths_policy "$sock2" "$LAB_BPFFS"
out=$(rpc "$sock1" reload)
jq -e '.result.changed and any(.result.diff[]; . == {"kind":"setting","name":"control","change":"changed"})' \
	>/dev/null <<<"$out" || lab_fail "reload to a new control.socket: $out"
[ -S "$sock2" ] || lab_fail "no socket at $sock2 after the reload"
[ "$(stat -c %a "$sock2")" = 660 ] || lab_fail "$sock2 is mode $(stat -c %a "$sock2")"
[ ! -e "$sock1" ] || lab_fail "the old socket $sock1 is still there"
[ "$(generation "$sock2")" -gt "$gen" ] || lab_fail "no new generation on $sock2"
held_ping || lab_fail "the connection opened before the move no longer answers"
grep -q "listening on $sock2 instead of $sock1" "$LAB_LOG" || lab_fail "the move was not logged"

lab_step "a control.socket that cannot be listened on: refused (-32002), socket and policy kept"
gen=$(generation "$sock2")
prog=$(lab_prog_id)
echo precious >"$LAB_WORK/not-a-socket"
paths_policy "$LAB_WORK/not-a-socket" "$LAB_BPFFS"
for params in '' '{"dry_run":true}'; do
	out=$(rpc "$sock2" reload "$params")
	jq -e '.error.code == -32002 and any(.error.data.diagnostics[];
		test("xdpd.yaml:[0-9]+:[0-9]+: control.socket: cannot listen on .*/not-a-socket: exists and is not a socket"))' \
		>/dev/null <<<"$out" || lab_fail "reload ($params) to an unusable control.socket: $out"
done
[ "$(cat "$LAB_WORK/not-a-socket")" = precious ] || lab_fail "the file in the way was changed"
# a file system that cannot hold a socket (a bpffs here): the dry run sees
# what the bind() would (it said yes, the reload then refused)
paths_policy "$LAB_BPFFS/nosock/x.sock" "$LAB_BPFFS"
out=$(rpc "$sock2" reload '{"dry_run":true}')
jq -e '.error.code == -32002 and any(.error.data.diagnostics[];
	test("control.socket: cannot listen on .*/nosock/x.sock: Operation not permitted"))' \
	>/dev/null <<<"$out" || lab_fail "dry run to a socket on a bpffs: $out"
[ ! -e "$LAB_BPFFS/nosock" ] || lab_fail "the dry run made a directory"
out=$(rpc "$sock2" reload)
jq -e '.error.code == -32002' >/dev/null <<<"$out" || lab_fail "reload to a socket on a bpffs: $out"
[ ! -e "$LAB_BPFFS/nosock" ] || lab_fail "the refused reload left the directory it made"
[ "$(generation "$sock2")" = "$gen" ] || lab_fail "a new generation despite the refusal"
[ "$(lab_prog_id)" = "$prog" ] || lab_fail "the program changed despite the refusal"
held_ping || lab_fail "the held connection no longer answers"

lab_step "a reload that moves bpffs is refused (-32002, dry run too, SIGHUP logged), nothing changes"
# Regression: it was "applied" with the pins left behind, and the next
# start failed on the interface the old link held.
paths_policy "$sock2" "$LAB_WORK/pins2"
for params in '' '{"dry_run":true}'; do
	out=$(rpc "$sock2" reload "$params")
	jq -e --arg old "$LAB_BPFFS" '.error.code == -32002 and any(.error.data.diagnostics[];
		test("xdpd.yaml:[0-9]+:[0-9]+: bpffs: the pinned-state directory cannot move while xdpd runs")
		and contains("xdpd --teardown --bpffs " + $old))' >/dev/null <<<"$out" ||
		lab_fail "reload ($params) moving bpffs: $out"
done
n0=$(grep -c "cannot move while xdpd runs" "$LAB_LOG")
kill -HUP "$LAB_DAEMON_PID"
refused_again() { [ "$(grep -c "cannot move while xdpd runs" "$LAB_LOG")" -gt "$n0" ]; }
lab_wait_until 10 refused_again || lab_fail "SIGHUP moving bpffs: no refusal logged"
[ ! -e "$LAB_WORK/pins2" ] || lab_fail "the refused reload created $LAB_WORK/pins2"
[ "$(generation "$sock2")" = "$gen" ] || lab_fail "a new generation despite the refusal"
[ "$(lab_prog_id)" = "$prog" ] || lab_fail "the program changed despite the refusal"
lab_expect_attached
lab_stop TERM
kill "$HELD_PID" 2>/dev/null || true
LAB_PATHS_FROM_POLICY=0

lab_step "usage errors exit 2 and say what is wrong"
rc=0
"$XDPD" --version=3 >"$LAB_WORK/usage.out" 2>&1 || rc=$?
[ "$rc" = 2 ] || lab_fail "xdpd --version=3: exit $rc, want 2"
grep -q "option '--version' takes no argument" "$LAB_WORK/usage.out" ||
	lab_fail "xdpd --version=3 said: $(cat "$LAB_WORK/usage.out")"

echo "PASS"
