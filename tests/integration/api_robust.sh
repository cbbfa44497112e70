#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The control socket under abuse: pipelined requests, garbage, truncated,
# oversize and wrong-type requests each get the right JSON-RPC error, 200
# clients that drop mid-request, silent and non-reading clients, the
# connection cap. The daemon stays up and keeps answering throughout.
. "$(dirname "$0")/api_lib.sh"
lab_init_net apirob
api_policy
lab_start
clients() { "$PYTHON" "$LAB_DIR/api_clients.py" "$(api_sock)" "$@" || lab_fail "api_clients.py $*"; }

lab_step "pipelined requests are answered in order; notifications are not answered"
clients pipeline

lab_step "malformed requests: one error each, the connection goes on"
api_expect_error -32700 'garbage'
api_expect_error -32700 '{"jsonrpc":"2.0","method":"ping","id":1'
api_expect_error -32700 '{"jsonrpc":"2.0","method":"ping","id":1} trailing'
api_expect_error -32600 '[{"jsonrpc":"2.0","method":"ping","id":1}]'
api_expect_error -32600 '42'
api_expect_error -32600 '{"jsonrpc":"1.0","method":"ping","id":1}'
api_expect_error -32600 '{"method":"ping","id":1}'
api_expect_error -32600 '{"jsonrpc":"2.0","method":7,"id":1}'
api_expect_error -32600 '{"jsonrpc":"2.0","method":"ping","params":"x","id":1}'
api_expect_error -32600 '{"jsonrpc":"2.0","method":"ping","id":{"a":1}}'
api_expect_error -32600 '{"jsonrpc":"2.0","method":"ping","id":1,"extra":true}'
api_expect_error -32601 "$(api_req no.such.method)"
# the load balancers' methods exist (xh9): bad parameters are -32602, an
# unknown balancer -32001
api_expect_error -32602 "$(api_req lb.list '{"balancer":1}')"
api_expect_error -32602 "$(api_req lb.set_state)"
api_expect_error -32001 "$(api_req lb.list '{"balancer":"nope"}')"
# trace and monitor exist (xh11): bad parameters are -32602
api_expect_error -32602 "$(api_req trace)"
api_expect_error -32602 "$(api_req monitor '{"rate":"x"}')"
api_expect_error -32602 "$(api_req ping '{"x":1}')"
api_expect_error -32602 "$(api_req status '["a"]')"
api_expect_error -32602 "$(api_req reload '{"dry_run":"yes"}')"
api_expect_error -32001 "$(api_req blocklist.delete '{"prefix":"192.0.2.0/24"}')"
# errors echo the id; a good request after bad ones on the same connection works
out=$(api_raw 'garbage' "$(api_req nope '' '"abc"')" "$(api_req ping '' 9)")
[ "$(jq -s -c 'map(.id)' <<<"$out")" = '[null,"abc",9]' ] || lab_fail "ids of mixed answers: $out"
api_expect_alive "malformed requests"

lab_step "a 2 MiB request gets -32600 and a close; exactly 1 MiB is accepted"
clients oversize
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'x' | timeout 10 socat -t5 - \
	"UNIX-CONNECT:$(api_sock)" >"$LAB_WORK/oversize.out" 2>/dev/null || true
api_check '.error.code == -32600' "$(head -n1 "$LAB_WORK/oversize.out")" "2 MiB from socat"
api_expect_alive "oversize requests"

lab_step "200 clients connect and drop mid-request"
clients drop200
api_expect_alive "200 dropped clients"

lab_step "silent and half-sent clients do not delay another client's ping"
clients silent

lab_step "a client that does not read its answers does not block the others"
clients slowreader

lab_step "a client that reads as fast as it can gets every answer, in order, without a stall"
# Regression: when one write took a whole 1 MiB batch of answers, the requests
# held back behind it were never resumed (a stall), or lost at end of input.
clients fastreader

lab_step "at most 64 connections: the 65th gets -32003"
clients cap
api_expect_alive "the connection cap"
lab_daemon_alive || lab_fail "xdpd died"
grep -q 'refusing another' "$LAB_LOG" || lab_fail "the refusal was not logged"

echo "PASS"
