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
	__uint(max_entries, (1 << BLF_T4_BITS) / BLF_LINE);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct blf_line);
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
	__uint(max_entries, BLF_SLOTS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct blf_rec);
} bl_rec SEC(".maps");

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

/* Bucket i of a top array. */
static __always_inline __u32 bl_top(void *map, __u32 i)
{
	__u32 el = i / BLF_LINE;
	struct blf_line *l = bpf_map_lookup_elem(map, &el);

	return l ? l->b[i & (BLF_LINE - 1)] : 0;
}

/* 1 + slot of the longest IPv4 prefix holding src, 0 when none. */
static __always_inline __u32 bl4_find(const __u8 *src)
{
	__u32 a, v, m, *s;
	struct blf_long4_key lk;

	__builtin_memcpy(&a, src, 4);
	a = bpf_ntohl(a);
	v = bl_top(&bl4_top, a >> 8);
	/* longer prefixes under this /24: one probe per length present */
#pragma unroll
	for (int len = 32; len >= 25; len--) {
		if (!(v & (1u << (BLF_T4_SHIFT + len - 25))))
			continue;
		lk.len = len;
		m = bpf_htonl(a & (~0u << (32 - len)));
		__builtin_memcpy(lk.addr, &m, 4);
		s = bpf_map_lookup_elem(&bl4_long, &lk);
		if (s)
			return *s + 1;
	}
	return v & BLF_SLOT;
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

/* 1 + slot of the longest of the lengths in the masks (bit len - 33, see
 * struct blf_mid6) that src has an entry for, 0 when none. */
static __always_inline __u32 bl6_probe_long(const __u8 *src, __u64 m0, __u64 m1)
{
	struct blf_long6_key lk;
	__u64 hi, lo;
	__u32 *s;

	__builtin_memcpy(&hi, src, 8);
	__builtin_memcpy(&lo, src + 8, 8);
	hi = bpf_be64_to_cpu(hi);
	lo = bpf_be64_to_cpu(lo);
	for (int i = 0; i < 96; i++) {
		__u64 h = hi, l = lo;
		__u32 len, b;

		if (m1) {
			b = bl_hibit(m1);
			m1 &= ~(1ULL << b);
			len = 97 + b;
			l &= ~0ULL << (128 - len);
		} else if (m0) {
			b = bl_hibit(m0);
			m0 &= ~(1ULL << b);
			len = 33 + b;
			h &= ~0ULL << (64 - len);
			l = 0;
		} else {
			return 0;
		}
		lk.len = len;
		h = bpf_cpu_to_be64(h);
		l = bpf_cpu_to_be64(l);
		__builtin_memcpy(lk.addr, &h, 8);
		__builtin_memcpy(lk.addr + 8, &l, 8);
		s = bpf_map_lookup_elem(&bl6_long, &lk);
		if (s)
			return *s + 1;
	}
	return 0;
}

static __always_inline __u32 bl6_find(const __u8 *src)
{
	__u32 key32, v, found;
	struct blf_mid6 *mid;

	v = bl_top(&bl6_top, (__u32)src[0] << 8 | src[1]);
	if (v & BLF_T6_MID) {
		__builtin_memcpy(&key32, src, 4);
		mid = bpf_map_lookup_elem(&bl6_mid, &key32);
		if (mid) {
			found = bl6_probe_long(src, mid->mask[0], mid->mask[1]);
			if (found)
				return found;
			if (mid->best)
				return mid->best;
		}
	}
	return v & BLF_SLOT;
}

/* Stateful blocklist by source prefix: 1 when the longest prefix holding the
 * source is blocked. An expired entry is ignored until the daemon reaps it
 * (as the LPM lookup it replaces did: the longest match decides). */
static __always_inline int blocklisted(const struct flow_key *k)
{
	__u32 fam = k->family == 4 ? 0 : 1, zero = 0, slot;
	struct blf_counts *n;
	struct blf_rec *e;

	n = bpf_map_lookup_elem(&bl_count, &zero);
	if (!n || !n->n[fam]) /* the common case: no entries of this family */
		return 0;
	slot = fam ? bl6_find(k->src) : bl4_find(k->src);
	if (!slot)
		return 0;
	slot--;
	e = bpf_map_lookup_elem(&bl_rec, &slot);
	if (!e)
		return 0;
	if (e->expires_ns && e->expires_ns <= bpf_ktime_get_coarse_ns())
		return 0;
	if (!k->trace)
		__sync_fetch_and_add(&e->packets, 1);
	return 1;
}

#endif /* XDPD_BLOCKLIST_H */
