/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The blocklist index's store bound to the real maps of bpf/blocklist.h,
 * found by name (the daemon's map table, a skeleton, or pins).
 */
#ifndef XDPD_BLOCKLIST_FAST_BPF_H
#define XDPD_BLOCKLIST_FAST_BPF_H

#include "blocklist_fast.h"

/* The fd of the map called name (not handed over: the store dups it), or
 * -errno. */
typedef int (*blf_map_fd_fn)(void *ctx, const char *name);

/* 0, -ENOENT (a map is missing), -EPROTO (a map of another layout), or
 * -errno. */
int blf_bpf_store(blf_map_fd_fn map_fd, void *ctx, struct blf_store *st);
void blf_bpf_store_free(struct blf_store *st);
/* The index over those maps (blf_new on a store that frees itself with the
 * index): 0 or -errno as blf_bpf_store and blf_new. */
int blf_open_bpf(blf_map_fd_fn map_fd, void *ctx, struct blf **out);

#endif /* XDPD_BLOCKLIST_FAST_BPF_H */
