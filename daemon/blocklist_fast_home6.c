// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bl6_home (bpf/blocklist_abi.h): one cache line per index holding a copy
 * of one /32's bl6_mid bucket and the hits of its prefixes without ttl,
 * kept by the index writer (blocklist_fast.c) after every bucket change.
 * bl6_mid stays complete: a line is a faster way to the same answer. A /32
 * whose own line is taken goes to the other line of its pair (index ^ 1)
 * when that one is free; BLF_H6_ALT on its own line sends readers there.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "blocklist_fast_internal.h"

/* ---- bl6_home: one line per index copying one /32's bucket ---- */

static bool h6_needs_rec(const struct blf *f, const struct blf_mid6 *m)
{
	const struct blf_rec *b = blf_rec_of(f, m->best), *i = blf_rec_of(f, m->single);

	return (b && b->expires_ns) || (i && i->expires_ns);
}

/* The bucket a line holds. */
static void line_mid(const struct blf_home6 *l, struct blf_mid6 *m)
{
	*m = (struct blf_mid6){.best = l->best,
			       .single = l->single,
			       .mask = {l->mask[0], l->mask[1]},
			       .shi = l->shi,
			       .slo = l->slo,
			       .slen = l->slen};
}

static bool line_holds(const struct blf_home6 *l, uint32_t key)
{
	return (l->flags & BLF_H6_VALID) && l->key == key;
}

#define H6_NONE UINT32_MAX

/* The line holding /32 key, as the datapath looks for it (its own line,
 * then the other of the pair when the first says so), or H6_NONE. */
static uint32_t line_of(const struct blf *f, uint32_t key)
{
	uint32_t h = blf_home6_idx(key);

	if (line_holds(&f->st.home6[h], key))
		return h;
	if ((f->st.home6[h].flags & BLF_H6_ALT) && line_holds(&f->st.home6[h ^ 1], key))
		return h ^ 1;
	return H6_NONE;
}

/* Line a holds a /32 of the other index of its pair. */
static bool holds_guest(const struct blf *f, uint32_t a)
{
	const struct blf_home6 *l = &f->st.home6[a];

	return (l->flags & BLF_H6_VALID) && blf_home6_idx(l->key) == (a ^ 1);
}

static bool line_free(const struct blf *f, uint32_t h)
{
	return !(f->st.home6[h].flags & BLF_H6_VALID);
}

void home6_fold(struct blf *f, uint32_t h)
{
	struct blf_home6 *l = &f->st.home6[h];
	bool valid = l->flags & BLF_H6_VALID;

	blf_fold_one(f, &l->pk[0], valid ? l->best : 0);
	blf_fold_one(f, &l->pk[1], valid ? l->single : 0);
}

#define SET_ONCE(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELAXED)

/* Line h holds the bucket m of /32 key (m NULL: none), its flags derived
 * from the records and the overflow count. Written under the line's seq
 * (blocklist_abi.h), after its counters went to their prefixes. */
static void home6_write(struct blf *f, uint32_t h, uint32_t key, const struct blf_mid6 *m)
{
	struct blf_home6 *l = &f->st.home6[h];
	uint32_t seq = l->seq, fl = f->ovf[h] ? BLF_H6_OVF : 0;
	struct blf_mid6 z = {0}, cur;

	if (holds_guest(f, h ^ 1))
		fl |= BLF_H6_ALT;
	if (m) {
		fl |= BLF_H6_VALID | (h6_needs_rec(f, m) ? BLF_H6_REC : 0);
	} else {
		m = &z;
		key = 0;
	}
	if (fl) /* before the line takes it, also when the line is unchanged */
		blf_none_mark(f->st.none6, h, false);
	line_mid(l, &cur);
	if (l->flags == fl && l->key == key && !memcmp(&cur, m, sizeof(cur)))
		return;
	home6_fold(f, h);
	SET_ONCE(l->seq, seq + 1);
	__atomic_thread_fence(__ATOMIC_RELEASE); /* odd before any field */
	SET_ONCE(l->key, key);
	SET_ONCE(l->flags, fl);
	SET_ONCE(l->best, m->best);
	SET_ONCE(l->single, m->single);
	SET_ONCE(l->slen, m->slen);
	SET_ONCE(l->mask[0], m->mask[0]);
	SET_ONCE(l->mask[1], m->mask[1]);
	SET_ONCE(l->shi, m->shi);
	SET_ONCE(l->slo, m->slo);
	__atomic_store_n(&l->seq, seq + 2, __ATOMIC_RELEASE);
	if (!fl)
		blf_none_mark(f->st.none6, h, true);
}

/* The same line, its flags derived again (an expiry or the overflow count
 * changed). */
static void home6_refresh(struct blf *f, uint32_t h)
{
	struct blf_home6 *l = &f->st.home6[h];
	struct blf_mid6 m;

	line_mid(l, &m);
	home6_write(f, h, l->key, l->flags & BLF_H6_VALID ? &m : NULL);
}

/* Line x was written: its pair's other line says whether it holds a /32
 * of that line's index (BLF_H6_ALT). */
static void home6_wrote(struct blf *f, uint32_t x)
{
	home6_refresh(f, x ^ 1);
}

/* Keeps bl6_home right after the bl6_mid bucket of key became m (empty:
 * gone); existed: it was in bl6_mid before. A /32 takes its own line when
 * it is free, else the other line of its pair when that one is free, else
 * it is counted as only in bl6_mid. */
void home6_sync(struct blf *f, const uint8_t key[4], const struct blf_mid6 *m, bool existed)
{
	uint32_t k, h, at;

	memcpy(&k, key, 4);
	h = blf_home6_idx(k);
	at = line_of(f, k);
	if (blf_mid_empty(m)) {
		if (at != H6_NONE) {
			home6_write(f, at, 0, NULL);
			home6_wrote(f, at);
		} else if (existed && f->ovf[h]) {
			f->ovf[h]--;
			home6_refresh(f, h);
		}
		return;
	}
	if (at == H6_NONE)
		at = line_free(f, h) ? h : line_free(f, h ^ 1) ? h ^ 1 : H6_NONE;
	else
		existed = false; /* it was in a line, not counted as overflow */
	if (at != H6_NONE) {
		if (existed && f->ovf[h])
			f->ovf[h]--;
		home6_write(f, at, k, m);
		home6_wrote(f, at); /* a guest: its own line's ALT (and overflow count) */
	} else if (!existed) {
		f->ovf[h]++;
		home6_refresh(f, h);
	}
}

/* The lines naming a prefix of length 17..128, after its expiry changed. */
void home6_reexpire(struct blf *f, const struct prefix *p)
{
	uint32_t m0 = blf_be32(p->addr), n;

	if (p->len <= BLF_T6_BITS)
		return;
	n = p->len <= 32 ? 1u << (32 - p->len) : 1;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t at = line_of(f, htonl(m0 + i));

		if (at != H6_NONE)
			home6_refresh(f, at);
	}
}

/* The hits of IPv6 prefix p (1 + slot s1) still counted in bl6_home lines. */
uint64_t inline_hits6(const struct blf *f, const struct prefix *p, uint32_t s1)
{
	uint32_t m0 = blf_be32(p->addr), n;
	uint64_t sum = 0;

	if (p->len <= BLF_T6_BITS)
		return 0;
	n = p->len <= 32 ? 1u << (32 - p->len) : 1;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t at = line_of(f, htonl(m0 + i));
		const struct blf_home6 *l = &f->st.home6[at];

		if (at == H6_NONE)
			continue;
		if (l->best == s1)
			sum += __atomic_load_n(&l->pk[0], __ATOMIC_RELAXED);
		if (l->single == s1)
			sum += __atomic_load_n(&l->pk[1], __ATOMIC_RELAXED);
	}
	return sum;
}

/* A line to empty on adoption: its /32 is gone from bl6_mid, hashes to
 * neither line of the pair, or is a guest whose own line holds it too
 * (what a dying writer may leave). m: the sorted /32s (host order). */
static bool line_stale(struct blf *f, uint32_t h, const struct mids *m)
{
	uint32_t key = f->st.home6[h].key, hk = ntohl(key), home = blf_home6_idx(key);
	struct blf_mid6 b;

	if (!(f->st.home6[h].flags & BLF_H6_VALID))
		return false;
	if ((home != h && home != (h ^ 1)) ||
	    (home != h && line_holds(&f->st.home6[home], key)))
		return true;
	return !bsearch(&hk, m->v, m->n, sizeof(hk), blf_cmp_u32) ||
	       !blf_mid_load(f, (const uint8_t *)&key, &b);
}

/* bl6_home after adoption: lines of buckets that are gone (or that a dying
 * writer left half-done) re-read from bl6_mid, which stays the truth; free
 * lines taken by /32s that have none (all of them when the map is new);
 * the overflow counts and flags rebuilt. m: the sorted /32s (host order). */
int home6_adopt(struct blf *f, const struct mids *m)
{
	struct blf_mid6 b;

	for (uint32_t h = 0; h < 1u << BLF_H6_BITS; h++)
		if (line_stale(f, h, m))
			home6_write(f, h, 0, NULL);
	for (size_t i = 0; i < m->n; i++) {
		uint32_t key = htonl(m->v[i]), h = blf_home6_idx(key), at;

		if ((i && m->v[i] == m->v[i - 1]) || !blf_mid_load(f, (const uint8_t *)&key, &b))
			continue;
		if (line_holds(&f->st.home6[h], key))
			at = h;
		else if (line_holds(&f->st.home6[h ^ 1], key))
			at = h ^ 1;
		else
			at = line_free(f, h) ? h : line_free(f, h ^ 1) ? h ^ 1 : H6_NONE;
		if (at != H6_NONE)
			home6_write(f, at, key, &b);
		else
			f->ovf[h]++;
	}
	for (uint32_t h = 0; h < 1u << BLF_H6_BITS; h++) {
		uint32_t fl = f->st.home6[h].flags;

		if (!(fl & BLF_H6_OVF) != !f->ovf[h] || !(fl & BLF_H6_ALT) != !holds_guest(f, h ^ 1))
			home6_refresh(f, h);
	}
	return 0;
}

/* The /32 bucket of addr as the datapath finds it: its bl6_home line, or
 * bl6_mid when the line says another /32 may be there only. */
bool bucket6(const struct blf *f, const uint8_t *addr, struct blf_mid6 *m)
{
	uint32_t key, at;
	const struct blf_home6 *l;

	memcpy(&key, addr, 4);
	if (blf_none_has(f->st.none6, blf_home6_idx(key)))
		return false; /* as the datapath: no /32 of this index has a bucket */
	at = line_of(f, key);
	if (at != H6_NONE) {
		line_mid(&f->st.home6[at], m);
		return true;
	}
	l = &f->st.home6[blf_home6_idx(key)];
	return (l->flags & BLF_H6_OVF) && f->st.ops->get(f->st.ctx, BLF_H_MID6, addr, m) == 0;
}

