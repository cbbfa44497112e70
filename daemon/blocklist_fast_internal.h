/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the blocklist index writer's files (blocklist_fast.c: the
 * shadow, bl4_top, bl6_top, the hash maps; blocklist_fast_home6.c:
 * bl6_home). Not an API: blocklist_fast.h is.
 */
#ifndef XDPD_BLOCKLIST_FAST_INTERNAL_H
#define XDPD_BLOCKLIST_FAST_INTERNAL_H

#include <stdbool.h>

#include "blocklist_fast.h"
#include "blocklist_kv.h"

struct blf {
	struct blf_store st;
	struct blkv kv; /* prefixes -> slot, and the counts above */
	uint32_t *free; /* stack of free slots */
	size_t nfree;
	size_t n;
	uint32_t fold_next; /* blf_fold's cursor over top4 */
	uint32_t *ovf;	    /* per bl6_home line: /32 buckets of its index only in bl6_mid */
};

/* The /32 buckets adopted prefixes imply, collected to be counted once each
 * (sorting a list of u32 is much cheaper than a hash set of them). */
struct mids {
	uint32_t *v;
	size_t n, cap;
};

/* 1 + slot s1's record; NULL for none (0, or out of range). */
struct blf_rec *blf_rec_of(const struct blf *f, uint32_t s1);
/* Moves one in-entry hit counter into the record of 1 + slot s1. */
void blf_fold_one(struct blf *f, uint32_t *pk, uint32_t s1);
uint32_t blf_be32(const uint8_t *a);
bool blf_mid_empty(const struct blf_mid6 *m);
/* The bl6_mid bucket of key into m: false (m zeroed) when there is none. */
bool blf_mid_load(struct blf *f, const uint8_t key[4], struct blf_mid6 *m);
int blf_cmp_u32(const void *a, const void *b);

/* bl6_home (blocklist_fast_home6.c). After the bl6_mid bucket of key
 * became m (empty: gone); existed: it was in bl6_mid before. */
void home6_sync(struct blf *f, const uint8_t key[4], const struct blf_mid6 *m, bool existed);
/* The lines naming prefix p, after its expiry changed. */
void home6_reexpire(struct blf *f, const struct prefix *p);
/* The hits of IPv6 prefix p (1 + slot s1) still counted in lines. */
uint64_t inline_hits6(const struct blf *f, const struct prefix *p, uint32_t s1);
/* Line h's counters into the records. */
void home6_fold(struct blf *f, uint32_t h);
/* Lines right after adoption; m: the sorted /32s of the adopted prefixes. */
int home6_adopt(struct blf *f, const struct mids *m);
/* The /32 bucket of addr as the datapath finds it (blf_match's model). */
bool bucket6(const struct blf *f, const uint8_t *addr, struct blf_mid6 *m);

/* bl4_none / bl6_none (blocklist_fast_none.c). Bit i of bits: 1 when
 * entry i is empty; clear it before the entry takes a prefix, set it after
 * the entry emptied. */
void blf_none_mark(uint64_t *bits, uint32_t i, bool empty);
static inline bool blf_none_has(const uint64_t *bits, uint32_t i)
{
	return bits[i / 64] >> (i % 64) & 1;
}
/* Both bitmaps right after adoption, from the slot table and bl6_home. */
int blf_none_adopt(struct blf *f);

#endif /* XDPD_BLOCKLIST_FAST_INTERNAL_H */
