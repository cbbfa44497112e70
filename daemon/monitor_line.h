/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One sampled packet -> the whole "monitor.event" notification line, written
 * by hand into a caller's buffer: the per-event path of monitor.c at a
 * million events a second, where building json-c objects would cost more
 * than everything else together.
 *
 * The line is byte for byte what json-c prints for
 *   jsonrpc_notification_new("monitor.event", monitor_event_json(...))
 * through jsonrpc_to_line() (plain, '/' not escaped, '\n' at the end): same
 * keys, same order, same escaping. tests/unit/test_monitor_line.c holds the
 * two side by side.
 */
#ifndef XDPD_MONITOR_LINE_H
#define XDPD_MONITOR_LINE_H

#include <stddef.h>

#include "monitor_event.h"

/* Room for any line: 128 data bytes in hex, the longest names (rule and
 * balancer names of XDPD_NAME_MAX - 1 bytes, every one escaped as \u00XX). */
#define MONITOR_LINE_MAX 2048

/* Length of the line written into buf ('\n'-terminated, no NUL), or 0 when
 * the record is too short to be an event or the line does not fit in cap. */
size_t monitor_event_line(char *buf, size_t cap, const void *rec, size_t size,
			  const struct event_names *n);

#endif /* XDPD_MONITOR_LINE_H */
