// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Source and destination prefixes -> LPM trie entries with class ids.
 *
 * Every distinct prefix q in the rules becomes one entry whose class is the
 * rules without a constraint on the field plus every rule owning a prefix
 * that contains q. A kernel LPM lookup returns the longest entry containing
 * the address, and every rule prefix containing the address contains that
 * entry too, so the class is exactly the set of rules the address satisfies.
 * Addresses under no entry get the miss class (the unconstrained rules).
 *
 * The containment sets come from a depth-first walk of the prefix trie: the
 * prefixes sorted by (address, length) are its preorder, so a stack of the
 * enclosing prefixes (at most bits + 1 deep) gives each prefix its parent,
 * and its bitmap = parent bitmap | own rules. Cost O(P log P + P * nwords).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "compile_internal.h"

struct pfx_item {
	uint8_t addr[16]; /* host bits zero, v4 in the first 4 bytes */
	uint8_t len;
	uint32_t rule;
};

struct pfx_walk {
	struct compile_ctx *cc;
	const uint64_t *base; /* unconstrained rules */
	uint64_t *stack;      /* (bits + 1) bitmaps */
	const struct pfx_item *top[129];
	uint32_t depth;
};

static int cmp_item(const void *a, const void *b)
{
	const struct pfx_item *x = a, *y = b;
	int d = memcmp(x->addr, y->addr, sizeof(x->addr));

	if (d)
		return d;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static bool same_prefix(const struct pfx_item *a, const struct pfx_item *b)
{
	return a->len == b->len && !memcmp(a->addr, b->addr, sizeof(a->addr));
}

static bool pfx_contains(const struct pfx_item *outer, const struct pfx_item *inner)
{
	uint32_t bytes = outer->len / 8, bits = outer->len % 8;

	if (outer->len > inner->len || memcmp(outer->addr, inner->addr, bytes))
		return false;
	return !bits || !((outer->addr[bytes] ^ inner->addr[bytes]) & (0xff00 >> bits));
}

/* Host bits are cleared again here (the parser already rejects them) because
 * both the walk and the kernel's LPM trie rely on them being zero. */
static void item_set(struct pfx_item *it, const struct prefix *p)
{
	uint32_t bits = p->family == AF_INET ? 32 : 128;

	it->len = p->len < bits ? p->len : bits;
	memcpy(it->addr, p->addr, bits / 8);
	for (uint32_t b = it->len; b < bits; b++)
		it->addr[b / 8] &= ~(0x80 >> (b % 8));
}

/* The (prefix, rule) pairs of one field and family, sorted in trie preorder. */
static int collect(const struct compile_ctx *cc, enum xdpd_field f, int family,
		   struct pfx_item **out, size_t *n)
{
	size_t total = 0;

	for (uint32_t i = 0; i < cc->nrules; i++)
		total += f == XDPD_F_SRC ? cc->p->rules[i].n_src : cc->p->rules[i].n_dst;
	*out = calloc(total ? total : 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	*n = 0;
	for (uint32_t i = 0; i < cc->nrules; i++) {
		const struct policy_rule *r = &cc->p->rules[i];
		const struct prefix *v = f == XDPD_F_SRC ? r->src : r->dst;
		size_t nv = f == XDPD_F_SRC ? r->n_src : r->n_dst;

		for (size_t j = 0; j < nv; j++) {
			struct pfx_item *it;

			if (v[j].family != family)
				continue;
			it = &(*out)[(*n)++];
			it->rule = i;
			item_set(it, &v[j]);
		}
	}
	qsort(*out, *n, sizeof(**out), cmp_item);
	return 0;
}

/* Bitmap of the group of items [it, end) that share one prefix; *cls = its class. */
static int walk_prefix(struct pfx_walk *w, const struct pfx_item *it, const struct pfx_item *end,
		       uint32_t *cls)
{
	uint32_t nwords = w->cc->nwords;
	uint64_t *bm;

	while (w->depth && !pfx_contains(w->top[w->depth - 1], it))
		w->depth--;
	bm = w->stack + (size_t)w->depth * nwords;
	bm_copy(bm, w->depth ? bm - nwords : w->base, nwords);
	for (const struct pfx_item *j = it; j < end; j++)
		bm_set(bm, j->rule);
	w->top[w->depth++] = it;
	return cls_intern(&w->cc->store, bm, cls);
}

/* Emits one entry per distinct prefix through put(); returns the count or -errno. */
static int walk(struct pfx_walk *w, const struct pfx_item *items, size_t n, void *entries,
		void (*put)(void *entries, size_t i, const struct pfx_item *it, uint32_t cls))
{
	size_t ne = 0;

	w->depth = 0;
	for (size_t i = 0, j; i < n; i = j) {
		uint32_t cls;
		int err;

		for (j = i + 1; j < n && same_prefix(&items[i], &items[j]); j++)
			;
		err = walk_prefix(w, &items[i], &items[j], &cls);
		if (err)
			return err;
		put(entries, ne++, &items[i], cls);
	}
	return ne;
}

static void put4(void *entries, size_t i, const struct pfx_item *it, uint32_t cls)
{
	struct cls_lpm4_entry *e = (struct cls_lpm4_entry *)entries + i;

	e->key.prefixlen = it->len;
	memcpy(e->key.addr, it->addr, 4);
	e->cls = cls;
}

static void put6(void *entries, size_t i, const struct pfx_item *it, uint32_t cls)
{
	struct cls_lpm6_entry *e = (struct cls_lpm6_entry *)entries + i;

	e->key.prefixlen = it->len;
	memcpy(e->key.addr, it->addr, 16);
	e->cls = cls;
}

static int build_family(struct pfx_walk *w, enum xdpd_field f, int family, void **entries,
			size_t *n)
{
	size_t esz =
	    family == AF_INET ? sizeof(struct cls_lpm4_entry) : sizeof(struct cls_lpm6_entry);
	struct pfx_item *items;
	size_t nitems;
	int ret;

	ret = collect(w->cc, f, family, &items, &nitems);
	if (ret)
		return ret;
	*entries = calloc(nitems ? nitems : 1, esz);
	ret =
	    *entries ? walk(w, items, nitems, *entries, family == AF_INET ? put4 : put6) : -ENOMEM;
	free(items);
	if (ret < 0)
		return ret;
	*n = ret;
	return 0;
}

static int by_len_desc(const void *a, const void *b)
{
	const struct cls_lpm4_entry *x = a, *y = b;

	return (int)y->key.prefixlen - (int)x->key.prefixlen;
}

/* The scan table of a field with few IPv4 prefixes: its trie entries,
 * longest first, so that the first one containing an address is the entry
 * the trie would return. Entries of one length are disjoint. */
static void build_scan4(struct xdpd_config *cfg, int fi, const struct cls_lpm4_entry *e, size_t n)
{
	struct cls_lpm4_entry sorted[XDPD_SCAN4_MAX];

	cfg->scan4_n[fi] = 0;
	if (n > XDPD_SCAN4_MAX)
		return;
	memcpy(sorted, e, n * sizeof(*e));
	qsort(sorted, n, sizeof(*sorted), by_len_desc);
	for (size_t i = 0; i < n; i++) {
		uint32_t len = sorted[i].key.prefixlen;
		uint32_t mask = len ? htonl(~0u << (32 - len)) : 0;

		memcpy(&cfg->scan4[fi][i].net, sorted[i].key.addr, 4);
		cfg->scan4[fi][i].net &= mask;
		cfg->scan4[fi][i].mask = mask;
		cfg->scan4[fi][i].cls = sorted[i].cls;
	}
	cfg->scan4_n[fi] = (uint32_t)n + 1;
}

static int by_len_desc6(const void *a, const void *b)
{
	const struct cls_lpm6_entry *x = a, *y = b;

	return (int)y->key.prefixlen - (int)x->key.prefixlen;
}

static uint64_t be64_at(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint64_t mask64(uint32_t len)
{
	return len >= 64 ? ~0ULL : len ? ~0ULL << (64 - len) : 0;
}

static void build_scan6(struct xdpd_config *cfg, int fi, const struct cls_lpm6_entry *e, size_t n)
{
	struct cls_lpm6_entry sorted[XDPD_SCAN6_MAX];

	cfg->scan6_n[fi] = 0;
	if (n > XDPD_SCAN6_MAX)
		return;
	memcpy(sorted, e, n * sizeof(*e));
	qsort(sorted, n, sizeof(*sorted), by_len_desc6);
	for (size_t i = 0; i < n; i++) {
		uint32_t len = sorted[i].key.prefixlen;
		struct xdpd_scan6 *s = &cfg->scan6[fi][i];

		s->mask[0] = mask64(len);
		s->mask[1] = mask64(len > 64 ? len - 64 : 0);
		s->net[0] = be64_at(sorted[i].key.addr) & s->mask[0];
		s->net[1] = be64_at(sorted[i].key.addr + 8) & s->mask[1];
		s->cls = sorted[i].cls;
	}
	cfg->scan6_n[fi] = (uint32_t)n + 1;
}

static int build_field(struct compile_ctx *cc, struct compiled_policy *c, enum xdpd_field f)
{
	size_t nwords = cc->nwords ? cc->nwords : 1;
	struct pfx_walk w = {.cc = cc};
	uint64_t *base;
	int err;

	base = calloc(nwords * 130, sizeof(*base));
	if (!base)
		return -ENOMEM;
	bm_unconstrained(cc, f, base);
	w.base = base;
	w.stack = base + nwords;
	err = cls_intern(&cc->store, base, &c->config.miss_class[f]);
	if (!err && f == XDPD_F_SRC)
		err = build_family(&w, f, AF_INET, (void **)&c->src4, &c->n_src4);
	if (!err && f == XDPD_F_SRC)
		err = build_family(&w, f, AF_INET6, (void **)&c->src6, &c->n_src6);
	if (!err && f == XDPD_F_DST)
		err = build_family(&w, f, AF_INET, (void **)&c->dst4, &c->n_dst4);
	if (!err && f == XDPD_F_DST)
		err = build_family(&w, f, AF_INET6, (void **)&c->dst6, &c->n_dst6);
	free(base);
	if (!err && f == XDPD_F_SRC) {
		build_scan4(&c->config, 0, c->src4, c->n_src4);
		build_scan6(&c->config, 0, c->src6, c->n_src6);
	}
	if (!err && f == XDPD_F_DST) {
		build_scan4(&c->config, 1, c->dst4, c->n_dst4);
		build_scan6(&c->config, 1, c->dst6, c->n_dst6);
	}
	return err;
}

int compile_prefixes(struct compile_ctx *cc, struct compiled_policy *c)
{
	int err = build_field(cc, c, XDPD_F_SRC);

	return err ? err : build_field(cc, c, XDPD_F_DST);
}
