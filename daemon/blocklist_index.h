/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's own index of the blocklist maps' keys, so that nothing has to
 * walk a kernel LPM trie (two syscalls per entry, ~0.4 s at 100,000 entries)
 * while the event loop waits: a hash set of (map, key) with each entry's
 * expiry, in a dense array that can be copied at once (a snapshot to list
 * from), and a min-heap of expiries so that reaping costs what expires, not
 * what is there. The daemon is the only writer of the maps (one xdpd per
 * bpffs directory), so the index is exact once built from one walk at start.
 */
#ifndef XDPD_BLOCKLIST_INDEX_H
#define XDPD_BLOCKLIST_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "../bpf/xdpd_abi.h"

/* Big enough for both key layouts (struct xdpd_lpm4 is a prefix of it): the
 * kernel reads key_size bytes of whichever map it is given. */
struct bl_key {
	xu32 prefixlen;
	xu8 addr[16];
};

struct bl_item {
	struct bl_key key;
	uint32_t map;	     /* 0: blocklist4, 1: blocklist6 */
	uint64_t expires_ns; /* 0: never */
};

struct bl_heap_item {
	uint64_t expires_ns;
	struct bl_key key;
	uint32_t map;
};

struct bl_index {
	struct bl_item *v; /* dense, unordered */
	size_t n, cap;
	uint32_t *slot; /* open addressing: 0 empty, else index in v + 1 */
	size_t nslots;	/* power of two, at least 2 * cap */
	/* expiries; an item is stale when the entry is gone or its expiry moved */
	struct bl_heap_item *heap;
	size_t nheap, heapcap;
};

void bl_index_init(struct bl_index *x);
void bl_index_free(struct bl_index *x);
void bl_index_clear(struct bl_index *x);
/* Insert, or set the expiry of, (map, key). 0 or -ENOMEM (index unchanged). */
int bl_index_put(struct bl_index *x, uint32_t map, const struct bl_key *k, uint64_t expires_ns);
/* Remove (map, key); 0, or -ENOENT when absent. */
int bl_index_del(struct bl_index *x, uint32_t map, const struct bl_key *k);
/* The item for (map, key), NULL when absent. */
const struct bl_item *bl_index_find(const struct bl_index *x, uint32_t map, const struct bl_key *k);
/* The earliest heap expiry (maybe stale), 0 when none. */
uint64_t bl_index_next_expiry(const struct bl_index *x);
/* Pop heap items expired at now into *out, skipping stale ones: 1 (an item
 * that is still in the index with that expiry), 0 (nothing due). */
int bl_index_pop_expired(struct bl_index *x, uint64_t now, struct bl_heap_item *out);

#endif /* XDPD_BLOCKLIST_INDEX_H */
