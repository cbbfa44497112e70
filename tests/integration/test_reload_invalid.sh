#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGHUP to an invalid policy keeps the old one running unchanged and logs
# the problem as FILE:LINE:COLUMN.
. "$(dirname "$0")/lib.sh"
lab_init_net hupbad

lab_policy_drop 8080

lab_step "start xdpd"
lab_start
lab_expect_drop_8080
prog0=$(lab_prog_id)

lab_step "SIGHUP with an unknown key at line 3, column 1"
lab_write_policy <<YAML
version: 1
default_action: pass
frobnicate: yes
interfaces:
  - name: $LAB_IF_S
rules:
  - name: drop-8081
    action: drop
    protocol: tcp
    dst_port: 8081
YAML
want="$LAB_POLICY:3:1:"
kill -HUP "$LAB_DAEMON_PID"
lab_wait_until 10 grep -qF "$want" "$LAB_LOG" ||
	lab_fail "no diagnostic '$want' in the log 10 s after SIGHUP"
grep -F "$want" "$LAB_LOG"
# systemctl status shows it (sd_notify STATUS=)
lab_wait_until 5 grep -q "STATUS=.*the last reload failed" "$LAB_WORK/notify.log" ||
	lab_fail "no STATUS= about the failed reload: $(cat "$LAB_WORK/notify.log")"

lab_step "old policy still runs"
lab_daemon_alive || lab_fail "xdpd died on an invalid policy"
[ "$(lab_prog_id)" = "$prog0" ] ||
	lab_fail "program changed by an invalid policy: $prog0 -> $(lab_prog_id)"
lab_expect_drop_8080

lab_step "SIGHUP with a bad port value at line 8, column 15"
lab_write_policy <<YAML
version: 1
interfaces:
  - name: $LAB_IF_S
rules:
  - name: drop-8081
    action: drop
    protocol: tcp
    dst_port: 99999
YAML
want="$LAB_POLICY:8:15:"
kill -HUP "$LAB_DAEMON_PID"
lab_wait_until 10 grep -qF "$want" "$LAB_LOG" ||
	lab_fail "no diagnostic '$want' in the log 10 s after SIGHUP"
grep -F "$want" "$LAB_LOG"
lab_daemon_alive || lab_fail "xdpd died on an invalid policy"
[ "$(lab_prog_id)" = "$prog0" ] ||
	lab_fail "program changed by an invalid policy: $prog0 -> $(lab_prog_id)"
lab_expect_drop_8080

lab_step "SIGHUP with the policy file gone, then a directory in its place: kept, and said so"
mv "$LAB_POLICY" "$LAB_POLICY.away"
for what in gone directory; do
	[ "$what" = directory ] && mkdir "$LAB_POLICY"
	n0=$(grep -c "the running policy (generation [0-9]*) is kept" "$LAB_LOG" || true)
	kill -HUP "$LAB_DAEMON_PID"
	kept_said() { [ "$(grep -c "the running policy (generation [0-9]*) is kept" "$LAB_LOG")" -gt "$n0" ]; }
	lab_wait_until 10 kept_said || lab_fail "policy $what: no 'is kept' in the log after SIGHUP"
	lab_daemon_alive || lab_fail "xdpd died when the policy was $what"
	[ "$(lab_prog_id)" = "$prog0" ] || lab_fail "program changed when the policy was $what"
done
rmdir "$LAB_POLICY"
mv "$LAB_POLICY.away" "$LAB_POLICY"
lab_expect_drop_8080

lab_step "a valid policy again is applied"
lab_policy_drop 8081
kill -HUP "$LAB_DAEMON_PID"
prog_changed() { [ "$(lab_prog_id)" != "$prog0" ]; }
lab_wait_until 10 prog_changed || lab_fail "program id still $prog0 10 s after SIGHUP"
lab_expect_drop_8081

echo "PASS"
