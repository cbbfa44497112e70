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
#include "blocklist_fast_internal.h"

enum { K_PFX = 1, K_CNT4, K_CNT6, K_MIDN, K_TOT4, K_TOT6, K_XOR6 };

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

uint32_t blf_be32(const uint8_t *a)
{
	uint32_t v;

	memcpy(&v, a, 4);
	return ntohl(v);
}

static void store32(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static void store64(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* ---- the top arrays: buckets [b0, b0 + n) ---- */

static void top6_paint(struct blf *f, uint32_t b0, uint32_t n, uint32_t s1, int len)
{
	uint32_t *top = f->st.top6;

	for (uint32_t b = b0; b < b0 + n; b++) {
		uint32_t v = top[b], cur = v & BLF_SLOT;

		if (!cur || slot_len(f, cur) <= len)
			store32(&top[b], (v & ~BLF_SLOT) | s1);
	}
}

static void top6_unpaint(struct blf *f, uint32_t b0, uint32_t n, uint32_t s1, uint32_t parent)
{
	uint32_t *top = f->st.top6;

	for (uint32_t b = b0; b < b0 + n; b++)
		if ((top[b] & BLF_SLOT) == s1)
			store32(&top[b], (top[b] & ~BLF_SLOT) | parent);
}

/* The record of 1 + slot s1; NULL for none (0, or out of range in a
 * word that some other writer left). */
struct blf_rec *blf_rec_of(const struct blf *f, uint32_t s1)
{
	return s1 && s1 <= BLF_SLOTS ? &f->st.rec[s1 - 1] : NULL;
}

/* 1 + slot of the inline prefix of the word w of a /24, 0 when none. */
static uint32_t t4_single(uint64_t w)
{
	return w & BLF_T4_SINGLE ? (uint32_t)((w >> BLF_T4_SSLOT_SHIFT) & BLF_T4_SSLOT) + 1 : 0;
}

/* Whether a prefix the word w names has an expiry: then the datapath
 * counts their hits in bl_rec, next to the expiry it must read. */
static bool t4_needs_rec(const struct blf *f, uint64_t w)
{
	const struct blf_rec *c = blf_rec_of(f, (uint32_t)(w & BLF_T4_SLOT));
	const struct blf_rec *i = blf_rec_of(f, t4_single(w));

	return (c && c->expires_ns) || (i && i->expires_ns);
}

/* Moves one in-entry hit counter into the record of 1 + slot s1. */
void blf_fold_one(struct blf *f, uint32_t *pk, uint32_t s1)
{
	struct blf_rec *r = blf_rec_of(f, s1);
	uint32_t n;

	if (!__atomic_load_n(pk, __ATOMIC_RELAXED))
		return;
	n = __atomic_exchange_n(pk, 0, __ATOMIC_ACQ_REL);
	if (n && r)
		__atomic_fetch_add(&r->packets, n, __ATOMIC_RELAXED);
}

/* The hits counted in the /24 b into the records of the prefixes its word
 * names (blocklist_abi.h). */
static void top4_fold(struct blf *f, uint32_t b)
{
	struct blf_top4 *t = &f->st.top4[b];
	uint64_t w = __atomic_load_n(&t->w, __ATOMIC_ACQUIRE);

	blf_fold_one(f, &t->pk[0], (uint32_t)(w & BLF_T4_SLOT));
	blf_fold_one(f, &t->pk[1], t4_single(w));
}

/* Every write of a /24's word: its counters go to the prefixes that earned
 * them first, and BLF_T4_REC is derived here, from the records. */
static void top4_write(struct blf *f, uint32_t b, uint64_t w)
{
	struct blf_top4 *t = &f->st.top4[b];

	w &= ~BLF_T4_REC;
	if (t4_needs_rec(f, w))
		w |= BLF_T4_REC;
	if (w) /* also when w is unchanged: adoption may have set the bit */
		blf_none_mark(f->st.none4, b, false);
	if (w == t->w)
		return;
	top4_fold(f, b);
	store64(&t->w, w);
	if (!w)
		blf_none_mark(f->st.none4, b, true);
}

static void top4_paint(struct blf *f, uint32_t b0, uint32_t n, uint32_t s1, int len)
{
	for (uint32_t b = b0; b < b0 + n; b++) {
		uint64_t v = f->st.top4[b].w;
		uint32_t cur = (uint32_t)(v & BLF_T4_SLOT);

		if (!cur || slot_len(f, cur) <= len)
			top4_write(f, b, (v & ~BLF_T4_SLOT) | s1);
	}
}

static void top4_unpaint(struct blf *f, uint32_t b0, uint32_t n, uint32_t s1, uint32_t parent)
{
	for (uint32_t b = b0; b < b0 + n; b++) {
		uint64_t v = f->st.top4[b].w;

		if ((v & BLF_T4_SLOT) == s1)
			top4_write(f, b, (v & ~BLF_T4_SLOT) | parent);
	}
}

/* Rewrites the /24s whose word names 1 + slot s1 (of prefix p), after its
 * expiry changed: BLF_T4_REC follows. */
static void top4_reexpire(struct blf *f, const struct prefix *p, uint32_t s1)
{
	uint32_t b0 = blf_be32(p->addr) >> 8;
	uint32_t n = p->len <= BLF_T4_BITS ? 1u << (BLF_T4_BITS - p->len) : 1;

	for (uint32_t b = b0; b < b0 + n; b++) {
		uint64_t v = f->st.top4[b].w;

		if ((v & BLF_T4_SLOT) == s1 || t4_single(v) == s1)
			top4_write(f, b, v);
	}
}

/* ---- IPv4 ---- */

#define T4_SINGLE_BITS                                                                             \
	(BLF_T4_SINGLE | 7ULL << BLF_T4_SLEN_SHIFT | 0xffULL << BLF_T4_SBYTE_SHIFT |               \
	 BLF_T4_SSLOT << BLF_T4_SSLOT_SHIFT)

/* The one longer prefix under the /24 b (its top4 bits say which lengths
 * to look at): its length, and its slot and last address byte; 0 when none.
 * At most 2^8 shadow probes per length. */
static int lone_long4(const struct blf *f, uint32_t b, uint32_t *slot, uint8_t *byte)
{
	uint64_t v = f->st.top4[b].w;

	for (int len = 32; len >= 25; len--) {
		if (!(v & 1ULL << (BLF_T4_MASK_SHIFT + len - 25)))
			continue;
		for (uint32_t i = 0; i < 1u << (len - 24); i++) {
			uint32_t last = i << (32 - len), a = htonl(b << 8 | last);
			uint32_t s1 = shadow_slot(f, AF_INET, len, (const uint8_t *)&a);

			if (s1) {
				*slot = s1 - 1;
				*byte = (uint8_t)last;
				return len;
			}
		}
	}
	return 0;
}

/* Keeps the inline prefix of the /24 b right, its count of longer prefixes
 * having just become n: set when n is 1, clear otherwise. */
static void single4_refresh(struct blf *f, uint32_t b, uint64_t n)
{
	uint64_t v = f->st.top4[b].w & ~T4_SINGLE_BITS;
	uint32_t slot;
	uint8_t byte;
	int len = n == 1 ? lone_long4(f, b, &slot, &byte) : 0;

	if (len)
		v |= BLF_T4_SINGLE | (uint64_t)(len - 25) << BLF_T4_SLEN_SHIFT |
		     (uint64_t)byte << BLF_T4_SBYTE_SHIFT | (uint64_t)slot << BLF_T4_SSLOT_SHIFT;
	top4_write(f, b, v);
}

static int v4_add(struct blf *f, const struct prefix *p, uint32_t s)
{
	uint32_t a = blf_be32(p->addr), b = a >> 8;
	struct blf_long4_key lk = {.len = p->len};
	struct blkv_key ck, tk;
	uint64_t n;
	int r;

	if (p->len <= BLF_T4_BITS) {
		top4_paint(f, b, 1u << (BLF_T4_BITS - p->len), s + 1, p->len);
		return 0;
	}
	memcpy(lk.addr, p->addr, 4);
	r = f->st.ops->put(f->st.ctx, BLF_H_LONG4, &lk, &s);
	if (r < 0)
		return r;
	ck = kv_key(K_CNT4, AF_INET, p->len, p->addr, BLF_T4_BITS);
	tk = kv_key(K_TOT4, AF_INET, 0, p->addr, BLF_T4_BITS);
	r = blkv_add(&f->kv, &ck, 1, NULL);
	if (r == 0 && (r = blkv_add(&f->kv, &tk, 1, &n)) < 0)
		blkv_add(&f->kv, &ck, -1, NULL);
	if (r < 0) {
		f->st.ops->del(f->st.ctx, BLF_H_LONG4, &lk);
		return r;
	}
	top4_write(f, b, f->st.top4[b].w | 1ULL << (BLF_T4_MASK_SHIFT + p->len - 25));
	single4_refresh(f, b, n);
	return 0;
}

/* Undoes v4_add, also a partial one. */
static void v4_del(struct blf *f, const struct prefix *p, uint32_t s)
{
	uint32_t a = blf_be32(p->addr), b = a >> 8;
	struct blf_long4_key lk = {.len = p->len};
	struct blkv_key ck, tk;
	uint64_t now, n;

	if (p->len <= BLF_T4_BITS) {
		top4_unpaint(f, b, 1u << (BLF_T4_BITS - p->len), s + 1,
			     shadow_parent(f, AF_INET, p->addr, p->len, 0));
		return;
	}
	memcpy(lk.addr, p->addr, 4);
	ck = kv_key(K_CNT4, AF_INET, p->len, p->addr, BLF_T4_BITS);
	tk = kv_key(K_TOT4, AF_INET, 0, p->addr, BLF_T4_BITS);
	if (blkv_get(&f->kv, &ck) && blkv_add(&f->kv, &ck, -1, &now) == 0 && !now)
		top4_write(f, b, f->st.top4[b].w & ~(1ULL << (BLF_T4_MASK_SHIFT + p->len - 25)));
	if (blkv_get(&f->kv, &tk) && blkv_add(&f->kv, &tk, -1, &n) == 0)
		single4_refresh(f, b, n);
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

bool blf_mid_empty(const struct blf_mid6 *m)
{
	return !m->best && !m->mask[0] && !m->mask[1];
}

/* Writes mid bucket key back, or removes it when it says nothing. */
static int mid_store(struct blf *f, const uint8_t key[4], const struct blf_mid6 *m, bool existed)
{
	uint8_t a[16] = {0};
	int r;

	memcpy(a, key, 4);
	if (blf_mid_empty(m)) {
		if (!existed)
			return 0;
		home6_sync(f, key, m, existed);
		f->st.ops->del(f->st.ctx, BLF_H_MID6, key);
		return midn(f, a, -1);
	}
	r = f->st.ops->put(f->st.ctx, BLF_H_MID6, key, m);
	if (r == 0 && !existed && (r = midn(f, a, 1)) < 0)
		f->st.ops->del(f->st.ctx, BLF_H_MID6, key);
	if (r == 0)
		home6_sync(f, key, m, existed);
	return r;
}

bool blf_mid_load(struct blf *f, const uint8_t key[4], struct blf_mid6 *m)
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
	uint32_t m0 = blf_be32(p->addr), n = 1u << (32 - p->len);

	for (uint32_t i = 0; i < n; i++) {
		uint32_t key = htonl(m0 + i);
		struct blf_mid6 m;
		bool existed = blf_mid_load(f, (uint8_t *)&key, &m);
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
	uint32_t m0 = blf_be32(p->addr), n = 1u << (32 - p->len);
	uint32_t parent = shadow_parent(f, AF_INET6, p->addr, p->len, BLF_T6_BITS + 1);

	for (uint32_t i = 0; i < n; i++) {
		uint32_t key = htonl(m0 + i);
		struct blf_mid6 m;

		if (!blf_mid_load(f, (uint8_t *)&key, &m) || m.best != s + 1)
			continue;
		m.best = parent;
		mid_store(f, (uint8_t *)&key, &m, true);
	}
}

static uint64_t be64_at(const uint8_t *a)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | a[i];
	return v;
}

/* The inline prefix of a /32 bucket: 1 + slot s1 of the prefix p, or
 * nothing (s1 0). */
static void mid_single(struct blf_mid6 *m, uint32_t s1, const struct prefix *p)
{
	m->single = s1;
	m->slen = s1 ? p->len : 0;
	m->shi = s1 ? be64_at(p->addr) : 0;
	m->slo = s1 ? be64_at(p->addr + 8) : 0;
}

/* A /32's count of longer prefixes and the XOR of their 1 + slot: when the
 * count is 1, the XOR names the lone one (no search). */
static int long6_count(struct blf *f, const uint8_t *addr, uint32_t s1, int d, uint64_t *n,
		       uint32_t *lone)
{
	struct blkv_key tk = kv_key(K_TOT6, AF_INET6, 0, addr, 32);
	struct blkv_key xk = kv_key(K_XOR6, AF_INET6, 0, addr, 32);
	uint64_t *x = blkv_get(&f->kv, &xk), xv = (x ? *x : 0) ^ s1;
	int r = blkv_add(&f->kv, &tk, d, n);

	if (r == 0)
		r = xv ? blkv_put(&f->kv, &xk, xv) : (x ? blkv_del(&f->kv, &xk) : 0);
	if (r < 0 && d > 0)
		blkv_add(&f->kv, &tk, -d, NULL);
	*lone = (uint32_t)xv;
	return r;
}

static int v6_long_add(struct blf *f, const struct prefix *p, uint32_t s)
{
	struct blf_long6_key lk = {.len = p->len};
	struct blkv_key ck = kv_key(K_CNT6, AF_INET6, p->len, p->addr, 32);
	struct blf_mid6 m;
	uint32_t lone;
	bool existed;
	uint64_t n;
	int r;

	memcpy(lk.addr, p->addr, 16);
	r = f->st.ops->put(f->st.ctx, BLF_H_LONG6, &lk, &s);
	if (r < 0)
		return r;
	r = blkv_add(&f->kv, &ck, 1, NULL);
	if (r == 0 && (r = long6_count(f, p->addr, s + 1, 1, &n, &lone)) < 0)
		blkv_add(&f->kv, &ck, -1, NULL);
	if (r == 0) {
		existed = blf_mid_load(f, p->addr, &m);
		mask_bit(&m, p->len, true);
		mid_single(&m, n == 1 ? s + 1 : 0, p);
		r = mid_store(f, p->addr, &m, existed);
		if (r < 0) {
			blkv_add(&f->kv, &ck, -1, NULL);
			long6_count(f, p->addr, s + 1, -1, &n, &lone);
		}
	}
	if (r < 0)
		f->st.ops->del(f->st.ctx, BLF_H_LONG6, &lk);
	return r;
}

static void v6_long_del(struct blf *f, const struct prefix *p, uint32_t s)
{
	struct blf_long6_key lk = {.len = p->len};
	struct blkv_key ck = kv_key(K_CNT6, AF_INET6, p->len, p->addr, 32);
	struct prefix other;
	struct blf_mid6 m;
	uint64_t now = 1, n = 0;
	uint32_t lone = 0;
	bool counted = blkv_get(&f->kv, &ck) != NULL;

	memcpy(lk.addr, p->addr, 16);
	if (counted && blkv_add(&f->kv, &ck, -1, &now) == 0)
		long6_count(f, p->addr, s + 1, -1, &n, &lone);
	if (counted && blf_mid_load(f, p->addr, &m)) {
		if (!now)
			mask_bit(&m, p->len, false);
		if (n == 1 && blf_slot_prefix(f, lone - 1, &other) == 0)
			mid_single(&m, lone, &other);
		else
			mid_single(&m, 0, NULL);
		mid_store(f, p->addr, &m, true);
	}
	f->st.ops->del(f->st.ctx, BLF_H_LONG6, &lk);
}

static int v6_add(struct blf *f, const struct prefix *p, uint32_t s)
{
	if (p->len <= BLF_T6_BITS) {
		top6_paint(f, top6_idx(p->addr), 1u << (BLF_T6_BITS - p->len), s + 1, p->len);
		return 0;
	}
	return p->len <= 32 ? v6_mid_add(f, p, s) : v6_long_add(f, p, s);
}

static void v6_del(struct blf *f, const struct prefix *p, uint32_t s)
{
	if (p->len <= BLF_T6_BITS)
		top6_unpaint(f, top6_idx(p->addr), 1u << (BLF_T6_BITS - p->len), s + 1,
			     shadow_parent(f, AF_INET6, p->addr, p->len, 0));
	else if (p->len <= 32)
		v6_mid_del(f, p, s);
	else
		v6_long_del(f, p, s);
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

/* A new expiry for an indexed prefix; its hit count stays. */
static int set_expiry(struct blf *f, const struct prefix *p, uint32_t s, uint64_t expires_ns)
{
	__atomic_store_n(&f->st.rec[s].expires_ns, expires_ns, __ATOMIC_RELAXED);
	if (p->family == AF_INET)
		top4_reexpire(f, p, s + 1);
	else
		home6_reexpire(f, p);
	return 0;
}

/* After a change of the index, its every write done (blocklist_abi.h: the
 * datapath's memo answers only for the bl_gen it read before the index). */
static void gen_bump(struct blf *f)
{
	__atomic_store_n(f->st.gen, *f->st.gen + 1, __ATOMIC_RELEASE);
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
		gen_bump(f); /* the undone writes were visible meanwhile */
		return r == -E2BIG ? -ENOSPC : r;
	}
	f->nfree--;
	f->n++;
	f->st.slotkey[s] = (struct blf_slotkey){.len = p.len};
	memcpy(f->st.slotkey[s].addr, p.addr, 16);
	__atomic_store_n(&f->st.slotkey[s].family, p.family == AF_INET ? 4 : 6, __ATOMIC_RELEASE);
	gen_bump(f);
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
	gen_bump(f);
	return 0;
}

/* The hits of IPv4 prefix p (1 + slot s1) still counted in /24 entries. */
static uint64_t inline_hits4(const struct blf *f, const struct prefix *p, uint32_t s1)
{
	uint32_t b0 = blf_be32(p->addr) >> 8;
	const struct blf_top4 *t = f->st.top4;
	uint64_t sum = 0;

	if (p->len > BLF_T4_BITS)
		return t4_single(t[b0].w) == s1 ? __atomic_load_n(&t[b0].pk[1], __ATOMIC_RELAXED) : 0;
	for (uint32_t b = b0; b < b0 + (1u << (BLF_T4_BITS - p->len)); b++)
		if ((t[b].w & BLF_T4_SLOT) == s1)
			sum += __atomic_load_n(&t[b].pk[0], __ATOMIC_RELAXED);
	return sum;
}

int blf_get(const struct blf *f, const struct prefix *in, struct blf_rec *rec)
{
	struct prefix p;
	uint32_t s1;

	canon(in, &p);
	s1 = shadow_slot(f, p.family, p.len, p.addr);
	if (!s1)
		return -ENOENT;
	rec->expires_ns = f->st.rec[s1 - 1].expires_ns;
	rec->packets = __atomic_load_n(&f->st.rec[s1 - 1].packets, __ATOMIC_RELAXED);
	rec->packets += p.family == AF_INET ? inline_hits4(f, &p, s1) : inline_hits6(f, &p, s1);
	return 0;
}

void blf_fold(struct blf *f, uint32_t n)
{
	/* bl6_home has 1/16 of bl4_top's entries: the same period for both */
	for (uint32_t i = 0; i < n; i++) {
		if (f->st.count[0])
			top4_fold(f, f->fold_next);
		if (f->st.count[1] && !(f->fold_next & 15))
			home6_fold(f, (f->fold_next >> 4) & ((1u << BLF_H6_BITS) - 1));
		f->fold_next = (f->fold_next + 1) & ((1u << BLF_T4_BITS) - 1);
	}
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

static int mids_push(struct mids *m, uint32_t v)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 4096;
		uint32_t *n = realloc(m->v, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		m->v = n;
		m->cap = cap;
	}
	m->v[m->n++] = v;
	return 0;
}

int blf_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The shadow entries of one adopted prefix: its slot, its length count, and
 * the bl6_mid buckets it implies into mids. */
static int adopt_one(struct blf *f, const struct prefix *p, uint32_t s, struct mids *mids)
{
	struct blkv_key k = kv_key(K_PFX, p->family, p->len, p->addr, p->len);
	int r = blkv_put(&f->kv, &k, s);

	if (r < 0 || p->family == AF_INET) {
		if (r == 0 && p->len > BLF_T4_BITS) {
			k = kv_key(K_CNT4, AF_INET, p->len, p->addr, BLF_T4_BITS);
			r = blkv_add(&f->kv, &k, 1, NULL);
		}
		if (r == 0 && p->len > BLF_T4_BITS) {
			k = kv_key(K_TOT4, AF_INET, 0, p->addr, BLF_T4_BITS);
			r = blkv_add(&f->kv, &k, 1, NULL);
		}
		return r;
	}
	if (p->len <= BLF_T6_BITS)
		return 0;
	if (p->len > 32) {
		uint64_t n;
		uint32_t lone;

		k = kv_key(K_CNT6, AF_INET6, p->len, p->addr, 32);
		r = blkv_add(&f->kv, &k, 1, NULL);
		if (r == 0)
			r = long6_count(f, p->addr, s + 1, 1, &n, &lone);
	}
	for (uint32_t i = 0, n = p->len > 32 ? 1 : 1u << (32 - p->len); i < n && !r; i++)
		r = mids_push(mids, blf_be32(p->addr) + i);
	return r;
}

/* One more bl6_mid bucket in the count of its /16, for each distinct /32. */
static int count_mids(struct blf *f, struct mids *m)
{
	int r = 0;

	if (m->n) /* v is NULL when empty, which qsort may not be given */
		qsort(m->v, m->n, sizeof(*m->v), blf_cmp_u32);
	for (size_t i = 0; i < m->n && !r; i++) {
		uint32_t be = htonl(m->v[i]);
		uint8_t a[16] = {0};
		struct blkv_key k;

		if (i && m->v[i] == m->v[i - 1])
			continue;
		memcpy(a, &be, 4);
		k = kv_key(K_MIDN, AF_INET6, 16, a, 16);
		r = blkv_add(&f->kv, &k, 1, NULL);
	}
	return r;
}

/* Whether bl4_top lost what the adopted IPv4 prefixes painted: every such
 * prefix marks its own /24, so the first one tells. It is new and empty when
 * the pin of an older layout was replaced (datapath_load.c). */
static bool top4_lost(const struct blf *f)
{
	for (uint32_t s = 0; s < BLF_SLOTS; s++)
		if (f->st.slotkey[s].family == 4)
			return f->st.top4[blf_be32(f->st.slotkey[s].addr) >> 8].w == 0;
	return false;
}

/* Paints bl4_top anew from the adopted IPv4 prefixes, shortest first, so
 * that the longest covering one ends up in each /24 (as adds would have). */
static int top4_repaint(struct blf *f)
{
	uint32_t *v = malloc(BLF_SLOTS * sizeof(*v));
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (uint32_t s = 0; s < BLF_SLOTS; s++)
		if (f->st.slotkey[s].family == 4)
			v[n++] = (uint32_t)f->st.slotkey[s].len << 21 | s; /* slots < 2^21 */
	qsort(v, n, sizeof(*v), blf_cmp_u32);
	for (size_t i = 0; i < n; i++) {
		uint32_t s = v[i] & BLF_T4_SSLOT, b = blf_be32(f->st.slotkey[s].addr) >> 8;
		int len = (int)(v[i] >> 21);

		if (len <= BLF_T4_BITS)
			top4_paint(f, b, 1u << (BLF_T4_BITS - len), s + 1, len);
		else
			top4_write(f, b, f->st.top4[b].w | 1ULL << (BLF_T4_MASK_SHIFT + len - 25));
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t s = v[i] & BLF_T4_SSLOT;
		const uint8_t *a = f->st.slotkey[s].addr;
		struct blkv_key tk = kv_key(K_TOT4, AF_INET, 0, a, BLF_T4_BITS);
		uint64_t *tot = blkv_get(&f->kv, &tk);

		if ((v[i] >> 21) > BLF_T4_BITS && tot)
			single4_refresh(f, blf_be32(a) >> 8, *tot);
	}
	free(v);
	return 0;
}

int blf_new(const struct blf_store *st, struct blf **out)
{
	struct blf *f = calloc(1, sizeof(*f));
	uint32_t count[2] = {0, 0};
	struct mids mids = {0};
	struct prefix p;
	int r = 0;

	if (!f)
		return -ENOMEM;
	f->st = *st;
	blkv_init(&f->kv);
	f->free = malloc(BLF_SLOTS * sizeof(*f->free));
	f->ovf = calloc(1u << BLF_H6_BITS, sizeof(*f->ovf));
	if (!f->free || !f->ovf) {
		blf_free(f);
		return -ENOMEM;
	}
	for (uint32_t s = BLF_SLOTS; s-- > 0 && r == 0;) {
		if (blf_slot_prefix(f, s, &p) < 0) {
			f->free[f->nfree++] = s; /* slot 0 on top: handed out first */
			continue;
		}
		r = adopt_one(f, &p, s, &mids);
		count[fam_idx(p.family)]++;
		f->n++;
	}
	if (r == 0)
		r = count_mids(f, &mids);
	if (r == 0 && top4_lost(f))
		r = top4_repaint(f);
	if (r == 0)
		r = home6_adopt(f, &mids);
	if (r == 0)
		r = blf_none_adopt(f);
	free(mids.v);
	if (r < 0) {
		blf_free(f);
		return r;
	}
	store32(&st->count[0], count[0]);
	store32(&st->count[1], count[1]);
	gen_bump(f); /* the adoption may have repainted what a memo answered from */
	*out = f;
	return 0;
}

void blf_free(struct blf *f)
{
	if (!f)
		return;
	blkv_free(&f->kv);
	free(f->free);
	free(f->ovf);
	if (f->st.release)
		f->st.release(&f->st);
	free(f);
}

/* ---- the datapath's lookup, in C ---- */

static uint32_t match4(const struct blf *f, const uint8_t *addr)
{
	uint32_t a = blf_be32(addr), s;
	uint64_t v;

	if (blf_none_has(f->st.none4, a >> 8))
		return 0;
	v = f->st.top4[a >> 8].w;

	if (v & BLF_T4_SINGLE) {
		int len = 25 + (int)((v >> BLF_T4_SLEN_SHIFT) & 7);

		if ((a & 0xff & (0xffu << (32 - len))) == ((v >> BLF_T4_SBYTE_SHIFT) & 0xff))
			return t4_single(v);
	} else {
		for (int len = 32; len >= 25; len--) {
			struct blf_long4_key lk = {.len = (uint32_t)len};
			uint32_t m = htonl(a & (~0u << (32 - len)));

			if (!(v & 1ULL << (BLF_T4_MASK_SHIFT + len - 25)))
				continue;
			memcpy(lk.addr, &m, 4);
			if (f->st.ops->get(f->st.ctx, BLF_H_LONG4, &lk, &s) == 0)
				return s + 1;
		}
	}
	return (uint32_t)(v & BLF_T4_SLOT);
}

static uint32_t match6(const struct blf *f, const uint8_t *addr)
{
	uint32_t v = f->st.top6[top6_idx(addr)], s;
	struct blf_mid6 m;

	if ((v & BLF_T6_MID) && bucket6(f, addr, &m)) {
		if (m.single) {
			struct blf_long6_key lk;

			memcpy(lk.addr, addr, 16);
			mask_bits(lk.addr, 16, (int)m.slen);
			if (be64_at(lk.addr) == m.shi && be64_at(lk.addr + 8) == m.slo)
				return m.single;
		}
		for (int len = 128; len >= 33 && !m.single; len--) {
			int i = len - 33;
			struct blf_long6_key lk = {.len = (uint32_t)len};

			if (!(m.mask[i >> 6] & 1ULL << (i & 63)))
				continue;
			memcpy(lk.addr, addr, 16);
			mask_bits(lk.addr, 16, len);
			if (f->st.ops->get(f->st.ctx, BLF_H_LONG6, &lk, &s) == 0)
				return s + 1;
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
