/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef XDPD_BENCH_EVICT_H
#define XDPD_BENCH_EVICT_H

/* Writes 64 MiB, one byte per cache line (the buffer is kept for the next
 * call). */
void bench_evict_caches(void);

#endif /* XDPD_BENCH_EVICT_H */
