#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Checks the shipped xdpd.service, sysusers.d and tmpfiles.d files:
#  - `systemd-analyze verify` accepts the unit with ExecStart pointing at the
#    binary just built (verify fails when ExecStart does not exist) and the
#    man pages shipped (verify runs `man` on each Documentation= entry), and
#    prints no warning about it (unknown keys, bad values);
#  - the unit keeps the lifecycle the contract promises (Type=notify, reload
#    by SIGHUP, restart on failure) and a sandbox that still lets xdpd pin
#    into /sys/fs/bpf and see the host's interfaces;
#  - sysusers.d creates group xdpd, tmpfiles.d creates /run/xdpd.
# Usage: verify-unit.sh UNIT XDPD_BINARY SYSUSERS TMPFILES MANPAGE...
set -u

# systemd-sysusers and systemd-tmpfiles resolve relative paths under --root.
unit=$1 sysusers=$(realpath "$3") tmpfiles=$(realpath "$4")
xdpd=$(realpath -m "$2") # meson passes it relative to the build directory
shift 4
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

for tool in systemd-analyze systemd-sysusers systemd-tmpfiles; do
	if ! command -v "$tool" >/dev/null; then
		echo "SKIP: $tool not installed (apt-get install systemd)"
		exit 77
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The value of KEY in the unit, all assignments joined by spaces.
value() { sed -n "s/^$1=//p" "$unit" | tr '\n' ' ' | sed 's/ $//'; }
expect() { # KEY VALUE
	local v
	v=$(value "$1")
	if [ "$v" = "$2" ]; then ok "$1=$2"; else fail "$1 is '$v', want '$2'"; fi
}
expect_word() { # KEY WORD: WORD is one of KEY's space-separated values
	if value "$1" | tr ' ' '\n' | grep -qx -- "$2"; then
		ok "$1 has $2"
	else
		fail "$1 ('$(value "$1")') lacks $2"
	fi
}
expect_absent() { # KEY=VALUE must not appear
	if grep -qx -- "$1" "$unit"; then fail "unit sets $1"; else ok "no $1"; fi
}

# 1. systemd-analyze verify against the built daemon and our man pages.
mkdir -p "$tmp/unit"
for page in "$@"; do
	section=${page##*.}
	mkdir -p "$tmp/man/man$section"
	cp "$page" "$tmp/man/man$section/"
done
export MANPATH=$tmp/man
man_opt=--man=yes
if ! command -v man >/dev/null; then
	echo "note: man not installed (apt-get install man-db): Documentation= not checked"
	man_opt=--man=no
fi
sed "s|^ExecStart=[^ ]*|ExecStart=$xdpd|" "$unit" >"$tmp/unit/xdpd.service"
out=$(systemd-analyze verify "$man_opt" "$tmp/unit/xdpd.service" 2>&1)
rc=$?
printf '%s\n' "$out"
if [ $rc -ne 0 ]; then
	fail "systemd-analyze verify exited $rc"
elif printf '%s\n' "$out" | grep -q 'xdpd\.service'; then
	fail "systemd-analyze verify warned about xdpd.service"
else
	ok "systemd-analyze verify"
fi

# 2. Lifecycle of the contract (§3).
expect Type notify
# shellcheck disable=SC2016 # $MAINPID is literal unit text
expect ExecReload '/bin/kill -HUP $MAINPID'
expect Restart on-failure
case $(value ExecStart) in
*/xdpd) ok "ExecStart runs xdpd with the default policy /etc/xdpd.yaml" ;;
*) fail "ExecStart is '$(value ExecStart)': want the daemon with no options" ;;
esac

# 3. Sandbox that still works for an XDP daemon.
for cap in CAP_BPF CAP_NET_ADMIN CAP_SYS_ADMIN CAP_PERFMON CAP_NET_RAW; do
	expect_word CapabilityBoundingSet "$cap"
done
expect_word ReadWritePaths /sys/fs/bpf
expect RuntimeDirectory xdpd
expect ProtectSystem strict
expect NoNewPrivileges yes
expect LimitMEMLOCK infinity
for af in AF_UNIX AF_NETLINK AF_INET AF_INET6; do
	expect_word RestrictAddressFamilies "$af"
done
if value SystemCallFilter | grep -q .; then
	expect_word SystemCallFilter bpf
fi
# PrivateNetwork hides the host's interfaces; ProtectKernelTunables mounts
# /sys/fs/bpf read-only, which ReadWritePaths cannot undo.
expect_absent PrivateNetwork=yes
expect_absent ProtectKernelTunables=yes

# 4. sysusers.d and tmpfiles.d, applied to an empty root.
mkdir -p "$tmp/root/etc"
out=$(systemd-sysusers --root="$tmp/root" "$sysusers" 2>&1)
if grep -q '^xdpd:' "$tmp/root/etc/group" 2>/dev/null; then
	ok "sysusers.d creates group xdpd"
else
	fail "sysusers.d did not create group xdpd: $out"
fi
out=$(systemd-tmpfiles --root="$tmp/root" --create "$tmpfiles" 2>&1)
if [ -d "$tmp/root/run/xdpd" ] && [ -z "$out" ]; then
	ok "tmpfiles.d creates /run/xdpd"
else
	fail "tmpfiles.d did not create /run/xdpd cleanly: $out"
fi

if [ $fails -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all unit checks passed"
