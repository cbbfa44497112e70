#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `xdpd --check`: every policy under tests/policies/bad/ exits 1 and reports
# each problem its "# expect: LINE:COLUMN: text" header lines announce, as
# FILE:LINE:COLUMN; every example under config/ exits 0. Needs no root.
. "$(dirname "$0")/lib.sh"
lab_init check
[ -n "$SRCDIR" ] || lab_fail "usage: $0 XDPD SRCDIR (or set SRCDIR)"

failures=0
nbad=0
ngood=0

note_failure()
{
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

check_bad()
{
	local f=$1 out rc=0 line loc text n=0
	out=$("$XDPD" --check -c "$f" 2>&1) || rc=$?
	[ "$rc" = 1 ] || note_failure "$f: expected exit 1, got $rc; output: $out"
	while IFS= read -r line; do
		line=${line#\# expect: }
		loc=${line%%: *}
		text=${line#*: }
		n=$((n + 1))
		if ! grep -F "$f:$loc: " <<<"$out" | grep -qiF -- "$text"; then
			note_failure "$f: expected '$f:$loc: ...$text...'; got:"$'\n'"$out"
		fi
	done < <(grep '^# expect: ' "$f")
	[ "$n" -gt 0 ] || note_failure "$f has no '# expect: LINE:COLUMN: text' line"
}

check_good()
{
	local f=$1 out rc=0
	out=$("$XDPD" --check -c "$f" 2>&1) || rc=$?
	[ "$rc" = 0 ] || note_failure "$f: expected exit 0, got $rc; output: $out"
}

shopt -s nullglob
for f in "$SRCDIR"/tests/policies/bad/*.yaml; do
	check_bad "$f"
	nbad=$((nbad + 1))
done
for f in "$SRCDIR"/config/*.yaml; do
	check_good "$f"
	ngood=$((ngood + 1))
done

echo "checked $nbad bad policies and $ngood examples, $failures failures"
[ "$nbad" -gt 0 ] || lab_fail "no bad policies under $SRCDIR/tests/policies/bad"
[ "$ngood" -gt 0 ] || lab_fail "no example policies under $SRCDIR/config"
[ "$failures" = 0 ] || lab_fail "$failures failures"

lab_step "a missing file: exit 1, naming it"
rc=0
out=$("$XDPD" --check -c "$LAB_WORK/does-not-exist.yaml" 2>&1) || rc=$?
[ "$rc" = 1 ] || lab_fail "missing file: expected exit 1, got $rc"
grep -qF "does-not-exist.yaml" <<<"$out" || lab_fail "missing file not named: $out"

echo "PASS"
