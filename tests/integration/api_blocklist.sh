#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# blocklist.add drops traffic from the prefix at once (IPv4 and IPv6), the
# entry survives SIGHUP and a daemon restart, blocklist.delete restores
# traffic, a ttl expires on its own, flush empties the list, bad prefixes and
# unknown entries get the contract's error codes.
. "$(dirname "$0")/api_lib.sh"
lab_init_net apibl
api_policy
lab_start

lab_step "no entries: ping passes both ways"
api_check '.entries == []' "$(api_call blocklist.list)" "blocklist.list on a fresh daemon"
lab_expect_ping_pass 4
lab_expect_ping_pass 6

lab_step "blocklist.add v4 and v6: pings dropped at once"
e=$(api_call blocklist.add '{"prefix":"10.99.0.0/24","comment":"lab v4"}')
api_check '.prefix == "10.99.0.0/24" and .comment == "lab v4" and .packets == 0
	and (has("expires_in") | not)' "$e" "blocklist.add result"
e=$(api_call blocklist.add '{"prefix":"fd00:99::2"}')
api_check '.prefix == "fd00:99::2/128" and (has("comment") | not)' "$e" "blocklist.add v6 host"
lab_expect_ping_drop 4
lab_expect_ping_drop 6
lab_expect_tcp_drop 4 8081
list=$(api_call blocklist.list)
api_check '(.entries | length) == 2' "$list" "blocklist.list after two adds"
api_check '[.entries[] | select(.prefix == "10.99.0.0/24") | .packets][0] >= 3' "$list" \
	"the v4 entry counts its hits"
api_check '.counts.blocklist == 2' "$(api_call status)" "status counts the blocklist"
api_check '.blocklist.packets >= 6' "$(api_call stats)" "stats counts blocklist hits"

lab_step "a duplicate add updates the entry and keeps its hits"
e=$(api_call blocklist.add '{"prefix":"10.99.0.0/24","ttl":3600,"comment":"again"}')
api_check '.comment == "again" and .expires_in > 3590 and .packets >= 3' "$e" "duplicate add"
api_check '(.entries | length) == 2' "$(api_call blocklist.list)" "no duplicate entry"

lab_step "entries survive SIGHUP"
before=$(lab_ready_count)
kill -HUP "$LAB_DAEMON_PID"
lab_wait_until 10 lab_ready_since "$before" || lab_fail "no READY=1 after SIGHUP"
lab_expect_ping_drop 4
lab_expect_ping_drop 6
api_check '(.entries | length) == 2' "$(api_call blocklist.list)" "list after SIGHUP"

lab_step "entries survive a restart"
lab_stop TERM
lab_expect_ping_drop 4 # the datapath keeps running without the daemon
lab_start
lab_expect_ping_drop 4
lab_expect_ping_drop 6
api_check '(.entries | length) == 2 and .entries[0].comment == "again"' \
	"$(api_call blocklist.list)" "list after restart"
api_check '.counts.blocklist == 2' "$(api_call status)" "status after restart"

lab_step "blocklist.delete restores traffic"
dropped=$(api_call stats | jq '.blocklist.packets')
api_check '.deleted == 1' "$(api_call blocklist.delete '{"prefix":"10.99.0.0/24"}')" \
	"blocklist.delete"
lab_expect_ping_pass 4
lab_expect_tcp_pass 4 8081
lab_expect_ping_drop 6
api_expect_error -32001 "$(api_req blocklist.delete '{"prefix":"10.99.0.0/24"}')"
api_check ".blocklist.packets >= $dropped" "$(api_call stats)" \
	"the blocklist's drop total does not shrink when entries go"
# an LPM lookup would find 10.0.0.0/8 for 10.99.0.0/24: delete is exact
api_call blocklist.add '{"prefix":"10.0.0.0/8"}' >/dev/null
api_expect_error -32001 "$(api_req blocklist.delete '{"prefix":"10.99.0.0/24"}')"
api_call blocklist.delete '{"prefix":"10.0.0.0/8"}' >/dev/null
api_call blocklist.delete '{"prefix":"fd00:99::2/128"}' >/dev/null
lab_expect_ping_pass 6

lab_step "a ttl of 2 expires by itself"
e=$(api_call blocklist.add '{"prefix":"10.99.0.2/32","ttl":2}')
api_check '.expires_in == 2' "$e" "ttl 2"
lab_expect_ping_drop 4
sleep 2.5
lab_expect_ping_pass 4
api_check '.entries == []' "$(api_call blocklist.list)" "list after expiry"
# the count only drops when the timer has deleted the entry from the map
bl_count_zero() { [ "$(api_call status | jq .counts.blocklist)" = 0 ]; }
lab_wait_until 3 bl_count_zero || lab_fail "the expired entry was not reaped"

lab_step "flush"
api_call blocklist.add '{"prefix":"192.0.2.0/24"}' >/dev/null
api_call blocklist.add '{"prefix":"2001:db8::/32","ttl":600}' >/dev/null
api_check '.flushed == 2' "$(api_call blocklist.flush)" "flush"
api_check '.entries == []' "$(api_call blocklist.list)" "list after flush"
api_check '.flushed == 0' "$(api_call blocklist.flush)" "second flush"

lab_step "bad params"
api_expect_error -32602 "$(api_req blocklist.add '{"prefix":"10.99.0.1/24"}')"
api_expect_error -32602 "$(api_req blocklist.add '{"prefix":"10.99.0.0/33"}')"
api_expect_error -32602 "$(api_req blocklist.add '{"prefix":"not-an-address"}')"
api_expect_error -32602 "$(api_req blocklist.add '{"prefix":"10.1.0.0/16","ttl":0}')"
api_expect_error -32602 "$(api_req blocklist.add '{"prefix":"10.1.0.0/16","ttl":"1h"}')"
api_expect_error -32602 "$(api_req blocklist.add '{"prefix":"10.1.0.0/16","ttl":-5}')"
api_expect_error -32602 "$(api_req blocklist.add "{\"prefix\":\"10.1.0.0/16\",\"comment\":\"$(printf 'c%.0s' {1..64})\"}")"
api_expect_error -32602 "$(api_req blocklist.add '{"prefix":"10.1.0.0/16","why":"x"}')"
api_expect_error -32602 "$(api_req blocklist.add '{}')"
api_expect_error -32602 "$(api_req blocklist.add '["10.1.0.0/16"]')"
api_expect_error -32602 "$(api_req blocklist.delete '{"prefix":5}')"
api_check '.entries == []' "$(api_call blocklist.list)" "refused adds left no entry"
lab_expect_ping_pass 4

lab_step "50,000 entries: list, stats, flush and a mass expiry never hold up a ping"
# Regression: each of them walked the whole LPM trie in one loop turn (list
# ~0.5 s at 50,000 entries), and the reaper re-walked it at every expiry.
"$PYTHON" "$LAB_DIR/api_clients.py" "$(api_sock)" bigblocklist 50000 ||
	lab_fail "api_clients.py bigblocklist"
lab_expect_ping_pass 4

lab_step "costly requests (IPv6 /17s: 32,768 index buckets each) do not hold up a ping"
# Regression: a connection ran up to 64 requests a turn whatever they cost,
# and a flush of a few entries in one go: 32 /17 adds held a ping ~5 s.
"$PYTHON" "$LAB_DIR/api_clients.py" "$(api_sock)" costly || lab_fail "api_clients.py costly"

lab_step "after kill -9 the stale socket is replaced and the entries are still there"
api_call blocklist.add '{"prefix":"10.99.0.2/32","comment":"k9"}' >/dev/null
lab_stop KILL
[ -S "$(api_sock)" ] || lab_fail "expected a stale socket file after kill -9"
lab_expect_ping_drop 4
lab_start
api_check '.entries[0].comment == "k9"' "$(api_call blocklist.list)" "list after kill -9"
lab_expect_ping_drop 4

lab_step "an interface leaving the policy after an adopting start: the blocklist still writes its own maps"
# Regression: the blocklist kept fd numbers of the daemon's map table, which
# reopens its fds at every reload; a start that adopts opens the links
# before the maps, so a link closed by the reload shifted every map's fd by
# one: adds went to other maps ("the blocklist is full", -32603).
lab_s ip link add xtb0 type veth peer name xtb1
lab_s ip link set xtb0 up
lab_s ip link set xtb1 up
two_ifaces() { sed "s/^  - name: $LAB_IF_S\$/  - name: $LAB_IF_S\n  - name: xtb0/" "$1"; }
cp "$LAB_POLICY" "$LAB_WORK/one.yaml"
two_ifaces "$LAB_WORK/one.yaml" >"$LAB_POLICY"
grep -q xtb0 "$LAB_POLICY" || lab_fail "the two-interface policy was not written"
before=$(lab_ready_count)
kill -HUP "$LAB_DAEMON_PID"
lab_wait_until 10 lab_ready_since "$before" || lab_fail "no READY=1 after SIGHUP"
lab_stop TERM
lab_start
grep -q "adopted the running datapath" "$LAB_LOG" || lab_fail "the restart did not adopt"
cp "$LAB_WORK/one.yaml" "$LAB_POLICY"
before=$(lab_ready_count)
kill -HUP "$LAB_DAEMON_PID"
lab_wait_until 10 lab_ready_since "$before" || lab_fail "no READY=1 after SIGHUP"
api_call blocklist.flush >/dev/null
api_check '.prefix == "10.99.0.0/24"' "$(api_call blocklist.add '{"prefix":"10.99.0.0/24"}')" \
	"blocklist.add v4 after the interface left"
api_check '.prefix == "fd00:99::/64"' "$(api_call blocklist.add '{"prefix":"fd00:99::/64"}')" \
	"blocklist.add v6 after the interface left"
api_check '(.entries | length) == 2' "$(api_call blocklist.list)" "list after the interface left"
lab_expect_ping_drop 4
lab_expect_ping_drop 6

echo "PASS"
