// SPDX-License-Identifier: GPL-2.0-or-later
/* Slot -> name tables (slot_names.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "slot_names.h"

int slot_names_init(struct slot_names *n)
{
	memset(n, 0, sizeof(*n));
	n->rules = calloc(XDPD_MAX_RULES, sizeof(*n->rules));
	n->lbs = calloc(XDPD_MAX_LBS, sizeof(*n->lbs));
	n->backends = calloc(XDPD_MAX_BACKENDS, sizeof(*n->backends));
	if (n->rules && n->lbs && n->backends)
		return 0;
	slot_names_free(n);
	return -ENOMEM;
}

void slot_names_free(struct slot_names *n)
{
	free(n->rules);
	free(n->lbs);
	free(n->backends);
	memset(n, 0, sizeof(*n));
}

/* Every key of a name -> slot hash map, copied to table[slot]. */
static void load_map(int fd, size_t key_size, void *table, size_t cap)
{
	uint8_t key[sizeof(struct xdpd_lb_bk_key)], next[sizeof(key)];
	void *prev = NULL;
	uint32_t slot;

	if (fd < 0 || key_size > sizeof(key))
		return;
	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		if (bpf_map_lookup_elem(fd, next, &slot) == 0 && slot < cap)
			memcpy((uint8_t *)table + (size_t)slot * key_size, next, key_size);
		memcpy(key, next, key_size);
		prev = key;
	}
}

void slot_names_refresh(struct slot_names *n, const struct policy *p, const struct datapath *dp)
{
	/* slots the new generation does not use name nothing */
	memset(n->rules, 0, sizeof(*n->rules) * XDPD_MAX_RULES);
	memset(n->lbs, 0, sizeof(*n->lbs) * XDPD_MAX_LBS);
	memset(n->backends, 0, sizeof(*n->backends) * XDPD_MAX_BACKENDS);
	n->n_ifaces = 0;
	for (size_t i = 0; i < p->n_ifaces && n->n_ifaces < XDPD_MAX_IFACES; i++) {
		unsigned int idx = if_nametoindex(p->ifaces[i].name);

		if (!idx)
			continue;
		n->ifaces[n->n_ifaces].ifindex = idx;
		snprintf(n->ifaces[n->n_ifaces].name, XDPD_IFNAME_MAX, "%s", p->ifaces[i].name);
		n->n_ifaces++;
	}
	for (size_t i = 0; i < p->n_rules; i++) {
		int slot = datapath_rule_slot(dp, p->rules[i].name);

		if (slot >= 0 && slot < XDPD_MAX_RULES)
			snprintf(n->rules[slot], XDPD_NAME_MAX, "%s", p->rules[i].name);
	}
	load_map(datapath_map_fd(dp, "lb_slots"), XDPD_NAME_MAX, n->lbs, XDPD_MAX_LBS);
	load_map(datapath_map_fd(dp, "backend_slots"), sizeof(struct xdpd_lb_bk_key), n->backends,
		 XDPD_MAX_BACKENDS);
}

const char *slot_names_rule(const struct slot_names *n, uint32_t slot)
{
	return slot < XDPD_MAX_RULES && n->rules[slot][0] ? n->rules[slot] : NULL;
}

const char *slot_names_lb(const struct slot_names *n, uint32_t slot)
{
	return slot < XDPD_MAX_LBS && n->lbs[slot][0] ? n->lbs[slot] : NULL;
}

const char *slot_names_backend(const struct slot_names *n, uint32_t slot, char *buf, size_t len)
{
	const struct xdpd_lb_bk_key *k;

	if (slot >= XDPD_MAX_BACKENDS)
		return NULL;
	k = &n->backends[slot];
	if (k->family != 4 && k->family != 6)
		return NULL;
	return inet_ntop(k->family == 6 ? AF_INET6 : AF_INET, k->addr, buf, (socklen_t)len);
}

const char *slot_names_ifname(struct slot_names *n, uint32_t ifindex)
{
	for (size_t i = 0; i < n->n_ifaces; i++)
		if (n->ifaces[i].ifindex == ifindex)
			return n->ifaces[i].name;
	if (n->n_ifaces < XDPD_MAX_IFACES && if_indextoname(ifindex, n->ifaces[n->n_ifaces].name)) {
		n->ifaces[n->n_ifaces].ifindex = ifindex;
		return n->ifaces[n->n_ifaces++].name;
	}
	return NULL;
}
