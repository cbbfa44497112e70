#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The result shape of each control method (contract §5) against the real
# daemon, raw JSON over socat: ping, status, rules.list (policy order, match,
# counters that move), stats, reload (dry run, diff, generation, invalid
# policy -> -32002 with diagnostics, nothing changed).
. "$(dirname "$0")/api_lib.sh"
lab_init_net apimeth
api_policy
lab_start

lab_step "ping"
api_check '.version | test("^[0-9]+\\.[0-9]+")' "$(api_call ping)" "ping"

lab_step "status"
st=$(api_call status)
api_check ".pid == $LAB_DAEMON_PID" "$st" "status.pid is the daemon's"
api_check '(.version | type) == "string" and (.uptime | type) == "number"' "$st" "status"
api_check ".policy.path == \"$LAB_POLICY\" and (.policy.sha256 | test(\"^[0-9a-f]{64}$\"))
	and .policy.generation >= 1 and (.policy.loaded_at | test(\"^[0-9]{4}-.*Z$\"))" "$st" \
	"status.policy"
[ "$(jq -r .policy.sha256 <<<"$st")" = "$(sha256sum "$LAB_POLICY" | cut -d' ' -f1)" ] ||
	lab_fail "status.policy.sha256 is not the file's"
prog=$(lab_prog_id)
api_check ".interfaces == [{\"name\":\"$LAB_IF_S\",\"ifindex\":$(lab_ip_link_json | jq ".[0].ifindex"),
	\"mode\":.interfaces[0].mode,\"prog_id\":$prog,\"attached\":true}]
	and (.interfaces[0].mode | IN(\"native\",\"generic\"))" "$st" "status.interfaces"
api_check '.counts == {"rules":2,"balancers":0,"blocklist":0}' "$st" "status.counts"

lab_step "rules.list: policy order, match objects, counters that move"
lab_expect_tcp_drop 4 8080
r=$(api_call rules.list)
api_check '[.rules[].name] == ["drop-8080","drop-udp-9"]' "$r" "rule order"
api_check '.rules[0] | .action == "drop" and .match == {"protocol":"tcp","dst_port":[8080]}
	and .packets >= 1 and .bytes >= 60' "$r" "rule drop-8080"
api_check '.rules[1].match == {"protocol":"udp","src":["10.99.0.0/24","fd00:99::/64"],
	"dst_port":[9,"1000-2000"]} and .rules[1].packets == 0' "$r" "rule drop-udp-9"
[ "$(jq '.rules[0].packets' <<<"$r")" = "$(lab_rule_packets drop-8080)" ] ||
	lab_fail "rules.list packets differ from the pinned counter"

lab_step "stats"
s=$(api_call stats)
api_check ".interfaces[0].name == \"$LAB_IF_S\" and
	(.interfaces[0].actions | keys == [\"aborted\",\"drop\",\"pass\",\"redirect\",\"tx\"])
	and .interfaces[0].actions.drop.packets >= 1 and .interfaces[0].actions.pass.packets >= 1" \
	"$s" "stats.interfaces"
api_check '.actions.drop.packets == .interfaces[0].actions.drop.packets' "$s" "stats.actions"
api_check '[.rules[].name] == ["drop-8080","drop-udp-9"] and .rules[0].packets >= 1' "$s" \
	"stats.rules"
api_check '.backends == [] and .sampling.events == 0 and .sampling.lost == 0 and
	.blocklist == {"entries":0,"packets":0,"bytes":0}' "$s" "stats: backends, sampling, blocklist"
[ "$(jq '.interfaces[0].actions.drop.packets' <<<"$s")" = "$(lab_iface_packets drop)" ] ||
	lab_fail "stats drop packets differ from the pinned counter"

lab_step "reload with an unchanged file: nothing changes"
gen=$(jq .policy.generation <<<"$st")
api_check ".changed == false and .diff == [] and .generation == $gen" "$(api_call reload)" \
	"reload of the same policy"

lab_step "reload --dry-run reports the diff and changes nothing"
lab_write_policy <<YAML
version: 1
interfaces:
  - name: $LAB_IF_S
default_action: pass
rules:
  - name: drop-udp-9
    action: drop
    protocol: udp
    src: ["fd00:99::/64", 10.99.0.0/24]
    dst_port: ["1000-2000", 9]
  - name: drop-8081
    action: drop
    protocol: tcp
    dst_port: 8081
YAML
d=$(api_call reload '{"dry_run":true}')
want='[{"kind":"rule","name":"drop-8080","change":"removed"},{"kind":"rule","name":"drop-8081","change":"added"}]'
api_check ".changed == true and .generation == $gen and .diff == $want" "$d" "dry run"
lab_expect_tcp_drop 4 8080
lab_expect_tcp_pass 4 8081
api_check ".policy.generation == $gen" "$(api_call status)" "generation after a dry run"

lab_step "reload applies it"
d=$(api_call reload)
api_check ".changed == true and .generation > $gen and .diff == $want" "$d" "reload"
lab_expect_tcp_pass 4 8080
lab_expect_tcp_drop 4 8081
api_check '[.rules[].name] == ["drop-udp-9","drop-8081"]' "$(api_call rules.list)" \
	"rules after reload"

lab_step "an invalid policy: -32002 with diagnostics, the running policy is kept"
gen=$(jq .generation <<<"$d")
printf 'version: 1\ninterfaces:\n  - name: %s\nrules:\n  - name: x\n    action: explode\n' \
	"$LAB_IF_S" | lab_write_policy
for params in '' '{"dry_run":true}'; do
	out=$(api_raw "$(api_req reload "$params")")
	api_check '.error.code == -32002 and (.error.data.diagnostics | length) >= 1 and
		(.error.data.diagnostics[0] | test("xdpd.yaml:[0-9]+:[0-9]+: "))' "$out" \
		"reload of an invalid policy ($params)"
done
api_check ".policy.generation == $gen" "$(api_call status)" "generation after invalid reload"
lab_expect_tcp_drop 4 8081
api_expect_alive "invalid reloads"

lab_step "an interface that does not exist: the dry run refuses it as the reload does"
# Regression: the dry run approved what the reload then refused.
printf 'version: 1\ninterfaces:\n  - name: %s\n  - name: nosuch0\n' "$LAB_IF_S" | lab_write_policy
dry=$(api_raw "$(api_req reload '{"dry_run":true}')")
real=$(api_raw "$(api_req reload)")
api_check '.error.code == -32002 and
	any(.error.data.diagnostics[]; endswith("interface '"'nosuch0'"': no such interface"))' \
	"$real" "reload naming a missing interface"
[ "$(jq -c .error <<<"$dry")" = "$(jq -c .error <<<"$real")" ] ||
	lab_fail "the dry run answers $dry, the reload $real"
api_check ".policy.generation == $gen" "$(api_call status)" "generation after the refusals"
lab_expect_tcp_drop 4 8081

echo "PASS"
