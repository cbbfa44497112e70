/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Slot -> name, for what the datapath reports by slot (samples, traces):
 * rules (the running policy's rules and their stable slots), balancers and
 * backends (the pinned lb_slots / backend_slots maps), interfaces (by
 * ifindex). Refreshed after every reload; a name the new policy dropped
 * stays known, so late events of the old generation still read well.
 */
#ifndef XDPD_SLOT_NAMES_H
#define XDPD_SLOT_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "../bpf/xdpd_abi.h"
#include "datapath.h"
#include "policy.h"

struct slot_names {
	char (*rules)[XDPD_NAME_MAX];	 /* XDPD_MAX_RULES entries, "" unknown */
	char (*lbs)[XDPD_NAME_MAX];	 /* XDPD_MAX_LBS */
	struct xdpd_lb_bk_key *backends; /* XDPD_MAX_BACKENDS, family 0 unknown */
	struct {
		uint32_t ifindex;
		char name[XDPD_IFNAME_MAX];
	} ifaces[XDPD_MAX_IFACES];
	size_t n_ifaces;
};

int slot_names_init(struct slot_names *n);
void slot_names_free(struct slot_names *n);
void slot_names_refresh(struct slot_names *n, const struct policy *p, const struct datapath *dp);

const char *slot_names_rule(const struct slot_names *n, uint32_t slot);
const char *slot_names_lb(const struct slot_names *n, uint32_t slot);
/* The backend's address as text into buf. */
const char *slot_names_backend(const struct slot_names *n, uint32_t slot, char *buf, size_t len);
/* From the table, else the kernel's name, else NULL. */
const char *slot_names_ifname(struct slot_names *n, uint32_t ifindex);

#endif /* XDPD_SLOT_NAMES_H */
