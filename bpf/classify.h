/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rule classifier: bit-vector search (bpf-iptables' "Linear Bit Vector
 * Search"). Each field value maps to a class; each class owns a bitmap of the
 * rules it satisfies plus a summary bitmap of its non-zero words. The first
 * matching rule is the lowest bit set in the AND of the active fields'
 * bitmaps. Layout: struct xdpd_config in xdpd_abi.h.
 *
 * Every rule has a primary field (struct xdpd_cls_sum_word), and the summaries
 * tell which words hold rules of a class through its primary field: with
 * realistic policies every word of every class is non-zero (rules that leave
 * a field open), but a packet's candidates are in the few words of the rules
 * whose narrowest constraint it meets. The summary words before the first
 * candidate word are read inline; the rest of the search runs as one
 * bpf_loop() whose callback is a small state machine, one step per summary
 * word, candidate word or candidate rule, so the verifier sees one short body
 * instead of nested loops, and the cost follows the number of candidates
 * rather than the number of rules. Addresses find their class by hash, one
 * probe per prefix length, when their table has few lengths (cls_pfx4_class,
 * cls_pfx6_class).
 */
#ifndef XDPD_CLASSIFY_H
#define XDPD_CLASSIFY_H

#include <bpf/bpf_endian.h>

#include "maps.h"
#include "parse.h"

struct cls_search {
	struct flow_key k;
	__u32 cls[XDPD_NFIELDS]; /* the packet's class per field */
	__u64 m;		 /* summary bits (candidate words) left to visit */
	__u64 x;		 /* rule bits left to check in word w */
	__u32 s;		 /* next summary word */
	__u32 w;		 /* current word */
	__u64 now;		 /* bpf_ktime_get_coarse_ns(), 0 until needed */
	/* result */
	__u8 matched;
	__u8 action;
	__u8 uncacheable; /* a rate-limited rule was a candidate */
	__u32 rule;
	__u32 slot;
};

/* The flow-verdict cache: the first match of a search keyed by everything
 * the search looked at (the flow key, TCP flags included, and the
 * interface's class), so that the packets of a flow after its first skip
 * the bitmaps and the address tries. From two words on: a hit (~70-80 ns a
 * packet at 100 rules here) then beats the inline search (~105-170 ns, two
 * trie walks for a packet some rule could match), while a new flow pays
 * one random access into the slots: ~+100 ns at 8,192 slots per CPU
 * (460 KiB), next to nothing at 1,024, whose 56 KiB stay in the CPU's
 * caches (bench/run --quick, distinct flows, 10,000 rules: 369 vs 271 ns
 * over the syscall for the last rule); a one-word policy keeps the
 * inline search, whose miss is as cheap as a hit. Below
 * XDPD_CLS_CACHE_MIN_WORDS the verifier drops this code (cfg is constant).
 * A policy map: every generation starts with an empty cache, so no packet
 * is judged by a verdict of another policy. A search that met a
 * rate-limited rule depends on time and is not cached.
 *
 * Direct-mapped and per CPU: a slot is the key's hash modulo the size, and
 * holds the key it answers for. A lookup is one hash computed here, one
 * inlined array read and six word compares; a store overwrites the slot.
 * The key's words are composed from the flow key's fields (cls_cache_key),
 * which parse_packet has just stored one by one.
 * No helper call, no LRU bookkeeping: an LRU hash cost ~300 ns per new
 * flow (its insert) and ~25 ns per hit on this machine. Collisions only
 * evict (a miss, then the full search), never answer for another key, and
 * CPUs never share a slot, so no reader sees another's half-written one.
 * The key has the layout of the head of struct cls_search (k without its
 * trace flag, then cls[XDPD_F_IFACE]). */
#define XDPD_CLS_CACHE_MIN_WORDS 2    /* policies of 65 rules or more */
#define XDPD_CLS_CACHE_BITS	 10 /* 56 KiB per CPU: stays in its caches */
#define XDPD_CLS_CACHE_SLOTS	 (1u << XDPD_CLS_CACHE_BITS) /* per CPU */
#define XDPD_CLS_CACHE_NONE	 0xffffffffu /* cached: no rule matches */
#define XDPD_CLS_CACHE_WORDS	 6

struct cls_cache_key {
	struct flow_key k; /* k.trace cleared */
	__u32 ifcls;
};

_Static_assert(__builtin_offsetof(struct cls_search, cls) == sizeof(struct flow_key) &&
		       sizeof(struct cls_cache_key) == sizeof(struct flow_key) + sizeof(__u32) &&
		       sizeof(struct cls_cache_key) == XDPD_CLS_CACHE_WORDS * 8,
	       "the cache key must be the head of struct cls_search, in whole words");

/* A slot whose key is all zero is empty: a real key has family 4 or 6. */
struct cls_cache_slot {
	__u64 key[XDPD_CLS_CACHE_WORDS];
	__u32 rule;  /* index of the first matching rule, or XDPD_CLS_CACHE_NONE */
	__u16 slot;  /* the rule's counter slot (< XDPD_MAX_RULES) */
	__u8 action; /* and its action: a hit reads no rule_info */
	__u8 pad;
};
_Static_assert(XDPD_MAX_RULES <= 0x10000, "a rule slot fits a cache slot's __u16");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPD_CLS_CACHE_SLOTS);
	__type(key, __u32);
	__type(value, struct cls_cache_slot);
} cls_cache SEC(".maps");

/* Fields looked up for every packet: the declared ones plus the protocol,
 * which the compiler always emits so that the AND has at least one term. */
static __always_inline __u32 cls_active(void)
{
	return cfg.field_mask | (1u << XDPD_F_PROTO);
}

/* Index of the lowest set bit of x (x != 0): BPF has no ctz instruction, so
 * isolate the bit and hash it with a de Bruijn sequence. */
/* clang-format off */
static const __u8 debruijn64[64] = {
	0,  1,	2,  53, 3,  7,	54, 27, 4,  38, 41, 8,	34, 55, 48, 28,
	62, 5,	39, 46, 44, 42, 22, 9,	24, 35, 59, 56, 49, 18, 29, 11,
	63, 52, 6,  26, 37, 40, 33, 47, 61, 45, 43, 21, 23, 58, 17, 10,
	51, 25, 36, 32, 60, 20, 57, 16, 50, 31, 19, 15, 30, 14, 13, 12,
};
/* clang-format on */

static __always_inline __u32 ctz64(__u64 x)
{
	return debruijn64[((x & -x) * 0x022fdd63cc95386dULL) >> 58];
}

/* The class of port in table t (a constant after inlining) from its runs
 * in cfg.pscan; 0 when the table has too many runs and cls_port decides. */
static __always_inline int port_scan(__u32 t, __u32 port, __u32 *cls)
{
	__u32 n = cfg.pscan_n[t];
	int i;

#pragma unroll
	for (i = 0; i < XDPD_PSCAN_MAX; i++) {
		if (i >= n)
			break;
		if (port <= cfg.pscan[t][i].last) {
			*cls = cfg.pscan[t][i].cls;
			return 1;
		}
	}
	return 0;
}

static __always_inline __u32 port_class(const struct flow_key *k, __u32 f, __u32 dir)
{
	__u32 idx, el, port, cls;
	struct xdpd_port_line *l;
	int udp;

	if (!k->has_ports || (k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP))
		return cfg.miss_class[f];
	udp = k->proto == IPPROTO_UDP;
	port = dir == XDPD_DIR_SRC ? k->sport : k->dport;
	if (udp ? port_scan(dir * 2 + XDPD_L4_UDP, port, &cls)
		: port_scan(dir * 2 + XDPD_L4_TCP, port, &cls))
		return cls;
	idx = (dir * 2 + (udp ? XDPD_L4_UDP : XDPD_L4_TCP)) * 65536 + port;
	el = idx / XDPD_PORT_LINE;
	l = bpf_map_lookup_elem(&cls_port, &el);
	return l ? l->cls[idx % XDPD_PORT_LINE] : cfg.miss_class[f];
}

/* Word i (network order) of an address with the bits from len on cleared. */
static __always_inline __u32 pfx_word(const __u8 *addr, __u32 len, int i)
{
	__u32 w;

	if (len <= 32 * i)
		return 0;
	__builtin_memcpy(&w, addr + 4 * i, 4);
	if (len >= 32 * (i + 1))
		return w;
	return w & bpf_htonl(~0u << (32 * (i + 1) - len));
}

/* An IPv6 address as cls_pfx6_class() reads it. */
struct cls_addr {
	__u8 b[16];
};

/* 1 + the class of IPv4 key in bucket b, or 0 when it is not there. */
static __always_inline __u32 pfx4_in(const struct xdpd_pfx4_bucket *b, __u64 key)
{
	int s;

#pragma unroll
	for (s = 0; s < XDPD_PFX4_SLOTS; s++)
		if (b->cls1[s] && b->key[s] == key)
			return b->cls1[s];
	return 0;
}

/* 1 + the class of key in cls_pfx4 (struct xdpd_pfx4_bucket), or 0: its
 * home bucket, and the next one when the home one spilled. */
static __always_inline __u32 pfx4_probe(__u64 key)
{
	__u32 h = xdpd_pfx_hash(key, 0) & cfg.pfx4_mask, c1;
	const struct xdpd_pfx4_bucket *b = bpf_map_lookup_elem(&cls_pfx4, &h);

	if (!b)
		return 0;
	c1 = pfx4_in(b, key);
	if (c1 || !b->spill)
		return c1;
	h = (h + 1) & cfg.pfx4_mask;
	b = bpf_map_lookup_elem(&cls_pfx4, &h);
	return b ? pfx4_in(b, key) : 0;
}

/* The class of the longest match among IPv4 table t's prefixes, one probe
 * of cls_pfx4 per length (cfg.pfx_len, longest first), miss without one.
 * A global function: the verifier checks it once, for any arguments,
 * instead of once per state of its callers (the inline search reaches the
 * address lookups in many). */
__attribute__((noinline)) __u32 cls_pfx4_class(__u32 t, __u32 addr, __u32 miss)
{
	int j;

	if (t > XDPD_PFX_DST4)
		return miss;
#pragma unroll
	for (j = 0; j < XDPD_PFX_LENS; j++) {
		__u32 len = cfg.pfx_len[t][j], c1;

		if (len > 32)
			return miss;
		c1 = pfx4_probe(xdpd_pfx4_word(t, len, pfx_word((const __u8 *)&addr, len, 0)));
		if (c1)
			return c1 - 1;
	}
	return miss;
}

static __always_inline __u32 pfx6_in(const struct xdpd_pfx6_bucket *b, __u64 hi, __u64 lo, __u32 tl)
{
	int s;

#pragma unroll
	for (s = 0; s < XDPD_PFX6_SLOTS; s++) {
		const struct xdpd_pfx6_slot *e = &b->s[s];

		if (e->cls1 && e->hi == hi && e->lo == lo && e->tl == tl)
			return e->cls1;
	}
	return 0;
}

static __always_inline __u32 pfx6_probe(__u64 hi, __u64 lo, __u32 tl)
{
	__u32 h = xdpd_pfx_hash(hi ^ tl, lo) & cfg.pfx6_mask, c1;
	const struct xdpd_pfx6_bucket *b = bpf_map_lookup_elem(&cls_pfx6, &h);

	if (!b)
		return 0;
	c1 = pfx6_in(b, hi, lo, tl);
	if (c1 || !b->spill)
		return c1;
	h = (h + 1) & cfg.pfx6_mask;
	b = bpf_map_lookup_elem(&cls_pfx6, &h);
	return b ? pfx6_in(b, hi, lo, tl) : 0;
}

/* The same for IPv6 table XDPD_PFX_SRC6 + t6, in cls_pfx6. */
__attribute__((noinline)) __u32 cls_pfx6_class(__u32 t6, const struct cls_addr *addr, __u32 miss)
{
	__u32 t, c1;
	int j;

	if (!addr || t6 > XDPD_PFX_DST6 - XDPD_PFX_SRC6)
		return miss;
	t = XDPD_PFX_SRC6 + t6;
#pragma unroll
	for (j = 0; j < XDPD_PFX_LENS; j++) {
		__u32 len = cfg.pfx_len[t][j];
		__u64 hi, lo;

		if (len > 128)
			return miss;
		hi = xdpd_pfx_half(pfx_word(addr->b, len, 0), pfx_word(addr->b, len, 1));
		lo = xdpd_pfx_half(pfx_word(addr->b, len, 2), pfx_word(addr->b, len, 3));
		c1 = pfx6_probe(hi, lo, t << 8 | len);
		if (c1)
			return c1 - 1;
	}
	return miss;
}

static __always_inline __u32 addr_class(const struct flow_key *k, __u32 f, const __u8 *addr)
{
	__u32 t = f == XDPD_F_SRC ? XDPD_PFX_SRC4 : XDPD_PFX_DST4;
	__u32 *c;

	if (k->family == 4 && cfg.scan4_n[f - XDPD_F_SRC]) {
		__u32 n = cfg.scan4_n[f - XDPD_F_SRC] - 1, a;
		int i;

		__builtin_memcpy(&a, addr, 4);
#pragma unroll
		for (i = 0; i < XDPD_SCAN4_MAX; i++) {
			const volatile struct xdpd_scan4 *e = &cfg.scan4[f - XDPD_F_SRC][i];

			if (i >= n)
				break;
			if ((a & e->mask) == e->net)
				return e->cls;
		}
		return cfg.miss_class[f];
	}
	if (k->family == 6 && cfg.scan6_n[f - XDPD_F_SRC]) {
		__u32 n = cfg.scan6_n[f - XDPD_F_SRC] - 1;
		__u64 hi, lo;
		int i;

		__builtin_memcpy(&hi, addr, 8);
		__builtin_memcpy(&lo, addr + 8, 8);
		hi = bpf_be64_to_cpu(hi);
		lo = bpf_be64_to_cpu(lo);
#pragma unroll
		for (i = 0; i < XDPD_SCAN6_MAX; i++) {
			const volatile struct xdpd_scan6 *e = &cfg.scan6[f - XDPD_F_SRC][i];

			if (i >= n)
				break;
			if ((hi & e->mask[0]) == e->net[0] && (lo & e->mask[1]) == e->net[1])
				return e->cls;
		}
		return cfg.miss_class[f];
	}
	if (k->family == 4) {
		struct xdpd_lpm4 key = {.prefixlen = 32};

		if (cfg.pfx_len[t][0] != XDPD_PFX_TRIE) {
			__u32 a;

			__builtin_memcpy(&a, addr, 4);
			return cls_pfx4_class(t, a, cfg.miss_class[f]);
		}
		__builtin_memcpy(key.addr, addr, 4);
		c = bpf_map_lookup_elem(f == XDPD_F_SRC ? (void *)&cls_src4 : (void *)&cls_dst4,
					&key);
	} else {
		struct xdpd_lpm6 key = {.prefixlen = 128};

		t += XDPD_PFX_SRC6 - XDPD_PFX_SRC4;
		if (cfg.pfx_len[t][0] != XDPD_PFX_TRIE)
			return cls_pfx6_class(t - XDPD_PFX_SRC6, (const struct cls_addr *)addr,
					      cfg.miss_class[f]);
		__builtin_memcpy(key.addr, addr, 16);
		c = bpf_map_lookup_elem(f == XDPD_F_SRC ? (void *)&cls_src6 : (void *)&cls_dst6,
					&key);
	}
	return c ? *c : cfg.miss_class[f];
}

static __always_inline __u32 icmp_class(const struct flow_key *k)
{
	__u32 idx = (k->family == 6) * 256 + k->icmp_type, *c;

	if (!k->has_icmp)
		return cfg.miss_class[XDPD_F_ICMP];
	c = bpf_map_lookup_elem(&cls_icmp, &idx);
	return c ? *c : cfg.miss_class[XDPD_F_ICMP];
}

/* The class of the packet's value of field f (a constant after inlining). */
static __always_inline __u32 cls_class_of(struct cls_search *st, const struct xdpd_iface_cfg *ic,
					  __u32 f)
{
	__u32 proto = st->k.proto, *c;

	switch (f) {
	case XDPD_F_IFACE:
		return ic->cls;
	case XDPD_F_PROTO:
		c = bpf_map_lookup_elem(&cls_proto, &proto);
		return c ? *c : cfg.miss_class[XDPD_F_PROTO];
	case XDPD_F_SRC:
		return addr_class(&st->k, XDPD_F_SRC, st->k.src);
	case XDPD_F_DST:
		return addr_class(&st->k, XDPD_F_DST, st->k.dst);
	case XDPD_F_SPORT:
		return port_class(&st->k, XDPD_F_SPORT, XDPD_DIR_SRC);
	case XDPD_F_DPORT:
		return port_class(&st->k, XDPD_F_DPORT, XDPD_DIR_DST);
	default:
		return icmp_class(&st->k);
	}
}

static __always_inline void cls_lookup(struct cls_search *st, const struct xdpd_iface_cfg *ic)
{
	__u32 active = cls_active();
	int f;

	st->cls[XDPD_F_IFACE] = ic->cls;
#pragma unroll
	for (f = XDPD_F_PROTO; f < XDPD_NFIELDS; f++)
		if (active & (1u << f))
			st->cls[f] = cls_class_of(st, ic, f);
}

/* The order in which cls_and reads the fields' words of a candidate: the
 * ones likeliest to rule a candidate word out first (a destination port or
 * an address narrows a word to a few rules; the protocol or the interface
 * rarely), so that a word with no match costs one or two reads, not one per
 * field: each is a cache miss for a new flow of a large policy. */
static const __u8 cls_and_order[XDPD_NFIELDS] = {
	XDPD_F_DPORT, XDPD_F_SRC, XDPD_F_DST, XDPD_F_SPORT, XDPD_F_ICMP, XDPD_F_PROTO, XDPD_F_IFACE,
};

/* Word w of class c, yielded by field f: inline in its cls_spec entry, else
 * its field's miss row's (hot: every packet reads the few miss rows), else,
 * for a class whose row differs in more words (full), the row's own word in
 * cls_words. 0 for a class id out of range ("no rule"). */
static __always_inline __u64 cls_word(__u32 f, __u32 c, __u32 w)
{
	struct xdpd_cls_spec *sp = bpf_map_lookup_elem(&cls_spec, &c);
	__u32 idx;
	__u64 *v;
	int i;

	if (!sp)
		return 0;
#pragma unroll
	for (i = 0; i < XDPD_SPEC_WORDS; i++)
		if (sp->w[i] == w)
			return sp->v[i];
	idx = (sp->full ? c : cfg.miss_class[f]) * cfg.nwords + w;
	v = bpf_map_lookup_elem(&cls_words, &idx);
	return v ? *v : 0;
}

/* AND over the active fields of word w of each field's class (cls_word),
 * stopping at the first field that leaves no rule. A global function: the
 * verifier checks it once, not once per state of its callers, which its
 * early exits would multiply. */
__attribute__((noinline)) __u64 cls_and(const struct cls_search *st, __u32 w)
{
	__u32 active = cls_active();
	__u64 acc = ~0ULL;
	int i;

	if (!st)
		return 0;
#pragma unroll
	for (i = 0; i < XDPD_NFIELDS; i++) {
		__u32 f = cls_and_order[i];

		if (!(active & (1u << f)))
			continue;
		acc &= cls_word(f, st->cls[f], w);
		if (!acc)
			return 0;
	}
	return acc;
}

/* The words of summary word s worth reading (struct xdpd_cls_sum_word): holding
 * a rule of the primary field's class for at least one field that is some
 * rule's primary, and non-zero in those fields' classes. The other fields
 * are left to the AND of the words. */
static __always_inline __u64 cls_candidate_words(const struct cls_search *st, __u32 s)
{
	__u32 active = cfg.prim_mask;
	__u64 any = ~0ULL, prim = 0;
	int f;

#pragma unroll
	for (f = 0; f < XDPD_NFIELDS; f++) {
		struct xdpd_cls_sum_word *v;
		__u32 idx = st->cls[f] * cfg.nsum + s;

		if (!(active & (1u << f)))
			continue;
		v = bpf_map_lookup_elem(&cls_summary, &idx);
		if (!v)
			return 0;
		any &= v->any;
		prim |= v->prim;
	}
	return any & prim;
}

/* Fixed one-second windows; a rule limited to N pps applies to the packets
 * beyond the N-th of the window. The window reset races with other CPUs'
 * increments at the boundary; the error is a few packets per second. */
static __always_inline int rl_exceeded(struct xdpd_rl_state *rs, __u64 window, __u32 pps,
				       int trace)
{
	if (trace) /* what the next packet would see, without counting it */
		return (rs->window == window ? rs->count : 0) + 1 > pps;
	if (rs->window != window) {
		rs->window = window;
		rs->count = 0;
	}
	return __sync_fetch_and_add(&rs->count, 1) + 1 > pps;
}

static __always_inline int rl_check(struct cls_search *st, const struct xdpd_rule_info *ri)
{
	struct xdpd_rl_src_key key = {};
	struct xdpd_rl_state *rs;
	__u32 slot = ri->slot;
	__u64 window;

	if (!st->now)
		st->now = bpf_ktime_get_coarse_ns();
	window = st->now / 1000000000ULL;
	if (!(ri->flags & XDPD_RULE_F_RL_PER_SRC)) {
		rs = bpf_map_lookup_elem(&rl_rule, &slot);
		return rs ? rl_exceeded(rs, window, ri->rl_pps, st->k.trace) : 0;
	}
	key.slot = slot;
	key.family = st->k.family;
	__builtin_memcpy(key.addr, st->k.src, 16);
	rs = bpf_map_lookup_elem(&rl_source, &key);
	if (!rs) {
		struct xdpd_rl_state fresh = {.window = window, .count = 1};

		if (!st->k.trace)
			bpf_map_update_elem(&rl_source, &key, &fresh, BPF_NOEXIST);
		return 1 > ri->rl_pps;
	}
	return rl_exceeded(rs, window, ri->rl_pps, st->k.trace);
}

/* The checks the bitmaps cannot express, on one candidate rule. */
static __always_inline int rule_accepts(struct cls_search *st, __u32 r)
{
	struct xdpd_rule_info *ri;

	if (r >= cfg.nrules)
		return 0;
	ri = bpf_map_lookup_elem(&rule_info, &r);
	if (!ri)
		return 0;
	if ((ri->flags & XDPD_RULE_F_TCP_FLAGS) &&
	    (!st->k.has_tcp || (st->k.tcp_flags & ri->tcp_mask) != ri->tcp_value))
		return 0;
	if (ri->flags & XDPD_RULE_F_RATE_LIMIT)
		st->uncacheable = 1;
	if ((ri->flags & XDPD_RULE_F_RATE_LIMIT) && !rl_check(st, ri))
		return 0;
	st->action = ri->action;
	st->slot = ri->slot;
	st->rule = r;
	st->matched = 1;
	return 1;
}

/* One step of the search. Returns 1 to stop (match found or nothing left). */
static long cls_step(__u32 i, void *data)
{
	struct cls_search *st = data;

	if (st->x) {
		__u32 r = st->w * 64 + ctz64(st->x);

		st->x &= st->x - 1;
		return rule_accepts(st, r);
	}
	if (st->m) {
		st->w = (st->s - 1) * 64 + ctz64(st->m);
		st->m &= st->m - 1;
		st->x = cls_and(st, st->w);
		return 0;
	}
	if (st->s < cfg.nsum) {
		st->m = cls_candidate_words(st, st->s);
		st->s++;
		return 0;
	}
	return 1;
}

/* The first candidate word (the lowest bit of st->m) and its first rule,
 * as cls_step would take them, without entering bpf_loop: most packets some
 * rule matches are decided here. A function of its own, so that the
 * verifier meets its exits in one state of the caller. */
static __noinline int cls_first_word(struct cls_search *st)
{
	__u32 r;

	st->w = (st->s - 1) * 64 + ctz64(st->m);
	st->m &= st->m - 1;
	st->x = cls_and(st, st->w);
	if (!st->x)
		return 0;
	r = st->w * 64 + ctz64(st->x);
	st->x &= st->x - 1;
	return rule_accepts(st, r);
}

/* First rule that matches the packet: returns 1 and fills st->action,
 * st->rule, st->slot; 0 when no rule matches. The summary words before the
 * first candidate word are read inline (at most XDPD_MAX_SUM, mostly all of
 * them for a flow no rule matches), then the first candidate word by
 * cls_first_word(): bpf_loop only walks what comes after. */
static __always_inline int classify_search(struct cls_search *st,
					   const struct xdpd_iface_cfg *ic)
{
	__u32 s;

	cls_lookup(st, ic);
	st->m = 0;
#pragma unroll
	for (s = 0; s < XDPD_MAX_SUM; s++) {
		if (s >= cfg.nsum)
			return 0;
		st->m = cls_candidate_words(st, s);
		if (st->m)
			break;
	}
	if (!st->m)
		return 0;
	st->s = s + 1;
	if (cls_first_word(st))
		return 1;
	/* every step consumes a summary word, a word or a rule bit */
	bpf_loop(cfg.nsum + cfg.nwords + cfg.nrules + 1, cls_step, st, 0);
	return st->matched;
}

/* Policies of up to XDPD_CLS_INLINE_WORDS words (192 rules; cfg constant:
 * the verifier keeps one of the searches): field by field, the class and
 * its words ANDed into the candidates, inline, no summary level; the search
 * ends at the first field that leaves no candidate, so a packet no rule can
 * match costs only the lookups up to the field that rules it out (a UDP
 * packet against TCP rules: the protocol's). Cheap and selective fields
 * first, the addresses last. The lowest candidate of the first non-zero
 * word is checked inline, the next ones (a candidate a TCP-flags or
 * rate-limit check refused, then the later words) by cls_step's walk, which
 * needs every active field's class: by then all are looked up. No packet of
 * a flow no rule can match enters bpf_loop, whose per-step call costs more
 * than these few ANDs. */
#define XDPD_CLS_INLINE_WORDS 3

static __always_inline int cls_inline_field(struct cls_search *st, const struct xdpd_iface_cfg *ic,
					    __u32 f, __u64 *acc)
{
	__u64 any = 0, *v;
	__u32 w, idx;

	if (!(cls_active() & (1u << f)))
		return 1;
	st->cls[f] = cls_class_of(st, ic, f);
#pragma unroll
	for (w = 0; w < XDPD_CLS_INLINE_WORDS; w++) {
		if (w >= cfg.nwords)
			break;
		idx = st->cls[f] * cfg.nwords + w;
		v = bpf_map_lookup_elem(&cls_words, &idx);
		acc[w] = v ? acc[w] & *v : 0;
		any |= acc[w];
	}
	return any != 0;
}

static __always_inline int classify_inline(struct cls_search *st, const struct xdpd_iface_cfg *ic)
{
	__u64 acc[XDPD_CLS_INLINE_WORDS];
	__u32 w;

#pragma unroll
	for (w = 0; w < XDPD_CLS_INLINE_WORDS; w++)
		acc[w] = w < cfg.nwords ? ~0ULL : 0;
	st->cls[XDPD_F_IFACE] = ic->cls;
	if (!cls_inline_field(st, ic, XDPD_F_IFACE, acc) ||
	    !cls_inline_field(st, ic, XDPD_F_PROTO, acc) ||
	    !cls_inline_field(st, ic, XDPD_F_ICMP, acc) ||
	    !cls_inline_field(st, ic, XDPD_F_DPORT, acc) ||
	    !cls_inline_field(st, ic, XDPD_F_SPORT, acc) ||
	    !cls_inline_field(st, ic, XDPD_F_SRC, acc) || !cls_inline_field(st, ic, XDPD_F_DST, acc))
		return 0;
#pragma unroll
	for (w = 0; w < XDPD_CLS_INLINE_WORDS; w++) {
		__u64 x = acc[w];

		if (!x)
			continue;
		if (rule_accepts(st, w * 64 + ctz64(x)))
			return 1;
		st->x = x & (x - 1);
		st->w = w;
		/* the words after w, as summary bits of summary word 0 */
		st->m = ((1ULL << cfg.nwords) - 1) & ~((2ULL << w) - 1);
		st->s = cfg.nsum; /* one summary word, already taken: the walk ends */
		bpf_loop(XDPD_CLS_INLINE_WORDS * 65, cls_step, st, 0);
		return st->matched;
	}
	return 0;
}

/* Each word times its own odd constant, XORed: the six products are
 * independent, so they overlap in the CPU instead of forming a chain of
 * multiplications (a chain cost ~8 ns a packet here). A product only
 * carries a bit's influence upwards; the fold brings the high half back
 * down, so that keys differing in any one bit (TCP flags, the last address
 * byte) land apart. The slot is the top bits of a last product, which
 * depend on every bit of h. */
#define CLS_HASH_K 0x9e3779b97f4a7c15ULL

static __always_inline __u32 cls_cache_index(const __u64 *kw)
{
	static const __u64 mul[XDPD_CLS_CACHE_WORDS] = {
	    0x9e3779b97f4a7c15ULL, 0xc2b2ae3d27d4eb4fULL, 0x165667b19e3779f9ULL,
	    0xd6e8feb86659fd93ULL, 0xff51afd7ed558ccdULL, 0xc4ceb9fe1a85ec53ULL,
	};
	__u64 h = 0;
	int i;

#pragma unroll
	for (i = 0; i < XDPD_CLS_CACHE_WORDS; i++)
		h ^= kw[i] * mul[i];
	h ^= h >> 32;
	return (__u32)((h * CLS_HASH_K) >> (64 - XDPD_CLS_CACHE_BITS));
}

static __always_inline int cls_cache_holds(const struct cls_cache_slot *e, const __u64 *kw)
{
	__u64 diff = 0;
	int i;

#pragma unroll
	for (i = 0; i < XDPD_CLS_CACHE_WORDS; i++)
		diff |= e->key[i] ^ kw[i];
	return !diff;
}

/* The cache key as six words, composed from the fields as parse_packet
 * stored them (bytes, halves and words), not loaded as whole words from
 * the struct: a wide load of narrow stores fails store-to-load forwarding
 * and waits for the stores to reach the cache (~10 ns a packet here). */
/* One field as it was stored: a volatile load, so that the compiler does
 * not merge neighbouring fields into one wide load. */
#define CLS_FIELD(x) ((__u64) * (volatile typeof(x) *)&(x))

static __always_inline void cls_cache_key(const struct cls_search *st, __u64 *kw)
{
	const struct flow_key *k = &st->k;
	const __u32 *s = (const __u32 *)k->src, *d = (const __u32 *)k->dst;

	kw[0] = CLS_FIELD(k->family) | CLS_FIELD(k->proto) << 8 | CLS_FIELD(k->has_ports) << 16 |
		CLS_FIELD(k->has_icmp) << 24 | CLS_FIELD(k->has_tcp) << 32 |
		CLS_FIELD(k->icmp_type) << 40 | CLS_FIELD(k->tcp_flags) << 48;
	kw[1] = CLS_FIELD(k->sport) | CLS_FIELD(k->dport) << 16 | CLS_FIELD(s[0]) << 32;
	kw[2] = CLS_FIELD(s[1]) | CLS_FIELD(s[2]) << 32;
	kw[3] = CLS_FIELD(s[3]) | CLS_FIELD(d[0]) << 32;
	kw[4] = CLS_FIELD(d[1]) | CLS_FIELD(d[2]) << 32;
	kw[5] = CLS_FIELD(d[3]) | CLS_FIELD(st->cls[XDPD_F_IFACE]) << 32;
}

/* Everything after st->k to zero, cls[XDPD_F_IFACE] the interface's: the
 * state a search (inline or bitmap) starts from. The cache's hit path and
 * the rule-by-rule path need none of it. */
static __always_inline void cls_search_reset(struct cls_search *st, const struct xdpd_iface_cfg *ic)
{
	__builtin_memset(&st->cls, 0, sizeof(*st) - __builtin_offsetof(struct cls_search, cls));
	st->cls[XDPD_F_IFACE] = ic->cls;
}

/* The search through the cache. A cached rule needs no second look at its
 * rule_info: it cannot be rate-limited (such a search is not cached) and its
 * TCP flags are in the key, so the search would accept it again: same
 * verdict, same counters. */
static __always_inline int classify_cached(struct cls_search *st,
					   const struct xdpd_iface_cfg *ic)
{
	struct cls_cache_slot *e;
	__u64 kw[XDPD_CLS_CACHE_WORDS];
	__u32 idx;
	int i;

	st->cls[XDPD_F_IFACE] = ic->cls;
	cls_cache_key(st, kw);
	idx = cls_cache_index(kw);
	e = bpf_map_lookup_elem(&cls_cache, &idx);
	if (e && cls_cache_holds(e, kw)) {
		if (e->rule == XDPD_CLS_CACHE_NONE)
			return 0;
		st->rule = e->rule;
		st->slot = e->slot;
		st->action = e->action;
		st->matched = 1;
		return 1;
	}
	cls_search_reset(st, ic);
	if (cfg.nwords <= XDPD_CLS_INLINE_WORDS)
		classify_inline(st, ic);
	else
		classify_search(st, ic);
	if (e && !st->uncacheable && !st->k.trace) {
#pragma unroll
		for (i = 0; i < XDPD_CLS_CACHE_WORDS; i++)
			e->key[i] = kw[i];
		e->rule = st->matched ? st->rule : XDPD_CLS_CACHE_NONE;
		e->slot = (__u16)st->slot;
		e->action = st->action;
	}
	return st->matched;
}

/* Needs struct cls_search: included here, not at the top. */
#include "classify_direct.h"

/* Only st->k is set on entry: the search state after it is zeroed where a
 * search needs it (cls_search_reset), not for every packet. A new path must
 * reset before it reads past st->k: a privileged loader may read
 * uninitialized stack, so the verifier would not catch it. */
static __always_inline int classify(struct cls_search *st, const struct xdpd_iface_cfg *ic)
{
	if (!cfg.nrules)
		return 0;
	if (cfg.ndirect)
		return classify_direct(st, ic);
	if (cfg.nwords >= XDPD_CLS_CACHE_MIN_WORDS)
		return classify_cached(st, ic);
	cls_search_reset(st, ic);
	if (cfg.nwords <= XDPD_CLS_INLINE_WORDS)
		return classify_inline(st, ic);
	return classify_search(st, ic);
}

#endif /* XDPD_CLASSIFY_H */
