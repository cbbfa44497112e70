/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016), the weighted
 * variant (each backend takes turns in proportion to its weight). Pure code.
 *
 * The table is a pure function of the backends (keys, weights) and of which
 * of them are usable: several xdpd nodes with the same policy and the same
 * health agree on it, so ECMP may spread a flow over any of them. It is
 * built in two passes: first over every backend, as if all were usable; then
 * the entries of unusable backends are refilled by the usable ones, each
 * walking on along its own permutation. So a backend that leaves moves only
 * its own entries, and one that comes back restores the first table.
 */
#ifndef XDPD_MAGLEV_H
#define XDPD_MAGLEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAGLEV_EMPTY 0xffffffffu

struct maglev_backend {
	const uint8_t *key; /* identity of the backend (its address bytes) */
	size_t key_len;
	uint32_t weight; /* 0: never placed */
	bool usable;	 /* may take entries in the final table */
};

/* Fills table[0..m-1] with indexes into b (MAGLEV_EMPTY: no usable backend).
 * m must be prime and larger than n. Returns 0, -EINVAL or -ENOMEM. */
int maglev_build(const struct maglev_backend *b, size_t n, uint32_t m, uint32_t *table);

/* Smallest prime >= n (for table sizes). */
uint32_t maglev_prime_at_least(uint32_t n);

#endif /* XDPD_MAGLEV_H */
