#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGTERM: xdpd exits 0 and the datapath keeps running, attached and pinned
# (fail static); `xdpd --teardown` then detaches it and removes the pins.
. "$(dirname "$0")/lib.sh"
lab_init_net term

lab_policy_drop 8080 "on_stop: keep"

lab_step "start xdpd"
lab_start
lab_expect_drop_8080
prog0=$(lab_prog_id)

lab_step "SIGTERM"
lab_stop TERM
[ "$LAB_DAEMON_RC" = 0 ] || lab_fail "SIGTERM: expected exit 0, got $LAB_DAEMON_RC"

lab_step "daemon gone: still attached, pinned and judging"
lab_expect_attached
[ "$(lab_prog_id)" = "$prog0" ] || lab_fail "program changed on SIGTERM: $prog0 -> $(lab_prog_id)"
lab_expect_drop_8080

lab_step "xdpd --teardown"
rc=0
lab_s "$XDPD" --teardown --bpffs "$LAB_BPFFS" >>"$LAB_LOG" 2>&1 || rc=$?
[ "$rc" = 0 ] || lab_fail "xdpd --teardown exited $rc"
lab_expect_detached
lab_expect_no_filter

lab_step "a second teardown has nothing to do and succeeds"
rc=0
lab_s "$XDPD" --teardown --bpffs "$LAB_BPFFS" >>"$LAB_LOG" 2>&1 || rc=$?
[ "$rc" = 0 ] || lab_fail "second xdpd --teardown exited $rc"

echo "PASS"
