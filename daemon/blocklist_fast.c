// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The blocklist index writer (see blocklist_fast.h and bpf/blocklist_abi.h).
 *
 * Invariants kept after every call, with "covers" meaning "is a prefix of":
 *  - top4[b] slot: the longest indexed IPv4 prefix of length <= 24 covering
 *    the /24 b; its long bits: the lengths 25..32 indexed under b.
 *  - top6[b] slot: the same for IPv6 lengths <= 16 and the /16 b; BLF_T6_MID
 *    when a bl6_mid bucket exists under b.
 *  - bl6_mid[m], for each /32 m with something to say: best = the longest
 *    prefix of length 17..32 covering m, mask = lengths 33..128 under m.
 *  - the long maps hold exactly the prefixes longer than the top (and mid)
 *    levels.
 * Prefixes nest, so when the best prefix of a bucket goes, its replacement
 * is the longest remaining prefix shorter than it that covers it, which is
 * the same for every bucket it covered: one shadow search per delete.
 *
 * Order of writes: a slot's key is written last on add and cleared last on
 * delete, so a daemon that dies half-way leaves a slot table that a
 * reconcile with the record maps repairs (blocklist_fast_bpf.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "blocklist_fast.h"
#include "blocklist_kv.h"

enum { K_PFX = 1, K_CNT4, K_CNT6, K_MIDN, K_MIDSET };

struct blf {
	struct blf_store st;
	struct blkv kv; /* prefixes -> slot, and the counts above */
	uint32_t *free; /* stack of free slots */
	size_t nfree;
	size_t n;
};

static int fam_idx(int family)
{
	return family == AF_INET ? 0 : 1;
}

static int nbytes(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* Zeroes the bits of addr after len. */
static void mask_bits(uint8_t *addr, int bytes, int len)
{
	for (int i = 0; i < bytes; i++) {
		int keep = len - 8 * i;

		if (keep <= 0)
			addr[i] = 0;
		else if (keep < 8)
			addr[i] &= (uint8_t)(0xff << (8 - keep));
	}
}

static struct blkv_key kv_key(int kind, int family, int len, const uint8_t *addr, int keep)
{
	struct blkv_key k = {.kind = (uint8_t)kind, .len = (uint8_t)len};

	k.pad[0] = (uint8_t)family;
	memcpy(k.addr, addr, (size_t)nbytes(family));
	mask_bits(k.addr, nbytes(family), keep);
	return k;
}

/* 1 + slot of exactly (family, len, addr), 0 when not indexed. */
static uint32_t shadow_slot(const struct blf *f, int family, int len, const uint8_t *addr)
{
	struct blkv_key k = kv_key(K_PFX, family, len, addr, len);
	uint64_t *v = blkv_get(&f->kv, &k);

	return v ? (uint32_t)*v + 1 : 0;
}

/* 1 + slot of the longest prefix with min <= len < below covering addr. */
static uint32_t shadow_parent(const struct blf *f, int family, const uint8_t *addr, int below,
			      int min)
{
	for (int len = below - 1; len >= min; len--) {
		uint32_t s = shadow_slot(f, family, len, addr);

		if (s)
			return s;
	}
	return 0;
}

/* Length of the prefix in 1 + slot s1; -1 for a slot no prefix owns (left
 * by a writer that died): anything may replace it. */
static int slot_len(const struct blf *f, uint32_t s1)
{
	const struct blf_slotkey *k = &f->st.slotkey[s1 - 1];

	return k->family ? k->len : -1;
}

static uint32_t be32_at(const uint8_t *a)
{
	uint32_t v;

	memcpy(&v, a, 4);
	return ntohl(v);
}

static void store32(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* ---- the top arrays: buckets [b0, b0 + n) ---- */

static void top_paint(struct blf *f, uint32_t *top, uint32_t b0, uint32_t n, uint32_t s1, int len)
{
	for (uint32_t b = b0; b < b0 + n; b++) {
		uint32_t v = top[b], cur = v & BLF_SLOT;

		if (!cur || slot_len(f, cur) <= len)
			store32(&top[b], (v & ~BLF_SLOT) | s1);
	}
}

static void top_unpaint(uint32_t *top, uint32_t b0, uint32_t n, uint32_t s1, uint32_t parent)
{
	for (uint32_t b = b0; b < b0 + n; b++)
		if ((top[b] & BLF_SLOT) == s1)
			store32(&top[b], (top[b] & ~BLF_SLOT) | parent);
}

/* ---- IPv4 ---- */

static int v4_add(struct blf *f, const struct prefix *p, uint32_t s)
{
	uint32_t a = be32_at(p->addr), b = a >> 8;
	struct blkv_key ck;
	uint64_t now;
	int r;

	if (p->len <= BLF_T4_BITS) {
		top_paint(f, f->st.top4, b, 1u << (BLF_T4_BITS - p->len), s + 1, p->len);
		return 0;
	}
	struct blf_long4_key lk = {.len = p->len};
	struct blf_leaf leaf = {.rec = f->st.rec[s], .slot = s};

	memcpy(lk.addr, p->addr, 4);
	r = f->st.ops->put(f->st.ctx, BLF_H_LONG4, &lk, &leaf);
	if (r < 0)
		return r;
	ck = kv_key(K_CNT4, AF_INET, p->len, p->addr, BLF_T4_BITS);
	r = blkv_add(&f->kv, &ck, 1, &now);
	if (r < 0) {
		f->st.ops->del(f->st.ctx, BLF_H_LONG4, &lk);
		return r;
	}
	store32(&f->st.top4[b], f->st.top4[b] | 1u << (BLF_T4_SHIFT + p->len - 25));
	return 0;
}

/* Undoes v4_add, also a partial one. */
static void v4_del(struct blf *f, const struct prefix *p, uint32_t s)
{
	uint32_t a = be32_at(p->addr), b = a >> 8;
	struct blkv_key ck;
	uint64_t now;

	if (p->len <= BLF_T4_BITS) {
		top_unpaint(f->st.top4, b, 1u << (BLF_T4_BITS - p->len), s + 1,
			    shadow_parent(f, AF_INET, p->addr, p->len, 0));
		return;
	}
	struct blf_long4_key lk = {.len = p->len};
	memcpy(lk.addr, p->addr, 4);
	ck = kv_key(K_CNT4, AF_INET, p->len, p->addr, BLF_T4_BITS);
	if (blkv_get(&f->kv, &ck) && blkv_add(&f->kv, &ck, -1, &now) == 0 && !now)
		store32(&f->st.top4[b], f->st.top4[b] & ~(1u << (BLF_T4_SHIFT + p->len - 25)));
	f->st.ops->del(f->st.ctx, BLF_H_LONG4, &lk);
}

/* ---- IPv6 ---- */

static uint32_t top6_idx(const uint8_t *a)
{
	return (uint32_t)a[0] << 8 | a[1];
}

/* One more (d = 1) or one fewer (-1) bl6_mid bucket under the /16 of a. */
static int midn(struct blf *f, const uint8_t *a, int d)
{
	struct blkv_key k = kv_key(K_MIDN, AF_INET6, 16, a, 16);
	uint32_t *t = &f->st.top6[top6_idx(a)];
	uint64_t now;
	int r = blkv_add(&f->kv, &k, d, &now);

	if (r < 0)
		return r;
	store32(t, now ? *t | BLF_T6_MID : *t & ~BLF_T6_MID);
	return 0;
}

static bool mid_empty(const struct blf_mid6 *m)
{
	return !m->best && !m->mask[0] && !m->mask[1];
}

/* Writes mid bucket key back, or removes it when it says nothing. */
static int mid_store(struct blf *f, const uint8_t key[4], const struct blf_mid6 *m, bool existed)
{
	uint8_t a[16] = {0};
	int r;

	memcpy(a, key, 4);
	if (mid_empty(m)) {
		if (!existed)
			return 0;
		f->st.ops->del(f->st.ctx, BLF_H_MID6, key);
		return midn(f, a, -1);
	}
	r = f->st.ops->put(f->st.ctx, BLF_H_MID6, key, m);
	if (r == 0 && !existed && (r = midn(f, a, 1)) < 0)
		f->st.ops->del(f->st.ctx, BLF_H_MID6, key);
	return r;
}

static bool mid_load(struct blf *f, const uint8_t key[4], struct blf_mid6 *m)
{
	if (f->st.ops->get(f->st.ctx, BLF_H_MID6, key, m) == 0)
		return true;
	memset(m, 0, sizeof(*m));
	return false;
}

static void mask_bit(struct blf_mid6 *m, int len, bool on)
{
	int i = len - 33;
	uint64_t bit = 1ULL << (i & 63);

	if (on)
		m->mask[i >> 6] |= bit;
	else
		m->mask[i >> 6] &= ~bit;
}

/* Lengths 17..32: the prefix paints the best of every /32 it covers. */
static int v6_mid_add(struct blf *f, const struct prefix *p, uint32_t s)
{
	uint32_t m0 = be32_at(p->addr), n = 1u << (32 - p->len);

	for (uint32_t i = 0; i < n; i++) {
		uint32_t key = htonl(m0 + i);
		struct blf_mid6 m;
		bool existed = mid_load(f, (uint8_t *)&key, &m);
		int r;

		if (m.best && slot_len(f, m.best) > p->len)
			continue;
		m.best = s + 1;
		r = mid_store(f, (uint8_t *)&key, &m, existed);
		if (r < 0)
			return r;
	}
	return 0;
}

static void v6_mid_del(struct blf *f, const struct prefix *p, uint32_t s)
{
	uint32_t m0 = be32_at(p->addr), n = 1u << (32 - p->len);
	uint32_t parent = shadow_parent(f, AF_INET6, p->addr, p->len, BLF_T6_BITS + 1);

	for (uint32_t i = 0; i < n; i++) {
		uint32_t key = htonl(m0 + i);
		struct blf_mid6 m;

		if (!mid_load(f, (uint8_t *)&key, &m) || m.best != s + 1)
			continue;
		m.best = parent;
		mid_store(f, (uint8_t *)&key, &m, true);
	}
}

static int v6_long_add(struct blf *f, const struct prefix *p, uint32_t s)
{
	struct blf_long6_key lk = {.len = p->len};
	struct blkv_key ck = kv_key(K_CNT6, AF_INET6, p->len, p->addr, 32);
	struct blf_leaf leaf = {.rec = f->st.rec[s], .slot = s};
	struct blf_mid6 m;
	bool existed;
	int r;

	memcpy(lk.addr, p->addr, 16);
	r = f->st.ops->put(f->st.ctx, BLF_H_LONG6, &lk, &leaf);
	if (r < 0)
		return r;
	r = blkv_add(&f->kv, &ck, 1, NULL);
	if (r == 0) {
		existed = mid_load(f, p->addr, &m);
		mask_bit(&m, p->len, true);
		r = mid_store(f, p->addr, &m, existed);
		if (r < 0)
			blkv_add(&f->kv, &ck, -1, NULL);
	}
	if (r < 0)
		f->st.ops->del(f->st.ctx, BLF_H_LONG6, &lk);
	return r;
}

static void v6_long_del(struct blf *f, const struct prefix *p)
{
	struct blf_long6_key lk = {.len = p->len};
	struct blkv_key ck = kv_key(K_CNT6, AF_INET6, p->len, p->addr, 32);
	struct blf_mid6 m;
	uint64_t now;

	memcpy(lk.addr, p->addr, 16);
	if (blkv_get(&f->kv, &ck) && blkv_add(&f->kv, &ck, -1, &now) == 0 && !now &&
	    mid_load(f, p->addr, &m)) {
		mask_bit(&m, p->len, false);
		mid_store(f, p->addr, &m, true);
	}
	f->st.ops->del(f->st.ctx, BLF_H_LONG6, &lk);
}

static int v6_add(struct blf *f, const struct prefix *p, uint32_t s)
{
	if (p->len <= BLF_T6_BITS) {
		top_paint(f, f->st.top6, top6_idx(p->addr), 1u << (BLF_T6_BITS - p->len), s + 1,
			  p->len);
		return 0;
	}
	return p->len <= 32 ? v6_mid_add(f, p, s) : v6_long_add(f, p, s);
}

static void v6_del(struct blf *f, const struct prefix *p, uint32_t s)
{
	if (p->len <= BLF_T6_BITS)
		top_unpaint(f->st.top6, top6_idx(p->addr), 1u << (BLF_T6_BITS - p->len), s + 1,
			    shadow_parent(f, AF_INET6, p->addr, p->len, 0));
	else if (p->len <= 32)
		v6_mid_del(f, p, s);
	else
		v6_long_del(f, p);
}

/* ---- entries ---- */

static void canon(const struct prefix *in, struct prefix *p)
{
	*p = *in;
	if (p->family != AF_INET)
		p->family = AF_INET6;
	mask_bits(p->addr, nbytes(p->family), p->len);
	if (p->family == AF_INET)
		memset(p->addr + 4, 0, 12);
}

static void index_del(struct blf *f, const struct prefix *p, uint32_t s)
{
	if (p->family == AF_INET)
		v4_del(f, p, s);
	else
		v6_del(f, p, s);
}

/* Prefixes whose record is a leaf of a long map (struct blf_leaf). */
static bool is_long(const struct prefix *p)
{
	return p->len > (p->family == AF_INET ? BLF_T4_BITS : 32);
}

/* The long map and key of p. */
static enum blf_hmap leaf_key(const struct prefix *p, struct blf_long6_key *k)
{
	memset(k, 0, sizeof(*k));
	k->len = p->len;
	memcpy(k->addr, p->addr, nbytes(p->family)); /* the v4 key is a prefix of it */
	return p->family == AF_INET ? BLF_H_LONG4 : BLF_H_LONG6;
}

static int get_leaf(const struct blf *f, const struct prefix *p, struct blf_leaf *leaf)
{
	struct blf_long6_key k;
	enum blf_hmap m = leaf_key(p, &k);

	return f->st.ops->get(f->st.ctx, m, &k, leaf);
}

/* A new expiry for an indexed prefix; its hit count stays. bl_rec mirrors
 * the expiry of a leaf too, written after it: an unchanged expiry (every
 * entry when a new daemon reconciles) costs no syscall. A leaf is rewritten
 * whole: hits the datapath counts in between are lost, a few at most, only
 * when an entry is added again with another ttl. */
static int set_expiry(struct blf *f, const struct prefix *p, uint32_t s, uint64_t expires_ns)
{
	struct blf_long6_key k;
	struct blf_leaf leaf;
	enum blf_hmap m;
	int r;

	if (f->st.rec[s].expires_ns == expires_ns)
		return 0;
	if (is_long(p)) {
		m = leaf_key(p, &k);
		if (f->st.ops->get(f->st.ctx, m, &k, &leaf) < 0)
			return -ENOENT;
		leaf.rec.expires_ns = expires_ns;
		r = f->st.ops->put(f->st.ctx, m, &k, &leaf);
		if (r < 0)
			return r;
	}
	__atomic_store_n(&f->st.rec[s].expires_ns, expires_ns, __ATOMIC_RELAXED);
	return 0;
}

int blf_add(struct blf *f, const struct prefix *in, uint64_t expires_ns)
{
	struct prefix p;
	struct blkv_key k;
	uint32_t s1, s, *cnt;
	int r;

	canon(in, &p);
	if (p.len > 8 * nbytes(p.family))
		return -EINVAL;
	s1 = shadow_slot(f, p.family, p.len, p.addr);
	if (s1)
		return set_expiry(f, &p, s1 - 1, expires_ns);
	if (!f->nfree)
		return -ENOSPC;
	s = f->free[f->nfree - 1];
	f->st.rec[s].expires_ns = expires_ns;
	__atomic_store_n(&f->st.rec[s].packets, 0, __ATOMIC_RELAXED);
	k = kv_key(K_PFX, p.family, p.len, p.addr, p.len);
	r = blkv_put(&f->kv, &k, s);
	if (r < 0)
		return r;
	cnt = &f->st.count[fam_idx(p.family)];
	store32(cnt, *cnt + 1);
	r = p.family == AF_INET ? v4_add(f, &p, s) : v6_add(f, &p, s);
	if (r < 0) {
		/* each step undid itself, except a range of /32 buckets cut short */
		blkv_del(&f->kv, &k);
		if (p.family == AF_INET6 && p.len > BLF_T6_BITS && p.len <= 32)
			v6_mid_del(f, &p, s);
		store32(cnt, *cnt - 1);
		return r == -E2BIG ? -ENOSPC : r;
	}
	f->nfree--;
	f->n++;
	f->st.slotkey[s] = (struct blf_slotkey){.len = p.len};
	memcpy(f->st.slotkey[s].addr, p.addr, 16);
	__atomic_store_n(&f->st.slotkey[s].family, p.family == AF_INET ? 4 : 6, __ATOMIC_RELEASE);
	return 0;
}

int blf_del(struct blf *f, const struct prefix *in)
{
	struct prefix p;
	struct blkv_key k;
	uint32_t s1, *cnt;

	canon(in, &p);
	s1 = shadow_slot(f, p.family, p.len, p.addr);
	if (!s1)
		return -ENOENT;
	k = kv_key(K_PFX, p.family, p.len, p.addr, p.len);
	blkv_del(&f->kv, &k); /* before: the parent search must not find p */
	index_del(f, &p, s1 - 1);
	cnt = &f->st.count[fam_idx(p.family)];
	store32(cnt, *cnt - 1);
	__atomic_store_n(&f->st.slotkey[s1 - 1].family, 0, __ATOMIC_RELEASE);
	f->free[f->nfree++] = s1 - 1;
	f->n--;
	return 0;
}

int blf_get(const struct blf *f, const struct prefix *in, struct blf_rec *rec)
{
	struct prefix p;
	uint32_t s1;

	canon(in, &p);
	s1 = shadow_slot(f, p.family, p.len, p.addr);
	if (!s1)
		return -ENOENT;
	if (is_long(&p)) {
		struct blf_leaf leaf;
		int r = get_leaf(f, &p, &leaf);

		if (r == 0)
			*rec = leaf.rec;
		return r;
	}
	rec->expires_ns = f->st.rec[s1 - 1].expires_ns;
	rec->packets = __atomic_load_n(&f->st.rec[s1 - 1].packets, __ATOMIC_RELAXED);
	return 0;
}

size_t blf_count(const struct blf *f)
{
	return f->n;
}

int blf_slot_prefix(const struct blf *f, uint32_t slot, struct prefix *p)
{
	const struct blf_slotkey *k;

	if (slot >= BLF_SLOTS)
		return -ENOENT;
	k = &f->st.slotkey[slot];
	if (k->family != 4 && k->family != 6)
		return -ENOENT;
	memset(p, 0, sizeof(*p));
	p->family = k->family == 4 ? AF_INET : AF_INET6;
	p->len = k->len;
	memcpy(p->addr, k->addr, 16);
	return 0;
}

int blf_foreach(const struct blf *f, int (*cb)(const struct prefix *p, void *ctx), void *ctx)
{
	struct prefix p;

	for (uint32_t s = 0; s < BLF_SLOTS; s++) {
		int r;

		if (blf_slot_prefix(f, s, &p) < 0)
			continue;
		r = cb(&p, ctx);
		if (r)
			return r;
	}
	return 0;
}

/* ---- adoption ---- */

/* The shadow entries of one adopted prefix: its slot, its length count and
 * the bl6_mid buckets it implies (counted once per /32). */
static int adopt_one(struct blf *f, const struct prefix *p, uint32_t s)
{
	struct blkv_key k = kv_key(K_PFX, p->family, p->len, p->addr, p->len);
	int r = blkv_put(&f->kv, &k, s);

	if (r < 0 || p->family == AF_INET) {
		if (r == 0 && p->len > BLF_T4_BITS) {
			k = kv_key(K_CNT4, AF_INET, p->len, p->addr, BLF_T4_BITS);
			r = blkv_add(&f->kv, &k, 1, NULL);
		}
		return r;
	}
	if (p->len <= BLF_T6_BITS)
		return 0;
	if (p->len > 32) {
		k = kv_key(K_CNT6, AF_INET6, p->len, p->addr, 32);
		r = blkv_add(&f->kv, &k, 1, NULL);
	}
	for (uint32_t i = 0, n = p->len > 32 ? 1 : 1u << (32 - p->len); i < n && !r; i++) {
		uint32_t m = htonl(be32_at(p->addr) + i);
		uint8_t a[16] = {0};

		memcpy(a, &m, 4);
		k = kv_key(K_MIDSET, AF_INET6, 32, a, 32);
		if (blkv_get(&f->kv, &k))
			continue;
		r = blkv_put(&f->kv, &k, 1);
		if (r == 0) {
			k = kv_key(K_MIDN, AF_INET6, 16, a, 16);
			r = blkv_add(&f->kv, &k, 1, NULL);
		}
	}
	return r;
}

/* The de-duplication set of adopt_one is not needed afterwards. */
static void drop_midset(struct blf *f)
{
	for (size_t i = 0; i < f->kv.cap;)
		if (f->kv.v[i].used && f->kv.v[i].key.kind == K_MIDSET)
			blkv_del(&f->kv, &f->kv.v[i].key); /* may shift another into i */
		else
			i++;
}

int blf_new(const struct blf_store *st, struct blf **out)
{
	struct blf *f = calloc(1, sizeof(*f));
	uint32_t count[2] = {0, 0};
	struct prefix p;
	int r = 0;

	if (!f)
		return -ENOMEM;
	f->st = *st;
	blkv_init(&f->kv);
	f->free = malloc(BLF_SLOTS * sizeof(*f->free));
	if (!f->free) {
		blf_free(f);
		return -ENOMEM;
	}
	for (uint32_t s = BLF_SLOTS; s-- > 0 && r == 0;) {
		if (blf_slot_prefix(f, s, &p) < 0) {
			f->free[f->nfree++] = s; /* slot 0 on top: handed out first */
			continue;
		}
		r = adopt_one(f, &p, s);
		count[fam_idx(p.family)]++;
		f->n++;
	}
	drop_midset(f);
	if (r < 0) {
		blf_free(f);
		return r;
	}
	store32(&st->count[0], count[0]);
	store32(&st->count[1], count[1]);
	*out = f;
	return 0;
}

void blf_free(struct blf *f)
{
	if (!f)
		return;
	blkv_free(&f->kv);
	free(f->free);
	if (f->st.release)
		f->st.release(&f->st);
	free(f);
}

/* ---- the datapath's lookup, in C ---- */

static uint32_t match4(const struct blf *f, const uint8_t *addr)
{
	uint32_t a = be32_at(addr), v = f->st.top4[a >> 8];
	struct blf_leaf s;

	for (int len = 32; len >= 25; len--) {
		struct blf_long4_key lk = {.len = (uint32_t)len};
		uint32_t m = htonl(a & (~0u << (32 - len)));

		if (!(v & 1u << (BLF_T4_SHIFT + len - 25)))
			continue;
		memcpy(lk.addr, &m, 4);
		if (f->st.ops->get(f->st.ctx, BLF_H_LONG4, &lk, &s) == 0)
			return s.slot + 1;
	}
	return v & BLF_SLOT;
}

static uint32_t match6(const struct blf *f, const uint8_t *addr)
{
	uint32_t v = f->st.top6[top6_idx(addr)];
	struct blf_leaf s;
	struct blf_mid6 m;

	if ((v & BLF_T6_MID) && f->st.ops->get(f->st.ctx, BLF_H_MID6, addr, &m) == 0) {
		for (int len = 128; len >= 33; len--) {
			int i = len - 33;
			struct blf_long6_key lk = {.len = (uint32_t)len};

			if (!(m.mask[i >> 6] & 1ULL << (i & 63)))
				continue;
			memcpy(lk.addr, addr, 16);
			mask_bits(lk.addr, 16, len);
			if (f->st.ops->get(f->st.ctx, BLF_H_LONG6, &lk, &s) == 0)
				return s.slot + 1;
		}
		if (m.best)
			return m.best;
	}
	return v & BLF_SLOT;
}

uint32_t blf_match(const struct blf *f, int family, const uint8_t *addr)
{
	if (!f->st.count[fam_idx(family)])
		return 0;
	return family == AF_INET ? match4(f, addr) : match6(f, addr);
}
