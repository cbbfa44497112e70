/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Stable slots of balancers and backends: a balancer keeps its slot (its
 * round-robin counter) and a backend its slot (its counters, its connection
 * table entries) for as long as its name / (balancer, address) stays in the
 * policy, across reloads and restarts. Mirrored in the pinned "lb_slots" and
 * "backend_slots" maps.
 */
#ifndef XDPD_LB_SLOTS_H
#define XDPD_LB_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bpf/xdpd_abi.h"
#include "policy.h"

struct lb_slots;

int lb_slots_new(struct lb_slots **out);
void lb_slots_free(struct lb_slots *s);

/* Read the pinned maps (fd < 0: none yet). */
void lb_slots_load(struct lb_slots *s, int lb_fd, int bk_fd);

void lb_bk_key(const char *lb, const struct ip_addr *addr, struct xdpd_lb_bk_key *k);

/* The slot of a name / key, allocated on first use (-ENOSPC when full).
 * *fresh tells a newly allocated slot, whose counters the caller resets. */
int lb_slots_lb(struct lb_slots *s, const char *name, bool *fresh);
int lb_slots_backend(struct lb_slots *s, const struct xdpd_lb_bk_key *k, bool *fresh);
/* Lookup only: -ENOENT when the slot was never given. */
int lb_slots_find_backend(const struct lb_slots *s, const struct xdpd_lb_bk_key *k);

/* Forget what p does not name, then make the pinned maps equal to s. */
int lb_slots_commit(struct lb_slots *s, const struct policy *p, int lb_fd, int bk_fd);

#endif /* XDPD_LB_SLOTS_H */
