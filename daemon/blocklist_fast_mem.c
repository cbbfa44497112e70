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
	struct blkv h[BLF_NHMAPS]; /* key -> index of the value in vals */
	uint8_t *vals[BLF_NHMAPS];
	size_t nvals[BLF_NHMAPS], capvals[BLF_NHMAPS];
	size_t limit[BLF_NHMAPS]; /* 0: none */
};

static const size_t val_size[BLF_NHMAPS] = {sizeof(uint32_t), sizeof(uint32_t),
					    sizeof(struct blf_mid6)};

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
	memcpy(val, mm->vals[m] + *v * val_size[m], val_size[m]);
	return 0;
}

/* Values are appended and never reused: a model for tests, not a cache. */
static int mem_put(void *ctx, enum blf_hmap m, const void *key, const void *val)
{
	struct blf_mem *mm = ctx;
	struct blkv_key k = mem_key(m, key);
	uint64_t *v = blkv_get(&mm->h[m], &k);

	if (v) {
		memcpy(mm->vals[m] + *v * val_size[m], val, val_size[m]);
		return 0;
	}
	if (mm->limit[m] && mm->h[m].n >= mm->limit[m])
		return -E2BIG; /* what a full BPF hash map answers */
	if (mm->nvals[m] == mm->capvals[m]) {
		size_t cap = mm->capvals[m] ? mm->capvals[m] * 2 : 256;
		uint8_t *n = realloc(mm->vals[m], cap * val_size[m]);

		if (!n)
			return -ENOMEM;
		mm->vals[m] = n;
		mm->capvals[m] = cap;
	}
	memcpy(mm->vals[m] + mm->nvals[m] * val_size[m], val, val_size[m]);
	return blkv_put(&mm->h[m], &k, mm->nvals[m]++);
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
	st->top4 = calloc(1u << BLF_T4_BITS, sizeof(struct blf_top4));
	st->top6 = calloc(1u << BLF_T6_BITS, sizeof(uint32_t));
	st->home6 = calloc(1u << BLF_H6_BITS, sizeof(struct blf_home6));
	st->rec = calloc(BLF_SLOTS, sizeof(*st->rec));
	st->slotkey = calloc(BLF_SLOTS, sizeof(*st->slotkey));
	st->count = calloc(2, sizeof(uint32_t));
	st->none4 = calloc((1u << BLF_T4_BITS) / 64, sizeof(uint64_t));
	st->none6 = calloc((1u << BLF_H6_BITS) / 64, sizeof(uint64_t));
	st->gen = calloc(1, sizeof(uint64_t));
	st->ops = &mem_ops;
	st->ctx = mm;
	if (!mm || !st->top4 || !st->top6 || !st->home6 || !st->rec || !st->slotkey || !st->count ||
	    !st->none4 || !st->none6 || !st->gen) {
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
		for (int i = 0; i < BLF_NHMAPS; i++) {
			blkv_free(&mm->h[i]);
			free(mm->vals[i]);
		}
		free(mm);
	}
	free(st->top4);
	free(st->top6);
	free(st->home6);
	free(st->rec);
	free(st->slotkey);
	free(st->count);
	free(st->none4);
	free(st->none6);
	free(st->gen);
	memset(st, 0, sizeof(*st));
}
