// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The address tables' prefix lengths (config.pfx_len) and, for the tables
 * with few of them, the "cls_pfx" (and "cls_pfx4") hash entries: the datapath then finds the
 * longest match with one hash lookup per length instead of an LPM trie walk.
 * The entries are the LPM lists' own (compile_prefix.c): each already holds
 * the class of everything its prefix implies, so the first hit, longest
 * length first, is the trie's answer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compile_internal.h"

struct pfx_table {
	const void *entries; /* struct cls_lpm4_entry or cls_lpm6_entry */
	size_t n, size;	     /* entries, bytes per entry */
};

static const struct xdpd_lpm6 *entry_key(const struct pfx_table *t, size_t i)
{
	return (const struct xdpd_lpm6 *)((const uint8_t *)t->entries + i * t->size);
}

/* len[0..XDPD_PFX_LENS): the lengths present, longest first; returns false
 * when there are more. */
static bool table_lengths(const struct pfx_table *t, uint8_t *len)
{
	bool seen[129] = {false};
	int k = 0;

	for (size_t i = 0; i < t->n; i++)
		seen[entry_key(t, i)->prefixlen] = true;
	memset(len, XDPD_PFX_NONE, XDPD_PFX_LENS);
	for (int l = 128; l >= 0; l--) {
		if (!seen[l])
			continue;
		if (k == XDPD_PFX_LENS)
			return false;
		len[k++] = (uint8_t)l;
	}
	return true;
}

int compile_pfx_hash(struct compiled_policy *c)
{
	const struct pfx_table tabs[4] = {
	    [XDPD_PFX_SRC4] = {c->src4, c->n_src4, sizeof(*c->src4)},
	    [XDPD_PFX_DST4] = {c->dst4, c->n_dst4, sizeof(*c->dst4)},
	    [XDPD_PFX_SRC6] = {c->src6, c->n_src6, sizeof(*c->src6)},
	    [XDPD_PFX_DST6] = {c->dst6, c->n_dst6, sizeof(*c->dst6)},
	};
	size_t n = 0;

	for (int t = 0; t < 4; t++)
		n += tabs[t].n;
	c->pfx = calloc(n ? n : 1, sizeof(*c->pfx));
	if (!c->pfx)
		return -ENOMEM;
	for (int t = 0; t < 4; t++) {
		size_t addr_len = tabs[t].size == sizeof(struct cls_lpm4_entry) ? 4 : 16;

		if (!table_lengths(&tabs[t], c->config.pfx_len[t])) {
			memset(c->config.pfx_len[t], XDPD_PFX_NONE, XDPD_PFX_LENS);
			c->config.pfx_len[t][0] = XDPD_PFX_TRIE;
			continue;
		}
		for (size_t i = 0; i < tabs[t].n; i++) {
			const struct xdpd_lpm6 *k = entry_key(&tabs[t], i);
			struct cls_pfx_entry *e = &c->pfx[c->n_pfx++];

			e->key.table = (uint8_t)t;
			e->key.len = (uint8_t)k->prefixlen;
			memcpy(e->key.addr, k->addr, addr_len);
			/* the entry's class follows its key in both entry types */
			memcpy(&e->cls, (const uint8_t *)k + tabs[t].size - sizeof(uint32_t),
			       sizeof(e->cls));
		}
	}
	return 0;
}
