#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# on_stop: detach -- SIGTERM detaches the program and removes the pins.
. "$(dirname "$0")/lib.sh"
lab_init_net detach

lab_policy_drop 8080 "on_stop: detach"

lab_step "start xdpd"
lab_start
lab_expect_drop_8080

lab_step "SIGTERM with on_stop: detach"
lab_stop TERM
[ "$LAB_DAEMON_RC" = 0 ] || lab_fail "SIGTERM: expected exit 0, got $LAB_DAEMON_RC"
lab_expect_detached
lab_expect_no_filter

echo "PASS"
