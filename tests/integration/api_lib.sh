# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# Helpers of the control API tests (api_*.sh), on top of lib.sh: raw
# JSON-RPC lines over the daemon's socket with socat, as any client would.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

api_sock() { echo "$LAB_WORK/xdpd.sock"; }

# api_raw LINE...: send the lines on one connection, print every answer line.
# As socat, after sending it half-closes and waits for the daemon to finish.
api_raw()
{
	printf '%s\n' "$@" | timeout 10 socat -t5 - "UNIX-CONNECT:$(api_sock)"
}

# api_raw_as SETPRIV_ARGS LINE: the same as another user (setpriv).
api_raw_as()
{
	local who=$1
	shift
	# shellcheck disable=SC2086
	printf '%s\n' "$@" | timeout 10 setpriv $who socat -t5 - "UNIX-CONNECT:$(api_sock)"
}

# api_req METHOD [PARAMS_JSON [ID]]: one request line.
api_req()
{
	local method=$1 params=${2:-} id=${3:-1}
	if [ -n "$params" ]; then
		printf '{"jsonrpc":"2.0","id":%s,"method":"%s","params":%s}' "$id" "$method" "$params"
	else
		printf '{"jsonrpc":"2.0","id":%s,"method":"%s"}' "$id" "$method"
	fi
}

# api_call METHOD [PARAMS_JSON]: the result object; fails the test on an error.
api_call()
{
	local out
	out=$(api_raw "$(api_req "$1" "${2:-}")") || lab_fail "$1: no answer from $(api_sock)"
	jq -e 'has("result")' >/dev/null <<<"$out" || lab_fail "$1 ${2:-}: error answer: $out"
	jq -c '.result' <<<"$out"
}

# api_expect_error CODE LINE: the daemon answers LINE with error CODE.
api_expect_error()
{
	local code=$1 line=$2 out got
	out=$(api_raw "$line") || lab_fail "no answer to: ${line:0:200}"
	got=$(jq -r '.error.code // "none"' <<<"$out" 2>/dev/null) || got="unparsable: $out"
	[ "$got" = "$code" ] || lab_fail "expected error $code for: ${line:0:200}; got: $out"
}

# api_check JQ_EXPR JSON MESSAGE: JSON satisfies the jq expression.
api_check()
{
	jq -e "$1" >/dev/null <<<"$2" || lab_fail "$3: $2"
}

api_expect_alive()
{
	lab_daemon_alive || { lab_wait_daemon; lab_fail "xdpd died (status $LAB_DAEMON_RC)"; }
	api_check '.version' "$(api_call ping)" "ping after $1"
}

# A policy with one interface and a drop rule, the control group as given.
api_policy()
{
	local group=${1:-}
	lab_write_policy <<YAML
version: 1
interfaces:
  - name: $LAB_IF_S
default_action: pass
rules:
  - name: drop-8080
    action: drop
    protocol: tcp
    dst_port: 8080
  - name: drop-udp-9
    action: drop
    protocol: udp
    src: [10.99.0.0/24, "fd00:99::/64"]
    dst_port: ["9", "1000-2000"]
${group:+control:
  group: $group}
YAML
}
