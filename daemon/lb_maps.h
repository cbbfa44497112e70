/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A compiled_lb -> the lb maps of a program instance: sizes and rodata
 * before load, half 0 after load (called from maps_write.c), and at run time
 * the other half followed by one lb_svc update per balancer, so packets see
 * the old backend set or the new one, never a mix.
 */
#ifndef XDPD_LB_MAPS_H
#define XDPD_LB_MAPS_H

#include <stddef.h>

#include "compile_lb.h"

struct xdpd;

int lb_maps_prepare(struct xdpd *skel, const struct compiled_lb *c, char *err, size_t errlen);
int lb_maps_fill(struct xdpd *skel, const struct compiled_lb *c, char *err, size_t errlen);

/* The running generation's policy maps, by fd. */
struct lb_map_fds {
	int svc, bk, maglev, rr;
};

/* c must come from the policy the running generation was built from (same
 * layout; -ESTALE otherwise). */
int lb_maps_switch(const struct lb_map_fds *fds, const struct compiled_lb *c, char *err,
		   size_t errlen);

#endif /* XDPD_LB_MAPS_H */
