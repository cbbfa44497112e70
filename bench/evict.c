/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Flushing the CPU caches before a "cold" pass of a benchmark: writing a
 * buffer several times the last-level cache pushes out whatever the
 * programs' maps had there (and their page-table entries from the TLB).
 */
#include <stdint.h>
#include <stdlib.h>

#include "evict.h"

#define EVICT_BYTES (64u << 20)

void bench_evict_caches(void)
{
	static volatile uint8_t *buf;

	if (!buf)
		buf = malloc(EVICT_BYTES);
	if (!buf)
		return;
	for (size_t i = 0; i < EVICT_BYTES; i += 64)
		buf[i] = (uint8_t)(buf[i] + 1);
}
