/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Backend health checks, run from the sd-event loop without ever blocking
 * it: tcp (a non-blocking connect to the balancer's port) or icmp (an echo
 * request on a ping socket, or a raw socket when ping sockets are not
 * allowed). Every interval one probe; a probe that has not succeeded within
 * timeout failed. `rise` successes in a row make a backend healthy, `fall`
 * failures in a row unhealthy; backends start healthy so that a restart or
 * a reload never takes traffic away from a working backend.
 */
#ifndef XDPD_HEALTH_H
#define XDPD_HEALTH_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "policy.h"

struct health_check;

/* Called when the backend's health changes; detail says why. */
typedef void (*health_change_fn)(void *ctx, bool healthy, const char *detail);

/* Starts checking b of lb every lb->health.interval_ms. */
int health_check_start(sd_event *e, const struct policy_lb *lb, const struct policy_backend *b,
		       bool healthy, health_change_fn fn, void *ctx, struct health_check **out);
void health_check_stop(struct health_check *h);

#endif /* XDPD_HEALTH_H */
