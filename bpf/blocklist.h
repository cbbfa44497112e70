/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The dynamic blocklist lookup: longest-prefix match of the source address
 * over the index described in blocklist_abi.h, maintained by the daemon
 * (daemon/blocklist_fast.c). All maps here are stateful: pinned and reused
 * by every generation, like the LPM record maps in maps.h.
 */
#ifndef XDPD_BLOCKLIST_H
#define XDPD_BLOCKLIST_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "blocklist_abi.h"
#include "parse.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, (1 << BLF_T4_BITS) / BLF_LINE4);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct blf_line4);
} bl4_top SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, (1 << BLF_T6_BITS) / BLF_LINE);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct blf_line);
} bl6_top SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BLF_LONG_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct blf_long4_key);
	__type(value, __u32);
} bl4_long SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BLF_LONG_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct blf_long6_key);
	__type(value, __u32);
} bl6_long SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BLF_MID6_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct blf_mid6);
} bl6_mid SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 << BLF_H6_BITS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct blf_home6);
} bl6_home SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BLF_SLOTS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct blf_rec);
} bl_rec SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, (1 << BLF_T4_BITS) / BLF_NONE_EL);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct blf_bits);
} bl4_none SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, (1 << BLF_H6_BITS) / BLF_NONE_EL);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct blf_bits);
} bl6_none SEC(".maps");

/* Read by user space only; declared here so it is created and pinned. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BLF_SLOTS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct blf_slotkey);
} bl_slotkey SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct blf_counts);
} bl_count SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct blf_gen);
} bl_gen SEC(".maps");

/* The slow path's memo (blocklist_abi.h). Per generation, unlike the maps
 * above: a new program starts with an empty one. Per CPU: no reader sees
 * another CPU's half-written slot. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1 << BLF_MEMO_BITS);
	__type(key, __u32);
	__type(value, struct blf_memo_slot);
} bl_memo SEC(".maps");

#define BL_ONCE32(x) (*(volatile __u32 *)&(x))
#define BL_ONCE64(x) (*(volatile __u64 *)&(x))

/* bl_gen, read before what the memo's answer is looked up from
 * (blocklist_abi.h). Only on the slow path: the caller then reads again
 * the word that sent it there, and neither uses nor fills the memo when
 * that word changed meanwhile (its answer may be of another index). */
static __always_inline __u64 bl_gen_now(void)
{
	__u32 zero = 0;
	struct blf_gen *g = bpf_map_lookup_elem(&bl_gen, &zero);
	__u64 gen = g ? BL_ONCE64(g->gen) : 0;

	asm volatile("" ::: "memory");
	return gen;
}

static __always_inline struct blf_memo_slot *bl_memo_at(__u64 hi, __u64 lo)
{
	__u64 h = hi * 0x9e3779b97f4a7c15ULL ^ lo * 0xc2b2ae3d27d4eb4fULL;
	__u32 i = (__u32)(h >> (64 - BLF_MEMO_BITS));

	return bpf_map_lookup_elem(&bl_memo, &i);
}

/* 1, and the answer in *s1, when slot e holds this source's answer of gen. */
static __always_inline int bl_memo_get(const struct blf_memo_slot *e, __u32 fam, __u64 hi,
				       __u64 lo, __u64 gen, __u32 *s1)
{
	if (!e || e->fam != fam || e->gen != gen || e->hi != hi || e->lo != lo)
		return 0;
	*s1 = e->s1;
	return 1;
}

/* XDP programs run with bottom halves off (test runs too), so no program
 * interrupts another on a CPU: nobody sees the slot half written. A trace
 * frame changes no state, the memo included. */
static __always_inline void bl_memo_put(struct blf_memo_slot *e, __u32 fam, __u64 hi, __u64 lo,
					__u64 gen, __u32 s1, __u8 trace)
{
	if (!e || trace)
		return;
	e->hi = hi;
	e->lo = lo;
	e->gen = gen;
	e->s1 = s1;
	e->fam = fam;
}

/* Bit i of bl4_none or bl6_none: 1 when entry i is known to be empty. */
static __always_inline int bl_none(void *map, __u32 i)
{
	__u32 el = i / BLF_NONE_EL;
	struct blf_bits *b = bpf_map_lookup_elem(map, &el);

	return b && (b->w[(i / 64) % (BLF_NONE_EL / 64)] >> (i % 64)) & 1;
}

/* Bucket i of bl6_top. */
static __always_inline __u32 bl_top6(__u32 i)
{
	__u32 el = i / BLF_LINE;
	struct blf_line *l = bpf_map_lookup_elem(&bl6_top, &el);

	return l ? BL_ONCE32(l->b[i & (BLF_LINE - 1)]) : 0;
}

/* Entry i of bl4_top. */
static __always_inline struct blf_top4 *bl_top4(__u32 i)
{
	__u32 el = i / BLF_LINE4;
	struct blf_line4 *l = bpf_map_lookup_elem(&bl4_top, &el);

	return l ? &l->b[i & (BLF_LINE4 - 1)] : NULL;
}

/* The verdict of a record: 1 blocked (its hit counted), 0 expired (the
 * longest match decides, as with the LPM lookup this replaces: an expired
 * entry lets the packet through until the daemon reaps it). */
static __always_inline int bl_judge(struct blf_rec *e, __u8 trace)
{
	if (e->expires_ns && e->expires_ns <= bpf_ktime_get_coarse_ns())
		return 0;
	if (!trace)
		__sync_fetch_and_add(&e->packets, 1);
	return 1;
}

/* The record of slot s1 - 1 in bl_rec. */
static __always_inline int bl_judge_slot(__u32 s1, __u8 trace)
{
	struct blf_rec *e;
	__u32 slot = s1 - 1;

	if (!s1)
		return 0;
	e = bpf_map_lookup_elem(&bl_rec, &slot);
	return e ? bl_judge(e, trace) : 0;
}

/* A hit on a /24 whose deciding prefixes have no expiry: counted in the
 * entry just read, so that the verdict costs that one cache line and not a
 * second, dependent miss on bl_rec (blocklist_abi.h). */
static __always_inline int bl_count_inline(__u32 *pk, __u8 trace)
{
	if (!trace)
		__sync_fetch_and_add(pk, 1);
	return 1;
}

/* The verdict of 1 + slot s1, named by the /24 entry t whose counter pk
 * counts it (BLF_T4_REC clear) or by bl_rec (set). */
static __always_inline int bl4_judge_named(__u64 v, __u32 s1, __u32 *pk, __u8 trace)
{
	if (!s1)
		return 0;
	return v & BLF_T4_REC ? bl_judge_slot(s1, trace) : bl_count_inline(pk, trace);
}

/* 1 + slot of the longest of the /24's longer prefixes holding address a
 * (host order), 0 when none: one probe of bl4_long per length that v (the
 * word of /24 entry t) names, longest first, or the memo's answer. */
static __always_inline __u32 bl4_long_find(struct blf_top4 *t, __u32 a, __u64 v, __u8 trace)
{
	__u64 gen = bl_gen_now();
	struct blf_memo_slot *e = BL_ONCE64(t->w) == v ? bl_memo_at(a, 0) : NULL;
	struct blf_long4_key lk;
	__u32 s1 = 0, m, *slot;

	if (bl_memo_get(e, 4, a, 0, gen, &s1))
		return s1;
#pragma unroll
	for (int l = 32; l >= 25; l--) {
		if (!(v & (1ULL << (BLF_T4_MASK_SHIFT + l - 25))))
			continue;
		lk.len = l;
		m = bpf_htonl(a & (~0u << (32 - l)));
		__builtin_memcpy(lk.addr, &m, 4);
		slot = bpf_map_lookup_elem(&bl4_long, &lk);
		if (slot) {
			s1 = *slot + 1;
			break;
		}
	}
	bl_memo_put(e, 4, a, 0, gen, s1, trace);
	return s1;
}

static __always_inline int bl4_judge(const __u8 *src, __u8 trace)
{
	struct blf_top4 *t;
	__u32 a, len, s1;
	__u64 v;

	__builtin_memcpy(&a, src, 4);
	a = bpf_ntohl(a);
	if (bl_none(&bl4_none, a >> 8))
		return 0;
	t = bl_top4(a >> 8);
	if (!t)
		return 0;
	v = t->w;
	if (v & BLF_T4_SINGLE) { /* the /24's only longer prefix, inline */
		len = 25 + ((v >> BLF_T4_SLEN_SHIFT) & 7);
		if ((a & 0xff & (0xff << (32 - len))) == ((v >> BLF_T4_SBYTE_SHIFT) & 0xff))
			return bl4_judge_named(v, ((v >> BLF_T4_SSLOT_SHIFT) & BLF_T4_SSLOT) + 1,
					       &t->pk[1], trace);
	} else if (v & BLF_T4_MASK) { /* several */
		s1 = bl4_long_find(t, a, v, trace);
		if (s1)
			return bl_judge_slot(s1, trace);
	}
	return bl4_judge_named(v, v & BLF_T4_SLOT, &t->pk[0], trace);
}

/* Index of the highest set bit of x != 0. */
static __always_inline __u32 bl_hibit(__u64 x)
{
	__u32 r = 0;

	if (x >> 32) {
		r += 32;
		x >>= 32;
	}
	if (x >> 16) {
		r += 16;
		x >>= 16;
	}
	if (x >> 8) {
		r += 8;
		x >>= 8;
	}
	if (x >> 4) {
		r += 4;
		x >>= 4;
	}
	if (x >> 2) {
		r += 2;
		x >>= 2;
	}
	return r + (__u32)(x >> 1);
}

struct bl6_probe {
	__u64 hi, lo; /* the source, host order */
	__u64 m0, m1; /* lengths still to probe (struct blf_mid6) */
	__u32 found; /* 1 + slot of the match */
};

/* One probe of bl6_long, at the longest length left in the masks: a
 * bpf_loop body, so the verifier checks it once and not 96 times. */
static long bl6_probe_step(__u32 i, void *data)
{
	struct bl6_probe *p = data;
	struct blf_long6_key lk;
	__u64 h = p->hi, l = p->lo;
	__u32 len, b, *slot;

	if (p->m1) {
		b = bl_hibit(p->m1);
		p->m1 &= ~(1ULL << b);
		len = 97 + b;
	} else if (p->m0) {
		b = bl_hibit(p->m0);
		p->m0 &= ~(1ULL << b);
		len = 33 + b;
	} else {
		return 1;
	}
	if (len > 64) {
		l &= ~0ULL << (128 - len);
	} else {
		h &= ~0ULL << (64 - len);
		l = 0;
	}
	lk.len = len;
	h = bpf_cpu_to_be64(h);
	l = bpf_cpu_to_be64(l);
	__builtin_memcpy(lk.addr, &h, 8);
	__builtin_memcpy(lk.addr + 8, &l, 8);
	slot = bpf_map_lookup_elem(&bl6_long, &lk);
	if (!slot)
		return 0;
	p->found = *slot + 1;
	return 1;
}

/* 1 + slot of the longest match under the bl6_mid bucket m, for the
 * source in p->hi, p->lo; v is the /16's bl6_top word, whose slot answers
 * when nothing under the /32 matches. */
static __always_inline __u32 bl6_bucket(struct bl6_probe *p, const struct blf_mid6 *m, __u32 v)
{
	if (m->single) { /* the only longer prefix: compare inline */
		__u32 len = m->slen;
		__u64 h = p->hi, l = p->lo;

		if (len > 64) {
			l &= ~0ULL << ((128 - len) & 63);
		} else {
			h &= ~0ULL << ((64 - len) & 63);
			l = 0;
		}
		if (h == m->shi && l == m->slo)
			return m->single;
	} else if (m->mask[0] | m->mask[1]) {
		p->m0 = m->mask[0];
		p->m1 = m->mask[1];
		bpf_loop(96, bl6_probe_step, p, 0);
		if (p->found)
			return p->found;
	}
	return m->best ? m->best : v & BLF_SLOT;
}

/* Bits 0..63 (half 0) or 64..127 (half 1) of the source, host order, from
 * the flow key's 4-byte aligned address (two loads, not eight). */
static __always_inline __u64 bl6_half(const __u8 *src, int half)
{
	const __u32 *w = (const void *)src;

	return (__u64)bpf_ntohl(w[2 * half]) << 32 | bpf_ntohl(w[2 * half + 1]);
}

/* The verdict of line l, which held key32 when seq was read: -1 when the
 * daemon rewrote it meanwhile, or when the /32 has several longer
 * prefixes (bl6_bucket probes their lengths). */
static __always_inline int bl6_line_decide(struct blf_home6 *l, __u32 seq, __u32 fl,
					   const __u8 *src, __u32 v, __u8 trace)
{
	__u32 s1 = 0, len;
	__u64 hi, lo;
	int which = 0;

	if (BL_ONCE32(l->single)) {
		len = BL_ONCE32(l->slen);
		hi = bl6_half(src, 0);
		lo = bl6_half(src, 1);
		if (len > 64) {
			lo &= ~0ULL << ((128 - len) & 63);
		} else {
			hi &= ~0ULL << ((64 - len) & 63);
			lo = 0;
		}
		if (hi == BL_ONCE64(l->shi) && lo == BL_ONCE64(l->slo)) {
			s1 = BL_ONCE32(l->single);
			which = 1;
		}
	} else if (BL_ONCE64(l->mask[0]) | BL_ONCE64(l->mask[1])) {
		return -1;
	}
	if (!s1)
		s1 = BL_ONCE32(l->best);
	if ((seq & 1) || BL_ONCE32(l->seq) != seq)
		return -1;
	if (!s1)
		return bl_judge_slot(v & BLF_SLOT, trace);
	if (fl & BLF_H6_REC)
		return bl_judge_slot(s1, trace);
	return bl_count_inline(which ? &l->pk[1] : &l->pk[0], trace);
}

/* Line h: its verdict when it holds key32, else -2, with its flags in
 * *fl and *stable set when no rewrite overlapped their read; -1 when the
 * map has no line h. */
static __always_inline int bl6_line_try(__u32 h, const __u8 *src, __u32 key32, __u32 v,
					__u8 trace, __u32 *fl, int *stable)
{
	struct blf_home6 *l = bpf_map_lookup_elem(&bl6_home, &h);
	__u32 seq;

	if (!l)
		return -1;
	seq = BL_ONCE32(l->seq);
	*fl = BL_ONCE32(l->flags);
	if ((*fl & BLF_H6_VALID) && BL_ONCE32(l->key) == key32)
		return bl6_line_decide(l, seq, *fl, src, v, trace);
	*stable = !(seq & 1) && BL_ONCE32(l->seq) == seq;
	return -2;
}

/* The /32's bl6_home lines, read in place (no copy to the stack) and
 * checked against their seq afterwards (blocklist_abi.h): its own line,
 * then, when that one says so (BLF_H6_ALT), the other line of its pair;
 * -1 when bl6_mid must decide: another /32 may be there only, the daemon
 * was rewriting a line, or the /32 has several longer prefixes (their
 * lengths' probes are bl6_bucket's). Few instructions after the line's
 * miss: the next packet's miss can start while this one's is outstanding. */
static __always_inline int bl6_line_judge(const __u8 *src, __u32 key32, __u32 v, __u8 trace)
{
	__u32 h = blf_home6_idx(key32), fl = 0, afl = 0;
	int stable = 0, astable = 0, r;

	if (bl_none(&bl6_none, h)) /* no /32 of this index has a bucket */
		return bl_judge_slot(v & BLF_SLOT, trace);
	r = bl6_line_try(h, src, key32, v, trace, &fl, &stable);
	if (r != -2)
		return r;
	if (fl & BLF_H6_ALT) {
		r = bl6_line_try(h ^ 1, src, key32, v, trace, &afl, &astable);
		if (r != -2 || !astable)
			return r != -2 ? r : -1;
	}
	if ((fl & BLF_H6_OVF) || !stable)
		return -1;
	return bl_judge_slot(v & BLF_SLOT, trace); /* no bucket for the /32 */
}

/* 1 + slot of the longest match of a source the lines left to bl6_mid:
 * its /32's bucket and the probes that names, or the memo's answer; v is
 * the source's bl6_top word (bucket i). */
static __always_inline __u32 bl6_slow_find(const __u8 *src, __u32 i, __u32 key32, __u32 v,
					   __u8 trace)
{
	struct bl6_probe p = {.hi = bl6_half(src, 0), .lo = bl6_half(src, 1)};
	__u64 gen = bl_gen_now();
	struct blf_memo_slot *e = bl_top6(i) == v ? bl_memo_at(p.hi, p.lo) : NULL;
	struct blf_mid6 *mid;
	__u32 s1;

	if (bl_memo_get(e, 6, p.hi, p.lo, gen, &s1))
		return s1;
	mid = bpf_map_lookup_elem(&bl6_mid, &key32);
	s1 = mid ? bl6_bucket(&p, mid, v) : v & BLF_SLOT;
	bl_memo_put(e, 6, p.hi, p.lo, gen, s1, trace);
	return s1;
}

static __always_inline int bl6_judge(const __u8 *src, __u8 trace)
{
	__u32 i = (__u32)src[0] << 8 | src[1], key32, v;
	int r;

	v = bl_top6(i);
	if (!(v & BLF_T6_MID))
		return bl_judge_slot(v & BLF_SLOT, trace);
	__builtin_memcpy(&key32, src, 4);
	r = bl6_line_judge(src, key32, v, trace);
	if (r >= 0)
		return r;
	return bl_judge_slot(bl6_slow_find(src, i, key32, v, trace), trace);
}

/* The lookup proper. Not inlined: its keys live in its own stack frame, not
 * in the entry function's, which shares the 512-byte limit with the
 * balancer's calls. */
static __noinline int bl_lookup(const struct flow_key *k)
{
	return k->family == 4 ? bl4_judge(k->src, k->trace) : bl6_judge(k->src, k->trace);
}

/* Stateful blocklist by source prefix: 1 when the longest prefix holding the
 * source is blocked (and not expired). The count test is inlined: with no
 * entry of the packet's family (the common case) nothing else runs. */
static __always_inline int blocklisted(const struct flow_key *k)
{
	__u32 zero = 0;
	struct blf_counts *n = bpf_map_lookup_elem(&bl_count, &zero);

	if (!n || !n->n[k->family == 4 ? 0 : 1])
		return 0;
	return bl_lookup(k);
}

#endif /* XDPD_BLOCKLIST_H */
