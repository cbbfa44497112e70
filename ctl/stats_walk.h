/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Walks a "stats" result, shared by the table (cmd_stats.c) and the
 * Prometheus exposition (cmd_prom.c) so both read the same layout:
 *   interfaces[] {name, actions {ACTION: {packets, bytes}}}
 *     (actions may also be an array of {action, packets, bytes})
 *   rules[] {name, action?, packets, bytes}
 *   balancers[] {name, backends[] {address, packets, bytes}}
 *     (or a flat backends[] {balancer, address, packets, bytes})
 *   blocklist {packets}            (optional)
 *   sampling {events, lost}
 */
#ifndef XDPCTL_STATS_WALK_H
#define XDPCTL_STATS_WALK_H

#include <json-c/json.h>
#include <stdint.h>

struct stat_sample {
	const char *l1, *l2; /* labels: interface/action, rule/action, balancer/backend */
	uint64_t packets, bytes;
};

typedef void (*stat_cb)(void *ctx, const struct stat_sample *s);

void stats_walk_interfaces(struct json_object *res, stat_cb cb, void *ctx);
void stats_walk_rules(struct json_object *res, stat_cb cb, void *ctx);
void stats_walk_backends(struct json_object *res, stat_cb cb, void *ctx);

#endif /* XDPCTL_STATS_WALK_H */
