#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# xdpctl against the real xdpd: status, rules, stats (table, JSON,
# Prometheus), the blocklist with real traffic (add, TTL expiry, del, flush),
# reload (dry run, applied, invalid), methods the daemon may not implement
# yet, and the exit statuses 1, 2 and 3.
# Arguments: XDPD SRCDIR; XDPCTL (environment) is the built xdpctl.
. "$(dirname "$0")/lib.sh"
lab_require_xdpctl
lab_need_tools jq setpriv
lab_init_net xdpctl

SOCK=$LAB_WORK/xdpd.sock
OUT=$LAB_WORK/xdpctl.out
ERR=$LAB_WORK/xdpctl.err

# ctl WANT_RC ARGS...: run xdpctl on the lab socket; stdout in $OUT, stderr
# in $ERR; fail unless it exits WANT_RC.
ctl()
{
	local want=$1 rc=0
	shift
	"$XDPCTL" -s "$SOCK" "$@" >"$OUT" 2>"$ERR" || rc=$?
	[ "$rc" = "$want" ] ||
		lab_fail "xdpctl $*: exit $rc, want $want; stdout: $(cat "$OUT"); stderr: $(cat "$ERR")"
}

out_has() { grep -qF -- "$1" "$OUT" || lab_fail "stdout lacks '$1': $(cat "$OUT")"; }
err_has() { grep -qF -- "$1" "$ERR" || lab_fail "stderr lacks '$1': $(cat "$ERR")"; }
jq_true() { jq -e "$1" "$OUT" >/dev/null || lab_fail "jq '$1' is not true on: $(cat "$OUT")"; }

lab_policy_drop 8080
lab_step "start xdpd"
lab_start
lab_expect_drop_8080

lab_step "status: table and JSON"
ctl 0 status
out_has "policy      $LAB_POLICY"
out_has "1 rules, 0 balancers, 0 blocklist entries"
grep -qE "^$LAB_IF_S +[0-9]+ +[a-z]+ +$(lab_prog_id) +yes$" "$OUT" ||
	lab_fail "no attached row for $LAB_IF_S with prog $(lab_prog_id): $(cat "$OUT")"
ctl 0 --json status
[ "$(wc -l <"$OUT")" = 1 ] || lab_fail "--json status is not one line"
jq_true ".pid == $LAB_DAEMON_PID and .policy.path == \"$LAB_POLICY\""
jq_true ".interfaces[0].name == \"$LAB_IF_S\" and .interfaces[0].attached == true"
jq_true ".policy.sha256 == \"$(sha256sum "$LAB_POLICY" | cut -d' ' -f1)\""

lab_step "version shows both sides"
ctl 0 version
out_has "xdpctl "
out_has "xdpd "

lab_step "rules and stats count the dropped SYNs"
ctl 0 --json rules
jq_true '.rules[0].name == "drop-8080" and .rules[0].action == "drop" and .rules[0].packets > 0'
jq_true '.rules[0].match.protocol == "tcp"'
want=$(jq -r '.rules[0].packets' "$OUT")
ctl 0 rules
grep -qE '^drop-8080 +drop +[0-9,]+ +[0-9,]+ +protocol=tcp dst_port=8080$' "$OUT" ||
	lab_fail "rules table: $(cat "$OUT")"
ctl 0 stats --prometheus
grep -qE "^xdpd_rule_packets_total\{rule=\"drop-8080\",action=\"drop\"\} [1-9][0-9]*$" "$OUT" ||
	lab_fail "no rule counter in: $(cat "$OUT")"
grep -qE "^xdpd_interface_packets_total\{interface=\"$LAB_IF_S\",action=\"drop\"\} [1-9]" "$OUT" ||
	lab_fail "no interface drop counter in: $(cat "$OUT")"
grep -q '^# TYPE xdpd_rule_packets_total counter$' "$OUT" || lab_fail "no TYPE line"
ctl 0 stats
out_has "INTERFACE"
out_has "sampling"
[ "$want" -le "$(lab_rule_packets drop-8080)" ] ||
	lab_fail "rules.list says $want packets, the pinned map less"

lab_step "block add drops the client; list shows TTL and comment"
lab_expect_tcp_pass 4 8081
ctl 0 block add "$LAB_V4_C" --ttl 1h --comment "lab client"
out_has "blocked $LAB_V4_C/32 for 1h (lab client)"
lab_expect_tcp_drop 4 8081
lab_expect_tcp_pass 6 8081
ctl 0 --json block list
jq_true ".entries | length == 1"
jq_true ".entries[0].prefix == \"$LAB_V4_C/32\" and .entries[0].comment == \"lab client\""
jq_true '.entries[0].expires_in > 3500 and .entries[0].expires_in <= 3600'
jq_true '.entries[0].packets > 0'
ctl 0 block list
grep -qE "^$LAB_V4_C/32 +(59m[0-9]+s|1h) +[0-9,]+ +lab client$" "$OUT" ||
	lab_fail "block list table: $(cat "$OUT")"

lab_step "block del restores traffic; a second del fails with exit 1"
ctl 0 block del "$LAB_V4_C"
out_has "deleted $LAB_V4_C/32"
lab_expect_tcp_pass 4 8081
ctl 1 block del "$LAB_V4_C"
err_has "xdpctl: blocklist.delete: "
err_has "not in the blocklist (code -32001)"

lab_step "a 2s TTL expires by itself"
ctl 0 block add "$LAB_V6_C/128" --ttl 2s
lab_expect_tcp_drop 6 8081
sleep 3
lab_expect_tcp_pass 6 8081
ctl 0 --json block list
jq_true '.entries | length == 0'

lab_step "block flush"
ctl 0 block add 203.0.113.0/24
ctl 0 block add 2001:db8::/32 --comment doc
ctl 0 block flush
out_has "flushed 2 entries"

lab_step "usage errors exit 2 before connecting"
ctl 2 block add 10.0.0.1/8
err_has "host bits set (did you mean 10.0.0.0/8?)"
ctl 2 block add 10.0.0.0/8 --ttl soon
err_has "'soon'"

lab_step "reload --dry-run shows the change and applies nothing"
ctl 0 --json status
gen0=$(jq -r '.policy.generation' "$OUT")
lab_policy_drop 8081
ctl 0 reload --dry-run
out_has "dry run: reloading would change:"
out_has "added    rule drop-8081"
out_has "removed  rule drop-8080"
lab_expect_drop_8080

lab_step "reload applies it"
ctl 0 reload
out_has "policy reloaded: generation"
out_has "added    rule drop-8081"
lab_expect_drop_8081
ctl 0 --json status
jq_true ".policy.generation > $gen0"
ctl 0 reload
out_has "policy unchanged"

lab_step "reload of an invalid policy: exit 1 with FILE:LINE:COLUMN, nothing changes"
lab_write_policy <<YAML
version: 1
frobnicate: yes
interfaces:
  - name: $LAB_IF_S
YAML
ctl 1 reload
err_has "xdpctl: reload: "
err_has "(code -32002)"
err_has "$LAB_POLICY:2:1:"
lab_expect_drop_8081

lab_step "methods this daemon may not implement: a clear error, exit 1"
# lb.list, lb.set_state, trace and monitor: either they work (exit 0) or
# the daemon says -32601 and xdpctl exits 1 naming the method.
try_method()
{
	local method=$1 rc=0
	shift
	"$XDPCTL" -s "$SOCK" --timeout 3s "$@" >"$OUT" 2>"$ERR" || rc=$?
	case $rc in
	0) ;;
	1) err_has "xdpctl: $method: " ;;
	*) lab_fail "xdpctl $*: exit $rc; stderr: $(cat "$ERR")" ;;
	esac
	# "not implemented" must say which method
	if grep -qF "(code -32601)" "$ERR"; then
		err_has "'$method'"
	fi
}
try_method lb.list lb
try_method lb.set_state lb drain web 10.99.0.9
try_method trace trace "tcp $LAB_V4_C:40000 > $LAB_V4_S:8081 flags S"
# monitor streams until --count events arrived: with sampling off that is
# never, so a daemon that implements it is stopped by timeout (124).
rc=0
timeout 5 "$XDPCTL" -s "$SOCK" monitor --count 1 >"$OUT" 2>"$ERR" || rc=$?
case $rc in
0 | 124) ;;
1) err_has "xdpctl: monitor: " ;;
*) lab_fail "xdpctl monitor: exit $rc; stderr: $(cat "$ERR")" ;;
esac

lab_step "an unprivileged user cannot reach the socket: exit 3"
rc=0
setpriv --reuid=65534 --regid=65534 --clear-groups "$XDPCTL" -s "$SOCK" status \
	>"$OUT" 2>"$ERR" || rc=$?
[ "$rc" = 3 ] || lab_fail "as nobody: exit $rc; stderr: $(cat "$ERR")"
err_has "cannot reach xdpd at $SOCK: Permission denied"

lab_step "daemon stopped: exit 3"
lab_stop TERM
ctl 3 status
err_has "cannot reach xdpd at $SOCK"

echo "PASS"
