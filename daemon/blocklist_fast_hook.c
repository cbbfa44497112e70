// SPDX-License-Identifier: GPL-2.0-or-later
/* The record maps -> lookup index glue (see blocklist_fast_hook.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "blocklist_fast_hook.h"

/* map 0 is blocklist4, 1 blocklist6 (blocklist_index.h). */
static struct prefix key_prefix(uint32_t map, const struct bl_key *k)
{
	struct prefix p = {.family = map ? AF_INET6 : AF_INET, .len = (uint8_t)k->prefixlen};

	memcpy(p.addr, k->addr, map ? 16 : 4);
	return p;
}

int blf_hook_put(struct blf *f, uint32_t map, const struct bl_key *k, uint64_t expires_ns)
{
	struct prefix p;

	if (!f)
		return 0;
	p = key_prefix(map, k);
	return blf_add(f, &p, expires_ns);
}

void blf_hook_del(struct blf *f, uint32_t map, const struct bl_key *k)
{
	struct prefix p;

	if (!f)
		return;
	p = key_prefix(map, k);
	blf_del(f, &p);
}

uint64_t blf_hook_packets(const struct blf *f, uint32_t map, const struct bl_key *k,
			  uint64_t record_packets)
{
	struct blf_rec rec;
	struct prefix p;

	if (!f)
		return record_packets;
	p = key_prefix(map, k);
	return blf_get(f, &p, &rec) == 0 ? rec.packets : record_packets;
}

/* Collects the index's prefixes that the records no longer have. */
struct stale {
	const struct bl_index *idx;
	struct prefix *v;
	size_t n, cap;
};

static int find_stale(const struct prefix *p, void *ctx)
{
	struct stale *s = ctx;
	struct bl_key k = {.prefixlen = p->len};

	memcpy(k.addr, p->addr, p->family == AF_INET ? 4 : 16);
	if (bl_index_find(s->idx, p->family == AF_INET ? 0 : 1, &k))
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct prefix *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *p;
	return 0;
}

int blf_hook_reconcile(struct blf *f, const struct bl_index *idx)
{
	struct stale s = {.idx = idx};
	int r, first = 0;

	if (!f)
		return 0;
	r = blf_foreach(f, find_stale, &s);
	for (size_t i = 0; i < s.n; i++)
		blf_del(f, &s.v[i]);
	free(s.v);
	if (r < 0)
		return r;
	for (size_t i = 0; i < idx->n; i++) {
		r = blf_hook_put(f, idx->v[i].map, &idx->v[i].key, idx->v[i].expires_ns);
		if (r < 0 && !first)
			first = r;
	}
	return first;
}
