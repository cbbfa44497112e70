// SPDX-License-Identifier: GPL-2.0-or-later
/* Maglev lookup tables: see maglev.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "maglev.h"

/* FNV-1a 64 with a final avalanche: stable across hosts and versions, which
 * the table must be (nodes of one fleet compare nothing but must agree). */
static uint64_t key_hash(const uint8_t *k, size_t len, uint64_t seed)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;

	for (size_t i = 0; i < len; i++)
		h = (h ^ k[i]) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

struct perm {
	uint32_t offset, skip, next;
	uint64_t credit; /* cumulative weight of the turn-taking */
};

/* Next entry of b's permutation that is still free. */
static uint32_t next_free(struct perm *p, const uint32_t *table, uint32_t m)
{
	for (;;) {
		uint32_t c = (uint32_t)((p->offset + (uint64_t)p->skip * p->next) % m);

		p->next++;
		if (table[c] == MAGLEV_EMPTY)
			return c;
	}
}

/* Fill the free entries of table with the backends take[i] says may take
 * part, each in proportion to its weight. */
static void populate(const struct maglev_backend *b, const size_t *order, size_t n,
		     const bool *take, struct perm *pm, uint32_t m, uint32_t *table,
		     uint32_t free_entries)
{
	uint64_t max_w = 0;

	for (size_t i = 0; i < n; i++) {
		pm[i].next = 0;
		pm[i].credit = 0;
		if (take[i] && b[i].weight > max_w)
			max_w = b[i].weight;
	}
	if (!max_w)
		return;
	while (free_entries) {
		for (size_t k = 0; k < n && free_entries; k++) {
			size_t i = order[k];

			if (!take[i])
				continue;
			pm[i].credit += b[i].weight;
			if (pm[i].credit < max_w)
				continue;
			pm[i].credit -= max_w;
			table[next_free(&pm[i], table, m)] = (uint32_t)i;
			free_entries--;
		}
	}
}

static int by_key(const void *x, const void *y, void *base)
{
	const struct maglev_backend *a = (const struct maglev_backend *)base + *(const size_t *)x;
	const struct maglev_backend *b = (const struct maglev_backend *)base + *(const size_t *)y;
	size_t len = a->key_len < b->key_len ? a->key_len : b->key_len;
	int c = memcmp(a->key, b->key, len);

	if (c)
		return c;
	return a->key_len < b->key_len ? -1 : a->key_len > b->key_len;
}

/* Backends take turns in the order of their keys, not of the caller's
 * array: the table depends on which backends there are, not on how the
 * policy lists them. */
static size_t *key_order(const struct maglev_backend *b, size_t n)
{
	size_t *order = malloc(n * sizeof(*order));

	if (!order)
		return NULL;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), by_key, (void *)b);
	return order;
}

int maglev_build(const struct maglev_backend *b, size_t n, uint32_t m, uint32_t *table)
{
	struct perm *pm;
	size_t *order;
	bool *take;
	uint32_t holes = 0;

	if (m < 2 || n >= m)
		return -EINVAL;
	for (uint32_t j = 0; j < m; j++)
		table[j] = MAGLEV_EMPTY;
	if (!n)
		return 0;
	pm = calloc(n, sizeof(*pm));
	take = calloc(n, sizeof(*take));
	order = key_order(b, n);
	if (!pm || !take || !order) {
		free(pm);
		free(take);
		free(order);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		pm[i].offset =
		    (uint32_t)(key_hash(b[i].key, b[i].key_len, 0x9e3779b97f4a7c15ULL) % m);
		pm[i].skip =
		    (uint32_t)(key_hash(b[i].key, b[i].key_len, 0x2545f4914f6cdd1dULL) % (m - 1)) +
		    1;
		take[i] = true;
	}
	/* pass 1: everyone, as if all were usable */
	populate(b, order, n, take, pm, m, table, m);
	/* pass 2: the entries of unusable backends go to the usable ones */
	for (uint32_t j = 0; j < m; j++) {
		if (table[j] != MAGLEV_EMPTY && !b[table[j]].usable) {
			table[j] = MAGLEV_EMPTY;
			holes++;
		}
	}
	for (size_t i = 0; i < n; i++)
		take[i] = b[i].usable;
	if (holes)
		populate(b, order, n, take, pm, m, table, holes);
	free(pm);
	free(take);
	free(order);
	return 0;
}

static bool is_prime(uint32_t n)
{
	if (n < 2)
		return false;
	for (uint32_t d = 2; (uint64_t)d * d <= n; d++)
		if (n % d == 0)
			return false;
	return true;
}

uint32_t maglev_prime_at_least(uint32_t n)
{
	while (!is_prime(n))
		n++;
	return n;
}
