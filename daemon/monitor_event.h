/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One sampled packet (struct xdpd_sample_event from the ring buffer) -> the
 * params of a "monitor.event" notification:
 *
 *   {"timestamp_ns": realtime ns, "interface": "eth0", "ifindex": 2,
 *    "src": "192.168.1.1", "dst": "192.168.1.2", "src_port": 53,
 *    "dst_port": 46313, "protocol": "udp", "len": 74,
 *    "action": "drop", "reason": "rule", "rule": "drop-8080",
 *    "balancer": "web", "backend": "10.0.0.3", "data": "<hex of the first bytes>"}
 *
 * Ports are 0 for packets without TCP/UDP ports (as the seed prints them);
 * src, dst, ports and protocol are absent for a frame the datapath could not
 * parse (reason "unparsed"). Names come from the caller (lookups into the
 * running policy), so this file stays pure and unit-tested.
 */
#ifndef XDPD_MONITOR_EVENT_H
#define XDPD_MONITOR_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include "../bpf/xdpd_abi.h"

struct event_names {
	/* Each returns NULL when it does not know the id. */
	const char *(*ifname)(void *ctx, uint32_t ifindex);
	const char *(*rule)(void *ctx, uint32_t slot);
	const char *(*balancer)(void *ctx, uint32_t slot);
	const char *(*backend)(void *ctx, uint32_t slot, char *buf, size_t len);
	void *ctx;
	int64_t mono_to_realtime_ns; /* added to the event's CLOCK_MONOTONIC time */
};

/* "drop", "pass", "tx", "redirect", "aborted" (contract §5), else "unknown". */
const char *xdp_action_name(uint32_t action);
/* "unparsed", "blocklist", "rule", "balancer", "default", "interface",
 * "fragment". */
const char *verdict_reason_name(uint32_t reason);

/* NULL when the record is too short to be an event. The daemon writes the
 * same params by hand (monitor_line.h); this json-c rendering is the
 * reference the hand-written line is tested against. */
json_object *monitor_event_json(const void *rec, size_t size, const struct event_names *n);

#endif /* XDPD_MONITOR_EVENT_H */
