/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The blocklist's lookup index (bpf/blocklist_abi.h): the daemon's side. It
 * keeps the index maps equal to the set of prefixes it was given, with a
 * user-space shadow (prefix -> slot, per-bucket length counts) so that
 * adding or deleting a prefix that overlaps others leaves every address
 * with its right longest match, without reading the maps back.
 *
 * The storage is abstract: the arrays are plain memory (the maps mmapped, or
 * malloc'd in tests) and the three hash maps go through blf_hash_ops (BPF
 * syscalls, or a model). blocklist_fast_bpf.c binds it to the pinned maps.
 * Single writer: one daemon per bpffs directory. Functions return 0 or
 * -errno and do not log.
 */
#ifndef XDPD_BLOCKLIST_FAST_H
#define XDPD_BLOCKLIST_FAST_H

#include <stddef.h>
#include <stdint.h>

#include "../bpf/blocklist_abi.h"
#include "netparse.h"

enum blf_hmap { BLF_H_LONG4, BLF_H_LONG6, BLF_H_MID6, BLF_NHMAPS };

/* Keys and values as in blocklist_abi.h: long maps {len, addr} -> u32 slot,
 * bl6_mid 4 address bytes -> struct blf_mid6. */
struct blf_hash_ops {
	int (*get)(void *ctx, enum blf_hmap m, const void *key, void *val); /* -ENOENT */
	int (*put)(void *ctx, enum blf_hmap m, const void *key, const void *val);
	int (*del)(void *ctx, enum blf_hmap m, const void *key);
};

struct blf_store {
	struct blf_top4 *top4;	     /* 1 << BLF_T4_BITS */
	uint32_t *top6;		     /* 1 << BLF_T6_BITS */
	struct blf_home6 *home6;     /* 1 << BLF_H6_BITS */
	uint64_t *none4;	     /* bl4_none: (1 << BLF_T4_BITS) / 64 words */
	uint64_t *none6;	     /* bl6_none: (1 << BLF_H6_BITS) / 64 words */
	struct blf_rec *rec;	     /* BLF_SLOTS */
	struct blf_slotkey *slotkey; /* BLF_SLOTS */
	uint32_t *count;	     /* [0] IPv4, [1] IPv6 */
	uint64_t *gen;		     /* bl_gen: incremented after every change */
	const struct blf_hash_ops *ops;
	void *ctx;
	void (*release)(struct blf_store *st); /* called by blf_free, when set */
};

struct blf;

/* Takes over a store (and, with release set, frees it at the end): the prefixes its slot table
 * names are the index's (a new daemon adopting pinned maps); counts are recomputed from them. */
int blf_new(const struct blf_store *st, struct blf **out);
void blf_free(struct blf *f);

/* Insert p (host bits ignored), or set the expiry of p when present (its
 * hit count is kept). -ENOSPC when no slot or map entry is left; the index
 * is unchanged on failure. */
int blf_add(struct blf *f, const struct prefix *p, uint64_t expires_ns);
/* -ENOENT when exactly p is not in the index. */
int blf_del(struct blf *f, const struct prefix *p);
/* The record of exactly p: 0 or -ENOENT. Its packets are the record's
 * plus the hits still counted in IPv4 /24 entries (blocklist_abi.h). */
int blf_get(const struct blf *f, const struct prefix *p, struct blf_rec *rec);
/* Folds the hit counters of the next n IPv4 /24 entries (round robin) into
 * the records: called often enough that a 32-bit counter never wraps. */
void blf_fold(struct blf *f, uint32_t n);
size_t blf_count(const struct blf *f);
/* Each prefix of the index; cb returning non-zero stops and is returned. */
int blf_foreach(const struct blf *f, int (*cb)(const struct prefix *p, void *ctx), void *ctx);

/* The datapath's lookup, done in C over the same store: 1 + slot of the
 * longest prefix holding addr (family AF_INET or AF_INET6), 0 when none.
 * For tests and benchmarks: the kernel must agree with it. */
uint32_t blf_match(const struct blf *f, int family, const uint8_t *addr);
/* The prefix of a slot: 0 or -ENOENT. */
int blf_slot_prefix(const struct blf *f, uint32_t slot, struct prefix *p);

/* The store in plain memory with model hash maps (tests, benchmarks). */
int blf_mem_store(struct blf_store *st);
void blf_mem_store_free(struct blf_store *st);
/* Makes a model hash map refuse new keys beyond max (0: no limit). */
void blf_mem_store_limit(struct blf_store *st, enum blf_hmap m, size_t max);
/* Entries in a model hash map. */
size_t blf_mem_store_size(const struct blf_store *st, enum blf_hmap m);

#endif /* XDPD_BLOCKLIST_FAST_H */
