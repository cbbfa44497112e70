// SPDX-License-Identifier: GPL-2.0-or-later
/* The shadow's hash table (see blocklist_kv.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "blocklist_kv.h"

void blkv_init(struct blkv *t)
{
	memset(t, 0, sizeof(*t));
}

void blkv_free(struct blkv *t)
{
	free(t->v);
	blkv_init(t);
}

/* FNV-1a, folded: keys are short and mostly differ in the address bytes. */
static size_t hash(const struct blkv_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return (size_t)(h ^ (h >> 31));
}

/* The slot holding k, or the free slot where it would go. */
static size_t probe(const struct blkv *t, const struct blkv_key *k)
{
	size_t mask = t->cap - 1, s = hash(k) & mask;

	while (t->v[s].used && memcmp(&t->v[s].key, k, sizeof(*k)))
		s = (s + 1) & mask;
	return s;
}

static int grow(struct blkv *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024;
	struct blkv_item *old = t->v, *v = calloc(cap, sizeof(*v));
	size_t oldcap = t->cap;

	if (!v)
		return -ENOMEM;
	t->v = v;
	t->cap = cap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].used)
			t->v[probe(t, &old[i].key)] = old[i];
	free(old);
	return 0;
}

uint64_t *blkv_get(const struct blkv *t, const struct blkv_key *k)
{
	size_t s;

	if (!t->n)
		return NULL;
	s = probe(t, k);
	return t->v[s].used ? &t->v[s].val : NULL;
}

int blkv_put(struct blkv *t, const struct blkv_key *k, uint64_t val)
{
	size_t s;
	int r;

	/* keep the load under one half: probe chains stay short */
	if ((t->n + 1) * 2 > t->cap && (r = grow(t)) < 0)
		return r;
	s = probe(t, k);
	if (!t->v[s].used) {
		t->v[s].key = *k;
		t->v[s].used = 1;
		t->n++;
	}
	t->v[s].val = val;
	return 0;
}

/* Backward-shift deletion: no tombstones, probe chains stay unbroken. */
int blkv_del(struct blkv *t, const struct blkv_key *k)
{
	size_t mask, s, j;

	if (!t->n)
		return -ENOENT;
	mask = t->cap - 1;
	s = probe(t, k);
	if (!t->v[s].used)
		return -ENOENT;
	t->v[s].used = 0;
	t->n--;
	for (j = (s + 1) & mask; t->v[j].used; j = (j + 1) & mask) {
		size_t home = hash(&t->v[j].key) & mask;
		/* the item at j may move to s unless its home lies in (s, j] */
		bool stay = s <= j ? (home > s && home <= j) : (home > s || home <= j);

		if (stay)
			continue;
		t->v[s] = t->v[j];
		t->v[j].used = 0;
		s = j;
	}
	return 0;
}

int blkv_add(struct blkv *t, const struct blkv_key *k, int64_t d, uint64_t *now)
{
	uint64_t *v = blkv_get(t, k), nv = (v ? *v : 0) + (uint64_t)d;

	if (now)
		*now = nv;
	if (!nv)
		return v ? blkv_del(t, k) : 0;
	if (v) {
		*v = nv;
		return 0;
	}
	return blkv_put(t, k, nv);
}
