// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The blocklist index's store in plain memory: the arrays calloc'd, the hash
 * maps modelled with blkv, each with an optional capacity (so tests can make
 * a map fill up). Tests and benchmarks run the real index code on it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "blocklist_fast.h"
#include "blocklist_kv.h"

struct blf_mem {
	struct blkv h[BLF_NHMAPS];
	struct blf_mid6 *mids; /* bl6_mid values; the kv holds their index */
	size_t nmids, capmids;
	size_t limit[BLF_NHMAPS]; /* 0: none */
};

static struct blkv_key mem_key(enum blf_hmap m, const void *key)
{
	struct blkv_key k = {.kind = (uint8_t)m};

	switch (m) {
	case BLF_H_LONG4:
		k.len = (uint8_t)((const struct blf_long4_key *)key)->len;
		memcpy(k.addr, ((const struct blf_long4_key *)key)->addr, 4);
		break;
	case BLF_H_LONG6:
		k.len = (uint8_t)((const struct blf_long6_key *)key)->len;
		memcpy(k.addr, ((const struct blf_long6_key *)key)->addr, 16);
		break;
	default:
		memcpy(k.addr, key, 4);
	}
	return k;
}

static int mem_get(void *ctx, enum blf_hmap m, const void *key, void *val)
{
	struct blf_mem *mm = ctx;
	struct blkv_key k = mem_key(m, key);
	uint64_t *v = blkv_get(&mm->h[m], &k);

	if (!v)
		return -ENOENT;
	if (m == BLF_H_MID6)
		memcpy(val, &mm->mids[*v], sizeof(struct blf_mid6));
	else
		*(uint32_t *)val = (uint32_t)*v;
	return 0;
}

static int mem_put(void *ctx, enum blf_hmap m, const void *key, const void *val)
{
	struct blf_mem *mm = ctx;
	struct blkv_key k = mem_key(m, key);
	uint64_t *v = blkv_get(&mm->h[m], &k);

	if (!v && mm->limit[m] && mm->h[m].n >= mm->limit[m])
		return -E2BIG; /* what a full BPF hash map answers */
	if (m != BLF_H_MID6)
		return blkv_put(&mm->h[m], &k, *(const uint32_t *)val);
	if (v) {
		memcpy(&mm->mids[*v], val, sizeof(struct blf_mid6));
		return 0;
	}
	if (mm->nmids == mm->capmids) {
		size_t cap = mm->capmids ? mm->capmids * 2 : 256;
		struct blf_mid6 *n = realloc(mm->mids, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		mm->mids = n;
		mm->capmids = cap;
	}
	memcpy(&mm->mids[mm->nmids], val, sizeof(struct blf_mid6));
	return blkv_put(&mm->h[m], &k, mm->nmids++);
}

static int mem_del(void *ctx, enum blf_hmap m, const void *key)
{
	struct blf_mem *mm = ctx;
	struct blkv_key k = mem_key(m, key);

	return blkv_del(&mm->h[m], &k);
}

static const struct blf_hash_ops mem_ops = {.get = mem_get, .put = mem_put, .del = mem_del};

int blf_mem_store(struct blf_store *st)
{
	struct blf_mem *mm = calloc(1, sizeof(*mm));

	memset(st, 0, sizeof(*st));
	st->top4 = calloc(1u << BLF_T4_BITS, sizeof(uint32_t));
	st->top6 = calloc(1u << BLF_T6_BITS, sizeof(uint32_t));
	st->rec = calloc(BLF_SLOTS, sizeof(*st->rec));
	st->slotkey = calloc(BLF_SLOTS, sizeof(*st->slotkey));
	st->count = calloc(2, sizeof(uint32_t));
	st->ops = &mem_ops;
	st->ctx = mm;
	if (!mm || !st->top4 || !st->top6 || !st->rec || !st->slotkey || !st->count) {
		blf_mem_store_free(st);
		return -ENOMEM;
	}
	for (int i = 0; i < BLF_NHMAPS; i++)
		blkv_init(&mm->h[i]);
	return 0;
}

void blf_mem_store_limit(struct blf_store *st, enum blf_hmap m, size_t max)
{
	((struct blf_mem *)st->ctx)->limit[m] = max;
}

size_t blf_mem_store_size(const struct blf_store *st, enum blf_hmap m)
{
	return ((const struct blf_mem *)st->ctx)->h[m].n;
}

void blf_mem_store_free(struct blf_store *st)
{
	struct blf_mem *mm = st->ctx;

	if (mm) {
		for (int i = 0; i < BLF_NHMAPS; i++)
			blkv_free(&mm->h[i]);
		free(mm->mids);
		free(mm);
	}
	free(st->top4);
	free(st->top6);
	free(st->rec);
	free(st->slotkey);
	free(st->count);
	memset(st, 0, sizeof(*st));
}
