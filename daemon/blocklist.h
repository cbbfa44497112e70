/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dynamic blocklist: prefixes added at run time (API blocklist.*) into the
 * pinned LPM maps "blocklist4" / "blocklist6" (value struct xdpd_block_entry).
 * The maps outlive the daemon, so entries survive reloads and restarts; the
 * daemon rescans them when it opens the blocklist.
 *
 * Expiry: an entry with a ttl carries expires_ns on CLOCK_MONOTONIC, the
 * clock of bpf_ktime_get_coarse_ns(), so the datapath ignores it from that
 * instant on; a one-shot sd-event timer, armed for the earliest expiry,
 * deletes expired entries from the maps, at most a batch per loop turn.
 * Nothing but blocklist_open() walks the maps: the daemon's own index of the
 * keys (blocklist_index.h) answers for them. Functions return 0 or -errno and
 * do not log.
 */
#ifndef XDPD_BLOCKLIST_H
#define XDPD_BLOCKLIST_H

#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "../bpf/xdpd_abi.h"
#include "blocklist_index.h"
#include "netparse.h"

struct blocklist;

struct blocklist_entry {
	struct prefix prefix;
	uint64_t expires_ns; /* CLOCK_MONOTONIC; 0: never */
	uint64_t packets;
	uint64_t added_realtime_ns;
	char comment[XDPD_COMMENT_MAX];
};

/* fd4/fd6: the LPM maps (not owned). Counts the entries, reaps the expired
 * ones and arms the timer on ev. */
int blocklist_open(sd_event *ev, int fd4, int fd6, struct blocklist **out);
void blocklist_free(struct blocklist *b);

/* Insert, or replace expiry and comment of an existing entry for exactly this
 * prefix (its hit count is kept). ttl_sec 0: no expiry. comment may be NULL.
 * -ENOSPC (or -E2BIG) when the map is full. out (optional): the entry. */
int blocklist_add(struct blocklist *b, const struct prefix *p, uint64_t ttl_sec,
		  const char *comment, struct blocklist_entry *out);
/* -ENOENT when exactly this prefix is not in the list. */
int blocklist_delete(struct blocklist *b, const struct prefix *p);
/* Entries not yet expired, v4 then v6. cb returning non-zero stops the walk
 * and is returned. */
typedef int (*blocklist_cb)(const struct blocklist_entry *e, void *ctx);
int blocklist_foreach(struct blocklist *b, blocklist_cb cb, void *ctx);
/* For walks spread over loop turns: a copy of every key now (*items freed by
 * the caller), then each entry as it is when its turn comes: 0, or -ENOENT
 * when it was deleted or expired since. One syscall per entry. */
int blocklist_snapshot(const struct blocklist *b, struct bl_item **items, size_t *n);
int blocklist_get(struct blocklist *b, const struct bl_item *it, uint64_t now,
		  struct blocklist_entry *e);
/* Delete the entry of a snapshot item: 0, or -ENOENT when already gone. */
int blocklist_delete_item(struct blocklist *b, const struct bl_item *it);
int blocklist_flush(struct blocklist *b, size_t *flushed);
/* Delete the expired entries now (the timer does it on its own). */
int blocklist_reap(struct blocklist *b, size_t *reaped);
/* Entries in the maps (expired ones disappear at the next reap). */
size_t blocklist_count(const struct blocklist *b);

uint64_t blocklist_now_ns(void); /* CLOCK_MONOTONIC */

/* Hands b the datapath's lookup index (blocklist_fast.h; freed with b) and
 * makes it hold exactly b's entries. From then on every change reaches it,
 * and hit counts come from it. 0, or the first error of the repair. */
struct blf;
int blocklist_set_fast(struct blocklist *b, struct blf *f);

#endif /* XDPD_BLOCKLIST_H */
