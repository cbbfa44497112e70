#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# xdpctl trace against the real xdpd: the live program's verdict for a
# packet a drop rule matches (drop, the rule), one an earlier allow rule
# catches first (pass, that rule), an unmatched one (the default), and a
# balanced one (tx, the balancer and the backend, with the rewritten
# headers; the same backend twice for the same flow), over IPv4 and IPv6,
# TCP, UDP and ICMP; no counter moves. A malformed packet text is a usage
# error (exit 2) pointing at the bad word; the API says where too. An
# interface that is not in the policy is not found (-32001, exit 1), with the
# same pointer.
# Arguments: XDPD SRCDIR; XDPCTL (environment) is the built xdpctl.
. "$(dirname "$0")/api_lib.sh"
lab_require_xdpctl
lab_need_tools jq
lab_init_net trace

SOCK=$LAB_WORK/xdpd.sock
OUT=$LAB_WORK/xdpctl.out
ERR=$LAB_WORK/xdpctl.err

lab_write_policy <<YAML
version: 1
interfaces:
  - name: $LAB_IF_S
default_action: pass
rules:
  - name: allow-admin
    action: pass
    src: 192.0.2.10/32
  - name: drop-8080
    action: drop
    protocol: tcp
    dst_port: 8080
  - name: drop-dns
    action: drop
    protocol: udp
    dst_port: 53
load_balancers:
  - name: web
    vip: 10.99.0.100
    protocol: tcp
    port: 80
    forwarding: nat
    backends:
      - address: 10.99.0.3
        mac: "52:54:00:ff:ff:55"
      - address: 10.99.0.4
        mac: "52:54:00:5d:6e:a1"
  - name: icmp-lb
    vip: 10.99.0.200
    protocol: icmp
    scheduler: round_robin
    backends:
      - address: 10.99.0.5
        mac: "52:54:00:ff:ff:56"
      - address: 10.99.0.6
        mac: "52:54:00:ff:ff:57"
YAML

lab_step "start xdpd"
lab_start

# trace WANT_RC PACKET: xdpctl --json trace; the result in $OUT.
trace()
{
	local want=$1 rc=0
	shift
	"$XDPCTL" -s "$SOCK" "$@" >"$OUT" 2>"$ERR" || rc=$?
	[ "$rc" = "$want" ] ||
		lab_fail "xdpctl $*: exit $rc, want $want; stdout: $(cat "$OUT"); stderr: $(cat "$ERR")"
}
jtrace() { trace 0 --json trace "$1"; }
expect() { jq -e "$1" "$OUT" >/dev/null || lab_fail "trace '$2': jq '$1' is false on $(cat "$OUT")"; }

# Not the interface's pass counter: the kernel's own IPv6 router
# solicitations pass through the program while the test runs.
counters()
{
	echo "$(lab_rule_packets allow-admin) $(lab_rule_packets drop-8080)" \
		"$(lab_rule_packets drop-dns) $(lab_iface_packets drop) $(lab_iface_packets tx)"
}
before=$(counters)

lab_step "a drop rule matches: drop, rule drop-8080 (IPv4, IPv6, vlan)"
for p in "tcp 198.51.100.7:40000 > $LAB_V4_S:8080 [flags S]" \
	"tcp [2001:db8::7]:40000 > [$LAB_V6_S]:8080 flags S" \
	"tcp 198.51.100.7:40000 > $LAB_V4_S:8080 flags S vlan 10" \
	"udp 198.51.100.7:5353 > $LAB_V4_S:53 len 200"; do
	jtrace "$p"
	expect '.action == "drop" and .reason == "rule" and (.rule | test("^drop-"))' "$p"
done
trace 0 trace "tcp 198.51.100.7:40000 > $LAB_V4_S:8080 flags S"
[ "$(cat "$OUT")" = "drop (rule drop-8080)" ] || lab_fail "trace output: $(cat "$OUT")"

lab_step "an earlier allow rule catches it first: pass, rule allow-admin"
p="tcp 192.0.2.10:40000 > $LAB_V4_S:8080 flags S"
jtrace "$p"
expect '.action == "pass" and .rule == "allow-admin"' "$p"

lab_step "no rule matches: the default action"
for p in "tcp 198.51.100.7:40000 > $LAB_V4_S:22 flags S" "icmp 198.51.100.7 > $LAB_V4_S" \
	"icmpv6 2001:db8::7 > $LAB_V6_S type echo-request" "udp 198.51.100.7:5353 > $LAB_V4_S:54"; do
	jtrace "$p"
	expect '.action == "pass" and .reason == "default" and (has("rule") | not)' "$p"
done
trace 0 trace "icmp 198.51.100.7 > $LAB_V4_S"
[ "$(cat "$OUT")" = "pass (default_action)" ] || lab_fail "trace output: $(cat "$OUT")"

lab_step "a balanced flow: tx, balancer web, a backend, twice the same"
p="tcp 198.51.100.7:40000 > 10.99.0.100:80 flags S"
jtrace "$p"
expect '.action == "tx" and .balancer == "web" and (.backend | test("^10\\.99\\.0\\.[34]$"))' "$p"
expect '.rewritten.dst == .backend and .rewritten.dst_port == 80 and .packet.dst == "10.99.0.100"' "$p"
first=$(jq -r .backend "$OUT")
for _ in 1 2; do
	jtrace "$p"
	[ "$(jq -r .backend "$OUT")" = "$first" ] ||
		lab_fail "the same flow went to $first, then $(jq -r .backend "$OUT")"
done
trace 0 trace "$p"
echo "$(cat "$OUT")"
grep -q "^tx (balancer web, backend $first)$" "$OUT" || lab_fail "trace output: $(cat "$OUT")"
grep -q "^  rewritten: .* > 52:54:00:.*, 198.51.100.7:40000 > $first:80$" "$OUT" ||
	lab_fail "no rewritten line: $(cat "$OUT")"

lab_step "icmp round robin: a trace does not take the turn"
p="icmp 198.51.100.7 > 10.99.0.200"
jtrace "$p"
expect '.action == "tx" and .balancer == "icmp-lb" and .backend == "10.99.0.5"' "$p"
jtrace "$p"
expect '.backend == "10.99.0.5"' "$p"

lab_step "nothing counted: rules, interface actions, backends"
after=$(counters)
echo "counters (allow-admin, drop-8080, drop-dns, drop, tx): $before -> $after"
[ "$before" = "$after" ] || lab_fail "tracing moved counters: $before -> $after"
backends=$("$XDPCTL" -s "$SOCK" --json stats | jq '[.backends[]? | .. | .packets? // empty] | add // 0')
[ "$backends" = 0 ] || lab_fail "tracing counted $backends backend packets"

lab_step "malformed packet text: exit 2, pointing at the bad word"
trace 2 trace "tcp 198.51.100.7:99999 > $LAB_V4_S:8080"
grep -qF "bad port '99999'" "$ERR" || lab_fail "stderr: $(cat "$ERR")"
grep -qE '^ {19}\^{5}$' "$ERR" || lab_fail "no pointer under 99999: $(cat "$ERR")"
trace 2 trace "tcp 198.51.100.7:1 => $LAB_V4_S:8080"
grep -qF "expected '>', got '=>'" "$ERR" || lab_fail "stderr: $(cat "$ERR")"
trace 2 trace "icmp 198.51.100.7 > $LAB_V4_S type bogus"
grep -qF "unknown icmp type 'bogus'" "$ERR" || lab_fail "stderr: $(cat "$ERR")"
# one caret column per character, whatever its UTF-8 length
trace 2 trace "tcp 198.51.100.7:1 > 10.99.0.1:8080 in ethé0 vlan x"
grep -qE '^ {52}\^$' "$ERR" || lab_fail "no pointer under x: $(cat "$ERR")"

lab_step "the API refuses a bad text with -32602 and the position (in characters)"
out=$(api_raw "$(api_req trace '{"packet":"udp 10.0.0.1:53 > 10.0.0.2:x"}')")
api_check '.error.code == -32602 and .error.data.position == 27 and .error.data.length == 1' \
	"$out" "trace with a bad port"
out=$(api_raw "$(api_req trace '{"packet":"udp 10.0.0.1:53 > 10.0.0.2:53 in ethé0 vlan x"}')")
api_check '.error.code == -32602 and .error.data.position == 44 and .error.data.length == 1' \
	"$out" "trace with a bad vlan after a non-ASCII character (position in characters)"

lab_step "an interface outside the policy: not found (-32001), pointing at its name"
out=$(api_raw "$(api_req trace '{"packet":"tcp 1.2.3.4:1 > 5.6.7.8:2 in nosuch0"}')")
api_check '.error.code == -32001 and (.error.message | test("not in the policy"))
	and .error.data.position == 29 and .error.data.length == 7' "$out" \
	"trace on an interface outside the policy"
# an operation failure (exit 1), not a usage error; one caret per character
trace 1 trace "tcp 198.51.100.7:1 > $LAB_V4_S:8080 in ethé9"
grep -qF "interface 'ethé9' is not in the policy (code -32001)" "$ERR" ||
	lab_fail "stderr: $(cat "$ERR")"
grep -qxF "  tcp 198.51.100.7:1 > $LAB_V4_S:8080 in ethé9" "$ERR" || lab_fail "no text: $(cat "$ERR")"
grep -qE '^ {41}\^{5}$' "$ERR" || lab_fail "no pointer under ethé9: $(cat "$ERR")"

lab_step "after a reload that renames the balancer: the new names at once"
lab_write_policy <<YAML
version: 1
interfaces:
  - name: $LAB_IF_S
load_balancers:
  - name: web2
    vip: 10.99.0.100
    protocol: tcp
    port: 80
    forwarding: nat
    backends:
      - address: 10.99.0.7
        mac: "52:54:00:ff:ff:58"
YAML
api_check '.generation' "$(api_call reload)" "reload"
p="tcp 198.51.100.7:40000 > 10.99.0.100:80 flags S"
jtrace "$p"
expect '.action == "tx" and .balancer == "web2" and .backend == "10.99.0.7"' "$p"

echo "PASS"
