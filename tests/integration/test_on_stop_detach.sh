#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# on_stop: detach -- SIGTERM detaches the program and removes the pins.
. "$(dirname "$0")/lib.sh"
lab_init_net detach

lab_write_policy <<YAML
version: 1
interfaces:
  - name: $LAB_IF_S
on_stop: detach
rules:
  - name: drop-8080
    action: drop
    protocol: tcp
    dst_port: 8080
YAML

lab_step "start xdpd"
lab_start
lab_expect_drop_8080

lab_step "SIGTERM with on_stop: detach"
lab_stop TERM
[ "$LAB_DAEMON_RC" = 0 ] || lab_fail "SIGTERM: expected exit 0, got $LAB_DAEMON_RC"
lab_expect_detached
lab_expect_no_filter

echo "PASS"
