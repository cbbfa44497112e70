// SPDX-License-Identifier: GPL-2.0-or-later
/* The reference longest-prefix match of the blocklist tests (prefix_ref.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../bpf/blocklist_abi.h"
#include "prefix_ref.h"

static bool covers(const struct prefix *p, int family, const uint8_t *a)
{
	if (p->family != family)
		return false;
	for (int i = 0; i < p->len; i++) {
		uint8_t bit = (uint8_t)(0x80 >> (i & 7));

		if ((p->addr[i / 8] & bit) != (a[i / 8] & bit))
			return false;
	}
	return true;
}

int prefix_ref_match(const struct prefix *list, size_t n, int family, const uint8_t *a)
{
	int best = -1;

	for (size_t i = 0; i < n; i++)
		if (covers(&list[i], family, a) && (best < 0 || list[i].len > list[best].len))
			best = (int)i;
	return best;
}

int prefix_ref_colliding_48(char *out, size_t n, int nth)
{
	uint8_t a[4] = {0x20, 0x01, 0x0d, 0xb8};
	uint32_t k0, k;

	memcpy(&k0, a, 4);
	for (uint32_t i = 1; i < 1u << 24; i++) {
		a[1] = (uint8_t)(i >> 16);
		a[2] = (uint8_t)(i >> 8);
		a[3] = (uint8_t)i;
		memcpy(&k, a, 4);
		if (k != k0 && blf_home6_idx(k) == blf_home6_idx(k0) && nth-- == 0) {
			snprintf(out, n, "20%02x:%02x%02x:5::/48", a[1], a[2], a[3]);
			return 0;
		}
	}
	return -ENOENT;
}
