// SPDX-License-Identifier: GPL-2.0-or-later
/* The reference longest-prefix match of the blocklist tests (prefix_ref.h). */
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
