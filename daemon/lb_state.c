// SPDX-License-Identifier: GPL-2.0-or-later
/* Backend state overrides in the pinned lb_state map: see lb_state.h. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>

#include "lb_slots.h"
#include "lb_state.h"

uint32_t lb_backend_fingerprint(const struct policy_backend *b)
{
	uint8_t buf[16];
	uint32_t h = 2166136261u;

	memset(buf, 0, sizeof(buf));
	buf[0] = (uint8_t)b->state;
	memcpy(buf + 1, &b->weight, 4);
	buf[5] = b->has_mac;
	memcpy(buf + 6, b->mac, 6);
	for (size_t i = 0; i < sizeof(buf); i++)
		h = (h ^ buf[i]) * 16777619u;
	return h;
}

int lb_override_get(int fd, const char *lb, const struct policy_backend *b,
		    enum backend_state *state)
{
	struct xdpd_lb_override o;
	struct xdpd_lb_bk_key k;

	if (fd < 0)
		return -ENOENT;
	lb_bk_key(lb, &b->addr, &k);
	if (bpf_map_lookup_elem(fd, &k, &o) || o.policy_fp != lb_backend_fingerprint(b) ||
	    o.state > BACKEND_DISABLED)
		return -ENOENT;
	*state = (enum backend_state)o.state;
	return 0;
}

int lb_override_set(int fd, const char *lb, const struct policy_backend *b,
		    enum backend_state state)
{
	struct xdpd_lb_override o = {.state = state, .policy_fp = lb_backend_fingerprint(b)};
	struct xdpd_lb_bk_key k;
	struct timespec ts;

	if (fd < 0)
		return -ENOENT;
	lb_bk_key(lb, &b->addr, &k);
	if (state == b->state) {
		if (bpf_map_delete_elem(fd, &k) && errno != ENOENT)
			return -errno;
		return 0;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	o.set_realtime_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	return bpf_map_update_elem(fd, &k, &o, BPF_ANY) ? -errno : 0;
}

static bool still_valid(const struct policy *p, const struct xdpd_lb_bk_key *k,
			const struct xdpd_lb_override *o)
{
	struct xdpd_lb_bk_key pk;

	for (size_t i = 0; i < p->n_lbs; i++)
		for (size_t j = 0; j < p->lbs[i].n_backends; j++) {
			const struct policy_backend *b = &p->lbs[i].backends[j];

			lb_bk_key(p->lbs[i].name, &b->addr, &pk);
			if (!memcmp(&pk, k, sizeof(pk)))
				return o->policy_fp == lb_backend_fingerprint(b);
		}
	return false;
}

void lb_override_gc(int fd, const struct policy *p)
{
	struct xdpd_lb_bk_key key, next;
	struct xdpd_lb_override o;
	bool more;

	if (fd < 0)
		return;
	more = bpf_map_get_next_key(fd, NULL, &next) == 0;
	while (more) {
		key = next;
		more = bpf_map_get_next_key(fd, &key, &next) == 0;
		if (bpf_map_lookup_elem(fd, &key, &o) == 0 && !still_valid(p, &key, &o))
			bpf_map_delete_elem(fd, &key);
	}
}
