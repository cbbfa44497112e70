/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Backend MACs from the kernel's neighbour table, over rtnetlink
 * (RTM_GETNEIGH): no `ip` process, no guessing. Only entries the kernel
 * itself would send to count (REACHABLE, STALE, DELAY, PROBE, PERMANENT,
 * NOARP); INCOMPLETE and FAILED do not.
 */
#ifndef XDPD_NEIGH_H
#define XDPD_NEIGH_H

#include <stdint.h>

#include "netparse.h"

#include <stdbool.h>

struct neigh_entry {
	uint8_t mac[6];
	int ifindex;
	bool stale; /* NUD_STALE: usable, but nothing confirmed it lately */
};

/* 0 and mac when the kernel knows addr, -ENOENT when not, -errno on a
 * netlink failure. */
int neigh_lookup(const struct ip_addr *addr, uint8_t mac[6]);
/* The same, with the entry's interface and whether it is stale. */
int neigh_lookup_entry(const struct ip_addr *addr, struct neigh_entry *out);
/* Make the kernel confirm a stale entry (see neigh.c): a MAC that changed
 * is learnt without waiting for traffic through the stack. */
void neigh_revalidate(const struct ip_addr *addr, int ifindex);
/* Make the kernel resolve addr: a datagram to its discard port (9) sends
 * an ARP request or neighbour solicitation when no entry exists. */
void neigh_solicit(const struct ip_addr *addr);

#endif /* XDPD_NEIGH_H */
