#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A control connection that stays silent is closed after the idle timeout
# (60 s), logged, and its slot is free again; the daemon keeps answering.
. "$(dirname "$0")/api_lib.sh"
lab_init_net apiidle
api_policy
lab_start

lab_step "a silent connection is closed after 60 s"
"$PYTHON" "$LAB_DIR/api_clients.py" "$(api_sock)" idle 60 || lab_fail "idle timeout"
grep -q 'idle for 60 s, closing' "$LAB_LOG" || lab_fail "the idle close was not logged"
api_expect_alive "an idle close"

echo "PASS"
