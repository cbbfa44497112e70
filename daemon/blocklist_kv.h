/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small open-addressing hash table of fixed 20-byte keys to 64-bit values:
 * the user-space shadow behind the blocklist index (blocklist_fast.c), which
 * must answer "is there a prefix of this length at this address" and "how
 * many prefixes of length L sit under this bucket" without a syscall.
 */
#ifndef XDPD_BLOCKLIST_KV_H
#define XDPD_BLOCKLIST_KV_H

#include <stddef.h>
#include <stdint.h>

struct blkv_key {
	uint8_t kind; /* what the entry is (the user's enum) */
	uint8_t len;
	uint8_t pad[2];
	uint8_t addr[16];
};

struct blkv_item {
	struct blkv_key key;
	uint32_t used;
	uint64_t val;
};

struct blkv {
	struct blkv_item *v; /* power-of-two slots, linear probing */
	size_t n, cap;
};

void blkv_init(struct blkv *t);
void blkv_free(struct blkv *t);
/* The value of key, NULL when absent. */
uint64_t *blkv_get(const struct blkv *t, const struct blkv_key *k);
/* Insert or overwrite: 0 or -ENOMEM. */
int blkv_put(struct blkv *t, const struct blkv_key *k, uint64_t val);
/* Remove: 0, or -ENOENT when absent. */
int blkv_del(struct blkv *t, const struct blkv_key *k);
/* Adds d (may be negative) to the value of key, inserting 0 first when
 * absent and removing the entry when it reaches 0; *now (optional) gets the
 * new value. 0 or -ENOMEM. */
int blkv_add(struct blkv *t, const struct blkv_key *k, int64_t d, uint64_t *now);

#endif /* XDPD_BLOCKLIST_KV_H */
