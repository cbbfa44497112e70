/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What blocklist.c calls to keep the datapath's lookup index
 * (blocklist_fast.h) equal to its record maps: one call per change, in the
 * record maps' key format. Every function accepts f == NULL (no index: a
 * unit test with bare LPM maps) and then does nothing.
 */
#ifndef XDPD_BLOCKLIST_FAST_HOOK_H
#define XDPD_BLOCKLIST_FAST_HOOK_H

#include <stdint.h>

#include "blocklist_fast.h"
#include "blocklist_index.h"

struct datapath;

/* The index over the maps of the running datapath (pinned or loaded): the
 * store is released by blf_free. */
int blf_open_datapath(const struct datapath *dp, struct blf **out);

/* Makes the index hold exactly the keys of idx, with their expiries: a new
 * daemon repairs what a writer that died half-way (or a tool that wrote the
 * record maps directly) left. 0 or -errno (the first failure; it goes on). */
int blf_hook_reconcile(struct blf *f, const struct bl_index *idx);
/* (map, key) was added, or its expiry changed. -ENOSPC: the index is full. */
int blf_hook_put(struct blf *f, uint32_t map, const struct bl_key *k, uint64_t expires_ns);
/* (map, key) was deleted from the record maps. */
void blf_hook_del(struct blf *f, uint32_t map, const struct bl_key *k);
/* The hits of (map, key): the index counts them, the records do not. */
uint64_t blf_hook_packets(const struct blf *f, uint32_t map, const struct bl_key *k,
			  uint64_t record_packets);

#endif /* XDPD_BLOCKLIST_FAST_HOOK_H */
