/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef XDPD_BENCH_BLF_PINNED_H
#define XDPD_BENCH_BLF_PINNED_H

#include "blocklist_fast.h"

/* The blocklist lookup index of the xdpd whose pins are under bpffs
 * (<bpffs>/maps), through the daemon's own index code, so that the
 * benchmarks fill it as the daemon would. 0 or -errno. */
int blf_open_pinned(const char *bpffs, struct blf **out);

#endif /* XDPD_BENCH_BLF_PINNED_H */
