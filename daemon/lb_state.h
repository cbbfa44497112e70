/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Backend states set through the API (lb.set_state), kept in the pinned
 * "lb_state" map so they survive restarts and reloads. An override holds
 * while the policy's description of that backend (state, weight, mac) is the
 * one it was set against: editing the backend in the policy hands it back to
 * the policy.
 */
#ifndef XDPD_LB_STATE_H
#define XDPD_LB_STATE_H

#include "policy.h"

uint32_t lb_backend_fingerprint(const struct policy_backend *b);

/* 0 and *state when a valid override exists, else -ENOENT. */
int lb_override_get(int fd, const char *lb, const struct policy_backend *b,
		    enum backend_state *state);
/* Record state for the backend; a state equal to the policy's removes the
 * override instead. 0 or -errno. */
int lb_override_set(int fd, const char *lb, const struct policy_backend *b,
		    enum backend_state state);
/* Drop overrides of backends p no longer has or has changed. */
void lb_override_gc(int fd, const struct policy *p);

#endif /* XDPD_LB_STATE_H */
