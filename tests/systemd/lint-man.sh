#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The man pages render with groff's man macros without a single warning
# (-ww: all warning categories), and each has the sections a reader looks for.
# Usage: lint-man.sh PAGE...
set -u

if ! command -v groff >/dev/null; then
	echo "SKIP: groff not installed (apt-get install groff-base)"
	exit 77
fi

fails=0
for page in "$@"; do
	name=$(basename "$page")
	before=$fails
	warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
	if [ -n "$warnings" ]; then
		echo "FAIL: $name: groff warnings:"
		printf '%s\n' "$warnings"
		fails=$((fails + 1))
	fi
	for section in NAME SYNOPSIS DESCRIPTION "SEE ALSO"; do
		if ! grep -qx "\.SH \"\{0,1\}$section\"\{0,1\}" "$page"; then
			echo "FAIL: $name: no $section section"
			fails=$((fails + 1))
		fi
	done
	[ "$fails" -eq "$before" ] && echo "ok: $name"
done
exit $((fails != 0))
