/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The human-readable renderers of each command, exposed so unit tests can
 * feed them results shaped like the daemon's (contract section 5).
 */
#ifndef XDPCTL_CMD_H
#define XDPCTL_CMD_H

#include <json-c/json.h>
#include <stdint.h>

#include "xdpctl.h"

typedef void (*result_printer)(const struct ctl *c, struct json_object *res);

/* Calls method and prints its result: c->json as one JSON line, else with
 * print. params is consumed. Returns the exit status. */
int show_result(struct ctl *c, const char *method, struct json_object *params,
		result_printer print);

/* block add --ttl: DURATION (90s, 10m, 1h, 250ms...) to whole seconds,
 * rounded up; 0 or out of range: -EINVAL. */
int block_ttl_seconds(const char *s, uint64_t *secs);

void status_print(const struct ctl *c, struct json_object *res);
void rules_print(const struct ctl *c, struct json_object *res);
void stats_print(const struct ctl *c, struct json_object *res);
/* Prometheus text exposition format 0.0.4. */
void stats_print_prometheus(const struct ctl *c, struct json_object *res);
void lb_print(const struct ctl *c, struct json_object *res);
void lb_backend_print(const struct ctl *c, struct json_object *res);
void block_entry_print(const struct ctl *c, struct json_object *res);
void block_list_print(const struct ctl *c, struct json_object *res);
void reload_print(const struct ctl *c, struct json_object *res);
void trace_print(const struct ctl *c, struct json_object *res);
/* One sampled packet: "Packet: A:P -> B:Q, protocol: UDP, action: ..." */
void monitor_event_print(const struct ctl *c, struct json_object *params);

#endif /* XDPCTL_CMD_H */
