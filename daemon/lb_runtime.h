/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The load balancers at run time: what the daemon knows about each backend
 * beyond the policy (stable slots, API state overrides, health, resolved
 * MACs), served to compile_lb() as a struct lb_view, and the table updates
 * of the running generation when any of it changes (health checks, MAC
 * resolution, lb.set_state). Changes are logged with BALANCER=, BACKEND=
 * and BACKEND_STATE= fields.
 */
#ifndef XDPD_LB_RUNTIME_H
#define XDPD_LB_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-event.h>

#include "compile_lb.h"
#include "datapath.h"
#include "policy.h"

struct lb_runtime;

int lb_runtime_new(struct datapath *dp, struct lb_runtime **out);
void lb_runtime_free(struct lb_runtime *rt);

/* For dp_generation_build(): slots, overrides, health and MACs. */
const struct lb_view *lb_runtime_view(struct lb_runtime *rt);

/* The datapath now runs p (fresh load, adoption or reload): commit the
 * slots to their pinned maps, drop overrides p made stale, (re)start health
 * checks, and bring the running tables up to date. */
void lb_runtime_applied(struct lb_runtime *rt, const struct policy *p);

/* From now on, run health checks and MAC resolution in e. */
int lb_runtime_start(struct lb_runtime *rt, sd_event *e);

struct lb_backend_status {
	struct lb_backend_view view;
	bool has_check;
	int slot; /* -ENOENT: none yet */
};

void lb_runtime_status(struct lb_runtime *rt, const struct policy_lb *lb,
		       const struct policy_backend *b, struct lb_backend_status *out);

/* lb.set_state: record the override (pinned) and update the tables.
 * 0, or -errno with a message in err. */
int lb_runtime_set_state(struct lb_runtime *rt, const struct policy_lb *lb,
			 const struct policy_backend *b, enum backend_state state, char *err,
			 size_t errlen);

#endif /* XDPD_LB_RUNTIME_H */
