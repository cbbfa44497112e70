/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The blocklist's lookup index: the structure the datapath searches instead
 * of an LPM trie (a kernel LPM trie costs ~1.9 us per random-source lookup at
 * a million prefixes; see bench/RESULTS.md). Shared by bpf/blocklist.h (the
 * lookup) and daemon/blocklist_fast.c (the only writer).
 *
 * The records (expiry, comment, added time) stay in the LPM maps "blocklist4"
 * and "blocklist6"; this index is derived from them and points at one slot
 * per prefix:
 *
 * IPv4, DIR-24 style:
 *   bl4_top[addr >> 8]   struct blf_top4 (BLF_LINE4 per map element): a
 *                        word w and two hit counters. In w:
 *                        BLF_T4_SLOT: 1 + slot of the longest prefix of
 *                        length <= 24 covering this /24 (0: none);
 *                        BLF_T4_MASK: one bit per length 25..32 that some
 *                        prefix under this /24 has;
 *                        BLF_T4_SINGLE: the /24 holds exactly one longer
 *                        prefix, inline: its length, its last address byte
 *                        and its slot. A source under a lone host entry (the
 *                        common case) is decided by this one read.
 *                        BLF_T4_REC: a prefix deciding here (the covering
 *                        one or the inline one) has an expiry: its hits
 *                        are counted in bl_rec, which holds the expiry.
 *                        Without it (the common case: no ttl) a hit is
 *                        counted in the entry itself, pk[0] for the
 *                        covering slot and pk[1] for the inline one, and
 *                        the packet is decided by this one cache line.
 *                        The daemon folds those counters into bl_rec
 *                        before it rewrites w, and every few seconds (they
 *                        are 32 bits wide), so bl_rec + the entries' counts
 *                        is each prefix's hit count.
 *   bl4_long             hash {len, addr masked} -> slot, for lengths 25..32,
 *                        probed only for the lengths the mask names, longest
 *                        first, when the inline one does not match.
 * IPv6:
 *   bl6_top[addr >> 112] u32: BLF_SLOT bits for lengths <= 16; BLF_T6_MID
 *                        when some /32 under this /16 has a bl6_mid bucket.
 *   bl6_mid              hash /32 -> {best of lengths 17..32 covering the
 *                        /32, one bit per length 33..128 present under it,
 *                        and the /32's only longer prefix inline when there
 *                        is just one (the common case: a hit is then one
 *                        hash probe)}.
 *   bl6_long             hash {len, addr masked} -> slot, lengths 33..128.
 *   bl6_home[h(/32)]     one cache line per index (blf_home6_idx): a copy
 *                        of the bl6_mid bucket of one /32 that hashes
 *                        there (the first to come), with the hits of its
 *                        best and inline prefixes when neither has an
 *                        expiry (BLF_H6_REC clear: as bl4_top's counters),
 *                        so that a source under a /32 is decided by this
 *                        one line and not two hash misses and a record;
 *                        A /32 whose line is taken goes to the other line
 *                        of its pair (index ^ 1) when that one is free
 *                        (BLF_H6_ALT on its own line says so: the pair
 *                        shares a page, and the second line is often
 *                        fetched with the first); BLF_H6_OVF when some /32
 *                        hashing there is in neither, only in bl6_mid
 *                        (then a source not in the lines asks it).
 *                        The daemon rewrites a line under its seq (odd
 *                        while it writes): a reader that sees the seq odd
 *                        or changed asks bl6_mid, which stays complete.
 *                        The reader's loads are volatile, so clang keeps
 *                        their order, and x86-64 does not reorder loads
 *                        with loads; a port to a weaker memory model would
 *                        need a barrier between the field reads and the
 *                        second seq read.
 * Both, in front of the tables above:
 *   bl4_none[b]          one bit per /24 b, set when no prefix covers or
 *                        lies under it (bl4_top's word is 0);
 *   bl6_none[h]          one bit per bl6_home line h, set when the line
 *                        has no flags: no /32 of index h has a bucket, so a
 *                        source under such a /32 is decided by bl6_top.
 *                        The bits say "known empty": a set bit answers
 *                        without the 256 MiB (64 MiB) table, whose random
 *                        read costs a page walk and a cache miss, from 2 MiB
 *                        (128 KiB) that stay in the CPU's caches and TLB; a
 *                        clear bit (also every bit of a new map) only sends
 *                        the reader to the table. The daemon clears a bit
 *                        before it makes the entry non-empty and sets it
 *                        after the entry became empty, so a reader never
 *                        skips an entry that holds a prefix.
 * Both:
 *   bl_rec[slot]         expiry and hit counter (the datapath's only write).
 *   bl_slotkey[slot]     the prefix of a slot (user space only: lets a new
 *                        daemon rebuild its shadow without walking a trie).
 *   bl_count[family]     entries per family: 0 skips the lookup entirely.
 *   bl_gen               a u64 the daemon increments after every change of
 *                        the index (an add, a delete, an adoption), stored
 *                        after the change's own writes.
 * The slow path's memo: sources whose verdict needs a hash probe (a /24
 * with several longer prefixes, a /32 asking bl6_mid) keep its answer in
 * bl_memo (bpf/blocklist.h: per CPU and per generation, direct-mapped on
 * the address), tagged with bl_gen as read before the probes, and used
 * only while bl_gen is still that. The word that sent the packet to the
 * slow path (the /24's, the /16's) was read before bl_gen: it is read
 * again after, and when it changed meanwhile the memo is neither used nor
 * filled. The answer is a slot, not a verdict: its record's expiry is read
 * at every hit, as without the memo, and a changed or reused slot comes
 * with a new bl_gen. So a flow of such a source pays the probes once per
 * change, a packet after a change never sees an answer from before it,
 * and the fast path does not read bl_gen at all.
 * A packet costs one or two array reads plus, for sources under longer
 * prefixes, about one hash probe: never a walk whose depth grows with the
 * number of prefixes.
 */
#ifndef XDPD_BLOCKLIST_ABI_H
#define XDPD_BLOCKLIST_ABI_H

#include "xdpd_abi.h"

/* One slot per prefix of either family. */
#define BLF_SLOTS (2 * XDPD_MAX_BLOCKLIST)
#define BLF_SLOT  0x003fffffu /* 1 + slot: needs 22 bits for 2^21 slots */

#define BLF_T4_BITS	     24
#define BLF_T4_SLOT	     0x3fffffULL /* 1 + slot */
#define BLF_T4_MASK_SHIFT    22	 /* bit 22 + (len - 25) */
#define BLF_T4_MASK	     (0xffULL << BLF_T4_MASK_SHIFT)
#define BLF_T4_SINGLE	     (1ULL << 30)
#define BLF_T4_SLEN_SHIFT    31	 /* 3 bits: len - 25 */
#define BLF_T4_SBYTE_SHIFT   34	 /* 8 bits: last address byte, masked to len */
#define BLF_T4_SSLOT_SHIFT   42	 /* 21 bits: slot (not + 1) */
#define BLF_T4_SSLOT	     0x1fffffULL
#define BLF_T4_REC	     (1ULL << 63)
#define BLF_T6_BITS  16
#define BLF_T6_MID   0x80000000u
/* bl6_mid buckets and bl6_long entries: enough for a million prefixes plus
 * the /32 buckets that prefixes of lengths 17..32 expand into. */
#define BLF_MID6_MAX (2 * XDPD_MAX_BLOCKLIST)
#define BLF_LONG_MAX XDPD_MAX_BLOCKLIST

struct blf_long4_key {
	xu32 len;
	xu8 addr[4]; /* network order, masked to len */
};

struct blf_long6_key {
	xu32 len;
	xu8 addr[16];
};

struct blf_mid6 {
	xu32 best;    /* 1 + slot of the longest prefix of length 17..32 covering it */
	xu32 single;  /* 1 + slot of the /32's only longer prefix, inline; 0: not one */
	xu64 mask[2]; /* bit (len - 33): mask[0] lengths 33..96, mask[1] 97..128 */
	xu64 shi, slo; /* the inline prefix, host order, masked to slen */
	xu32 slen;
	xu32 pad;
};

#define BLF_H6_BITS  20
#define BLF_H6_VALID 1u /* key is a /32 whose bl6_mid bucket the line copies */
#define BLF_H6_OVF   2u /* some /32 of this index is only in bl6_mid */
#define BLF_H6_REC   4u /* best or single has an expiry: hits go to bl_rec */
#define BLF_H6_ALT   8u /* line index ^ 1 holds a /32 of this index */

/* bl6_home's index of a /32 (its 4 address bytes as loaded, unswapped). */
static inline xu32 blf_home6_idx(xu32 key)
{
	return (key * 0x9e3779b1u) >> (32 - BLF_H6_BITS);
}

/* One cache line (the array is mmapable: page-aligned elements). */
struct blf_home6 {
	xu32 seq;     /* odd while the daemon rewrites the line */
	xu32 key;     /* the /32, as bl6_mid's key */
	xu32 flags;   /* BLF_H6_* */
	xu32 best;    /* as struct blf_mid6 */
	xu32 single;
	xu32 slen;
	xu64 mask[2];
	xu64 shi, slo;
	xu32 pk[2]; /* hits of best, of single, when !BLF_H6_REC */
};

struct blf_rec {
	xu64 expires_ns; /* CLOCK_MONOTONIC; 0: never */
	xu64 packets;	 /* hits, updated atomically by the datapath */
};

struct blf_slotkey {
	xu8 family; /* 4 or 6; 0: free slot */
	xu8 len;
	xu8 pad[2];
	xu8 addr[16]; /* masked to len */
	xu32 pad2;    /* a multiple of 8: array elements are, also when mmapped */
};

/* An IPv4 /24: the word described above, and its hits when !BLF_T4_REC. */
struct blf_top4 {
	xu64 w;
	xu32 pk[2]; /* [0] the covering slot's hits, [1] the inline prefix's */
};

/* The top arrays hold a cache line of buckets per element, and the count
 * map one element: array elements are 8-byte aligned, so a u32 per element
 * would double the memory, and user space mmaps them as plain arrays. */
#define BLF_LINE4 4
#define BLF_LINE  16
struct blf_line4 {
	struct blf_top4 b[BLF_LINE4];
};
struct blf_line {
	xu32 b[BLF_LINE];
};
/* bl4_none and bl6_none: BLF_NONE_EL bits per map element, one cache line. */
#define BLF_NONE_EL 512
struct blf_bits {
	xu64 w[BLF_NONE_EL / 64];
};
struct blf_counts {
	xu32 n[2]; /* [0] IPv4 entries, [1] IPv6 entries */
};
struct blf_gen {
	xu64 gen;
};

/* A slot of bl_memo (the slow path's memo, above). 1,024 per CPU (32 KiB)
 * stay in the CPU's caches; a source is in slot hash(hi, lo) only, and a
 * collision only evicts. */
#define BLF_MEMO_BITS 10
struct blf_memo_slot {
	xu64 hi, lo; /* the source, host order: IPv4 in hi, lo 0 */
	xu64 gen;    /* bl_gen as read before the answer was looked up */
	xu32 fam;    /* 4 or 6; 0: empty */
	xu32 s1;     /* the answer: 1 + slot (bl4_long_find, bl6_slow_find) */
};

#endif /* XDPD_BLOCKLIST_ABI_H */
