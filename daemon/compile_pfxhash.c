// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The address tables' prefix lengths (config.pfx_len) and, for the tables
 * with few of them, their entries (c->pfx) in the buckets of "cls_pfx4" and
 * "cls_pfx6" (struct xdpd_pfx4_bucket in bpf/xdpd_abi.h): the datapath then
 * finds the longest match with one probe per length instead of an LPM trie
 * walk. The entries are the LPM lists' own (compile_prefix.c): each already
 * holds the class of everything its prefix implies, so the first hit,
 * longest length first, is the trie's answer.
 */
#include <errno.h>
#include <stddef.h>
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

static bool is4(const struct cls_pfx_entry *e)
{
	return e->key.table == XDPD_PFX_SRC4 || e->key.table == XDPD_PFX_DST4;
}

static uint32_t addr_word(const struct cls_pfx_entry *e, int i)
{
	uint32_t w;

	memcpy(&w, e->key.addr + 4 * i, sizeof(w));
	return w;
}

/* One family's bucket layout: how a key hashes and how a bucket takes it. */
struct bucket_kind {
	size_t size;	  /* bytes per bucket */
	size_t spill_off; /* of its spill flag */
	int per;	  /* entries a bucket of this kind holds on average, at most */
	bool (*family)(const struct cls_pfx_entry *e);
	uint32_t (*home)(const struct cls_pfx_entry *e);
	bool (*put)(void *bucket, const struct cls_pfx_entry *e); /* false: full */
};

static uint32_t home4(const struct cls_pfx_entry *e)
{
	return xdpd_pfx_hash(xdpd_pfx4_word(e->key.table, e->key.len, addr_word(e, 0)), 0);
}

static bool put4(void *bucket, const struct cls_pfx_entry *e)
{
	struct xdpd_pfx4_bucket *b = bucket;

	for (int s = 0; s < XDPD_PFX4_SLOTS; s++) {
		if (b->cls1[s])
			continue;
		b->key[s] = xdpd_pfx4_word(e->key.table, e->key.len, addr_word(e, 0));
		b->cls1[s] = e->cls + 1;
		return true;
	}
	return false;
}

static bool is6(const struct cls_pfx_entry *e)
{
	return !is4(e);
}

static void key6(const struct cls_pfx_entry *e, uint64_t *hi, uint64_t *lo, uint32_t *tl)
{
	*hi = xdpd_pfx_half(addr_word(e, 0), addr_word(e, 1));
	*lo = xdpd_pfx_half(addr_word(e, 2), addr_word(e, 3));
	*tl = (uint32_t)e->key.table << 8 | e->key.len;
}

static uint32_t home6(const struct cls_pfx_entry *e)
{
	uint64_t hi, lo;
	uint32_t tl;

	key6(e, &hi, &lo, &tl);
	return xdpd_pfx_hash(hi ^ tl, lo);
}

static bool put6(void *bucket, const struct cls_pfx_entry *e)
{
	struct xdpd_pfx6_bucket *b = bucket;

	for (int s = 0; s < XDPD_PFX6_SLOTS; s++) {
		struct xdpd_pfx6_slot *sl = &b->s[s];

		if (sl->cls1)
			continue;
		key6(e, &sl->hi, &sl->lo, &sl->tl);
		sl->cls1 = e->cls + 1;
		return true;
	}
	return false;
}

static const struct bucket_kind kind4 = {sizeof(struct xdpd_pfx4_bucket),
					 offsetof(struct xdpd_pfx4_bucket, spill),
					 XDPD_PFX4_SLOTS / 2,
					 is4,
					 home4,
					 put4};
static const struct bucket_kind kind6 = {sizeof(struct xdpd_pfx6_bucket),
					 offsetof(struct xdpd_pfx6_bucket, spill),
					 XDPD_PFX6_SLOTS / 2,
					 is6,
					 home6,
					 put6};

static uint32_t *spill_of(const struct bucket_kind *k, uint8_t *bucket)
{
	return (uint32_t *)(bucket + k->spill_off);
}

/* Every entry of the family into its home bucket or the next one; false
 * when some entry finds both full. */
static bool fill_buckets(const struct bucket_kind *k, const struct compiled_policy *c, uint8_t *b,
			 uint32_t mask)
{
	for (size_t i = 0; i < c->n_pfx; i++) {
		const struct cls_pfx_entry *e = &c->pfx[i];
		uint32_t h;

		if (!k->family(e))
			continue;
		h = k->home(e) & mask;
		if (k->put(b + (size_t)h * k->size, e))
			continue;
		if (!k->put(b + (size_t)((h + 1) & mask) * k->size, e))
			return false;
		*spill_of(k, b + (size_t)h * k->size) = 1;
	}
	return true;
}

/* The buckets of one family: a power of two of them, at about half load,
 * doubled until every entry fits its home bucket or the next. Returns 0,
 * -ENOSPC when 64 times the size still does not do (keys whose hashes
 * collide beyond chance: the caller leaves the family to its tries), or
 * -ENOMEM. */
static int build_buckets(const struct bucket_kind *k, const struct compiled_policy *c, void **out,
			 uint32_t *mask)
{
	size_t n = 0;
	uint32_t nb = 1;

	for (size_t i = 0; i < c->n_pfx; i++)
		n += k->family(&c->pfx[i]);
	while ((size_t)nb * k->per < n)
		nb *= 2;
	for (int grow = 0; grow < 7; grow++, nb *= 2) {
		uint8_t *b = calloc(nb, k->size);

		if (!b)
			return -ENOMEM;
		if (fill_buckets(k, c, b, nb - 1)) {
			*out = b;
			*mask = nb - 1;
			return 0;
		}
		free(b);
	}
	return -ENOSPC;
}

/* The family's tables go back to their tries, and its buckets hold nothing. */
static int family_to_tries(struct compiled_policy *c, int t0, const struct bucket_kind *k,
			   void **out, uint32_t *mask)
{
	for (int t = t0; t < t0 + 2; t++) {
		memset(c->config.pfx_len[t], XDPD_PFX_NONE, XDPD_PFX_LENS);
		c->config.pfx_len[t][0] = XDPD_PFX_TRIE;
	}
	*mask = 0;
	*out = calloc(1, k->size);
	return *out ? 0 : -ENOMEM;
}

static int build_family(struct compiled_policy *c, int t0, const struct bucket_kind *k, void **out,
			uint32_t *mask)
{
	int ret = build_buckets(k, c, out, mask);

	return ret == -ENOSPC ? family_to_tries(c, t0, k, out, mask) : ret;
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
	int ret;

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
	ret = build_family(c, XDPD_PFX_SRC4, &kind4, (void **)&c->pfx4, &c->config.pfx4_mask);
	if (!ret)
		ret =
		    build_family(c, XDPD_PFX_SRC6, &kind6, (void **)&c->pfx6, &c->config.pfx6_mask);
	return ret;
}
