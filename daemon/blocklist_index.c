// SPDX-License-Identifier: GPL-2.0-or-later
/* The blocklist's key index and expiry heap (see blocklist_index.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "blocklist_index.h"

void bl_index_init(struct bl_index *x)
{
	memset(x, 0, sizeof(*x));
}

void bl_index_free(struct bl_index *x)
{
	free(x->v);
	free(x->slot);
	free(x->heap);
	bl_index_init(x);
}

void bl_index_clear(struct bl_index *x)
{
	x->n = 0;
	x->nheap = 0;
	if (x->slot)
		memset(x->slot, 0, x->nslots * sizeof(*x->slot));
}

/* FNV-1a over the bytes that make the key. */
static size_t hash(uint32_t map, const struct bl_key *k)
{
	uint64_t h = 1469598103934665603ULL ^ map;
	const uint8_t *p = (const uint8_t *)k;

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return (size_t)(h ^ (h >> 29));
}

static bool same(const struct bl_item *it, uint32_t map, const struct bl_key *k)
{
	return it->map == map && !memcmp(&it->key, k, sizeof(*k));
}

/* The slot holding (map, key), or the empty slot where it would go. */
static size_t probe(const struct bl_index *x, uint32_t map, const struct bl_key *k)
{
	size_t mask = x->nslots - 1, s = hash(map, k) & mask;

	while (x->slot[s] && !same(&x->v[x->slot[s] - 1], map, k))
		s = (s + 1) & mask;
	return s;
}

static int grow(struct bl_index *x)
{
	size_t cap = x->cap ? x->cap * 2 : 256, nslots = cap * 2;
	struct bl_item *v = realloc(x->v, cap * sizeof(*v));
	uint32_t *slot;

	if (!v)
		return -ENOMEM;
	x->v = v;
	slot = calloc(nslots, sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	free(x->slot);
	x->slot = slot;
	x->nslots = nslots;
	x->cap = cap;
	for (size_t i = 0; i < x->n; i++)
		x->slot[probe(x, x->v[i].map, &x->v[i].key)] = (uint32_t)i + 1;
	return 0;
}

const struct bl_item *bl_index_find(const struct bl_index *x, uint32_t map, const struct bl_key *k)
{
	size_t s;

	if (!x->n)
		return NULL;
	s = probe(x, map, k);
	return x->slot[s] ? &x->v[x->slot[s] - 1] : NULL;
}

/* ---- expiry heap ---- */

static bool heap_before(const struct bl_heap_item *a, const struct bl_heap_item *b)
{
	return a->expires_ns < b->expires_ns;
}

static void heap_swap(struct bl_index *x, size_t a, size_t b)
{
	struct bl_heap_item t = x->heap[a];

	x->heap[a] = x->heap[b];
	x->heap[b] = t;
}

static int heap_push(struct bl_index *x, uint32_t map, const struct bl_key *k, uint64_t exp)
{
	size_t i;

	if (x->nheap == x->heapcap) {
		size_t cap = x->heapcap ? x->heapcap * 2 : 256;
		struct bl_heap_item *h = realloc(x->heap, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		x->heap = h;
		x->heapcap = cap;
	}
	i = x->nheap++;
	x->heap[i] = (struct bl_heap_item){.expires_ns = exp, .key = *k, .map = map};
	while (i && heap_before(&x->heap[i], &x->heap[(i - 1) / 2])) {
		heap_swap(x, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	return 0;
}

static void heap_pop(struct bl_index *x)
{
	size_t i = 0;

	x->heap[0] = x->heap[--x->nheap];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < x->nheap && heap_before(&x->heap[l], &x->heap[m]))
			m = l;
		if (r < x->nheap && heap_before(&x->heap[r], &x->heap[m]))
			m = r;
		if (m == i)
			return;
		heap_swap(x, i, m);
		i = m;
	}
}

/* Stale items (deleted entries, moved expiries) pile up under churn: when
 * they outnumber the entries, rebuild the heap from the index. */
static void heap_compact(struct bl_index *x)
{
	if (x->nheap < 2 * x->n + 1024)
		return;
	x->nheap = 0;
	for (size_t i = 0; i < x->n; i++) /* never allocates: the heap only shrinks */
		if (x->v[i].expires_ns)
			heap_push(x, x->v[i].map, &x->v[i].key, x->v[i].expires_ns);
}

uint64_t bl_index_next_expiry(const struct bl_index *x)
{
	return x->nheap ? x->heap[0].expires_ns : 0;
}

int bl_index_pop_expired(struct bl_index *x, uint64_t now, struct bl_heap_item *out)
{
	while (x->nheap && x->heap[0].expires_ns <= now) {
		const struct bl_item *it = bl_index_find(x, x->heap[0].map, &x->heap[0].key);
		bool live = it && it->expires_ns == x->heap[0].expires_ns;

		*out = x->heap[0];
		heap_pop(x);
		if (live)
			return 1;
	}
	return 0;
}

/* ---- insert and remove ---- */

int bl_index_put(struct bl_index *x, uint32_t map, const struct bl_key *k, uint64_t expires_ns)
{
	struct bl_item *it = (struct bl_item *)bl_index_find(x, map, k);
	int r;

	if (expires_ns && heap_push(x, map, k, expires_ns) < 0)
		return -ENOMEM;
	if (it) {
		it->expires_ns = expires_ns;
		heap_compact(x);
		return 0;
	}
	if (x->n == x->cap && (r = grow(x)) < 0)
		return r;
	x->v[x->n] = (struct bl_item){.key = *k, .map = map, .expires_ns = expires_ns};
	x->slot[probe(x, map, k)] = (uint32_t)++x->n;
	return 0;
}

/* Backward-shift deletion keeps every probe chain unbroken (no tombstones). */
static void slot_remove(struct bl_index *x, size_t s)
{
	size_t mask = x->nslots - 1, j = s;

	x->slot[s] = 0;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!x->slot[j])
			return;
		home = hash(x->v[x->slot[j] - 1].map, &x->v[x->slot[j] - 1].key) & mask;
		/* may the item at j live at s? only if home is not in (s, j] */
		if ((j > s && (home <= s || home > j)) || (j < s && home <= s && home > j)) {
			x->slot[s] = x->slot[j];
			x->slot[j] = 0;
			s = j;
		}
	}
}

int bl_index_del(struct bl_index *x, uint32_t map, const struct bl_key *k)
{
	size_t s, i, last;

	if (!x->n)
		return -ENOENT;
	s = probe(x, map, k);
	if (!x->slot[s])
		return -ENOENT;
	i = x->slot[s] - 1;
	slot_remove(x, s);
	last = --x->n;
	if (i != last) { /* the last item fills the hole; its slot follows it */
		x->v[i] = x->v[last];
		x->slot[probe(x, x->v[i].map, &x->v[i].key)] = (uint32_t)i + 1;
	}
	heap_compact(x);
	return 0;
}
