// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bl4_none and bl6_none (bpf/blocklist_abi.h): one bit per /24 and per
 * bl6_home line, set when the entry is known to be empty, so that a source
 * no prefix is near is decided from a few MiB that stay cached instead of a
 * random read of the big tables. A set bit must never hide a prefix: the
 * writer clears a bit before the entry takes a prefix and sets it only
 * after the entry emptied; a new map (all clear) only costs speed.
 */
#include <errno.h>
#include <stdlib.h>

#include "blocklist_fast_internal.h"

static void store_word(uint64_t *p, uint64_t v)
{
	if (*p != v)
		__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

void blf_none_mark(uint64_t *bits, uint32_t i, bool empty)
{
	uint64_t w = bits[i / 64], m = 1ULL << (i % 64);

	store_word(&bits[i / 64], empty ? w | m : w & ~m);
}

/* Bits [b0, b0 + n) of used, a word at a time where it can. */
static void set_range(uint64_t *used, uint32_t b0, uint32_t n)
{
	uint32_t b = b0, end = b0 + n;

	for (; b < end && b % 64; b++)
		used[b / 64] |= 1ULL << (b % 64);
	for (; b + 64 <= end; b += 64)
		used[b / 64] = ~0ULL;
	for (; b < end; b++)
		used[b / 64] |= 1ULL << (b % 64);
}

/* bl4_none from the adopted IPv4 prefixes: a /24 none of them covers or
 * holds is empty, whatever a writer that died mid-way left in bl4_top. */
static int none4_adopt(struct blf *f)
{
	const size_t words = (1u << BLF_T4_BITS) / 64;
	uint64_t *used = calloc(words, sizeof(*used));

	if (!used)
		return -ENOMEM;
	for (uint32_t s = 0; s < BLF_SLOTS; s++) {
		const struct blf_slotkey *k = &f->st.slotkey[s];

		if (k->family != 4 || k->len > 32)
			continue;
		set_range(used, blf_be32(k->addr) >> 8,
			  k->len <= BLF_T4_BITS ? 1u << (BLF_T4_BITS - k->len) : 1);
	}
	for (size_t i = 0; i < words; i++)
		store_word(&f->st.none4[i], ~used[i]);
	free(used);
	return 0;
}

/* bl6_none from the lines home6_adopt has just rebuilt. */
static void none6_adopt(struct blf *f)
{
	for (uint32_t w = 0; w < (1u << BLF_H6_BITS) / 64; w++) {
		uint64_t v = 0;

		for (uint32_t i = 0; i < 64; i++)
			if (!f->st.home6[w * 64 + i].flags)
				v |= 1ULL << i;
		store_word(&f->st.none6[w], v);
	}
}

int blf_none_adopt(struct blf *f)
{
	none6_adopt(f);
	return none4_adopt(f);
}
