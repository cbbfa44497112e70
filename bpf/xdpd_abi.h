/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The ABI between the XDP datapath (bpf/xdpd.bpf.c) and user space.
 * Every struct that crosses a map boundary is defined here, once.
 *
 * Two kinds of maps exist (see ../shared/design.md):
 *  - stateful maps: created once, pinned under <bpffs>/maps/<name>, reused by
 *    every later program instance (counters, blocklist, rate-limit state,
 *    metadata, slot bookkeeping). Their layout must stay compatible across
 *    xdpd versions; bump XDPD_ABI_VERSION when it cannot.
 *  - policy maps: owned by one generation (one loaded program instance),
 *    filled by the daemon before the program is attached or swapped in.
 */
#ifndef XDPD_ABI_H
#define XDPD_ABI_H

#ifdef __bpf__
#include <linux/types.h>
typedef __u8 xu8;
typedef __u16 xu16;
typedef __u32 xu32;
typedef __u64 xu64;
#else
#include <stdint.h>
typedef uint8_t xu8;
typedef uint16_t xu16;
typedef uint32_t xu32;
typedef uint64_t xu64;
#endif

#define XDPD_ABI_VERSION 1

/* Capacity of the stateful maps. Fixed because those maps are pinned and
 * reused across generations; documented in xdpd.yaml(5). */
#define XDPD_MAX_RULES	    16384 /* rule counter / rate-limit slots */
#define XDPD_MAX_IFACES	    256	  /* interface counter slots */
#define XDPD_MAX_BLOCKLIST  1048576
#define XDPD_RL_SOURCES	    65536 /* LRU entries for per-source rate limits */
#define XDPD_NAME_MAX	    64	  /* rule / balancer names, including NUL */
#define XDPD_IFNAME_MAX	    16	  /* IFNAMSIZ */
#define XDPD_COMMENT_MAX    64

/* Counter index per interface slot: slot * XDPD_NACT + action, where action
 * is the xdp_action value returned (ABORTED, DROP, PASS, TX, REDIRECT). */
#define XDPD_NACT 8

/* Classifier fields of the bit-vector classifier. */
enum xdpd_field {
	XDPD_F_IFACE = 0,
	XDPD_F_PROTO,
	XDPD_F_SRC,
	XDPD_F_DST,
	XDPD_F_SPORT,
	XDPD_F_DPORT,
	XDPD_F_ICMP,
	XDPD_NFIELDS,
};

/* Actions a rule or default_action can take (a subset of xdp_action values
 * so they can be returned directly). */
#define XDPD_ACT_DROP 1
#define XDPD_ACT_PASS 2

/* Port class table index: (dir * 2 + l4) * 65536 + port, XDPD_PORT_LINE
 * classes per map element (struct xdpd_port_line). */
#define XDPD_DIR_SRC 0
#define XDPD_DIR_DST 1
#define XDPD_L4_TCP  0
#define XDPD_L4_UDP  1
#define XDPD_PORT_TABLE_SIZE (4 * 65536)
/* Array elements are 8-byte aligned: one u32 class per element would take
 * 8 bytes, 2 MiB for the four tables, twice the cache lines a new flow's
 * random ports miss. A cache line of classes per element: 1 MiB. */
#define XDPD_PORT_LINE 16
struct xdpd_port_line {
	xu32 cls[XDPD_PORT_LINE];
};
/* ICMP class table index: is_v6 * 256 + type. */
#define XDPD_ICMP_TABLE_SIZE 512

/* Per-generation configuration, in the program's .rodata (set by the daemon
 * between open and load, so the verifier sees it as constant).
 *
 * Classifier layout: every field value maps to a global class id. Class c
 * owns words cls_words[c * nwords .. c * nwords + nwords - 1] (bit r of word
 * w set: rule w * 64 + r accepts this value) and the summary
 * cls_summary[c * nsum .. c * nsum + nsum - 1] (struct xdpd_cls_sum_word). A
 * field whose bit is clear in field_mask constrains no rule and is skipped.
 * miss_class[f] is the class used when a lookup for field f has no entry
 * (address not in any rule prefix, packet without ports, packet that is not
 * ICMP, interface not named by any rule). */
#define XDPD_SCAN4_MAX 8
struct xdpd_scan4 {
	xu32 net;  /* network order, host bits zero */
	xu32 mask; /* network order */
	xu32 cls;
};

#define XDPD_SCAN6_MAX 4
struct xdpd_scan6 {
	xu64 net[2];  /* the address as two host-order halves, host bits zero */
	xu64 mask[2]; /* host order */
	xu32 cls;
	xu32 pad;
};

/* A run of ports of one class: the ports after the previous run's last up
 * to last (struct xdpd_config.pscan). */
#define XDPD_PSCAN_MAX 8
struct xdpd_port_run {
	xu32 last;
	xu32 cls;
};

/* A small policy, judged by comparing the packet with each rule in turn
 * (struct xdpd_config.direct, bpf/classify_direct.h): at most
 * XDPD_DIRECT_MAX entries, one per combination of a rule's source and
 * destination prefixes and port ranges, in policy order, so the first entry
 * that matches is the first rule that does. For a few rules a handful of
 * compares with constants costs less than the classifier's class lookups,
 * word ANDs and rule_info read (~7 ns of a one-rule packet here). Rules with
 * a rate limit, and policies of more entries, keep the classifier. */
#define XDPD_DIRECT_MAX 8
#define XDPD_DR_IFACE 0x01 /* ifcls: the interface classes accepted */
#define XDPD_DR_PROTO 0x02
#define XDPD_DR_SRC   0x04
#define XDPD_DR_DST   0x08
#define XDPD_DR_SPORT 0x10 /* TCP or UDP with ports, in [lo, hi] */
#define XDPD_DR_DPORT 0x20
#define XDPD_DR_ICMP  0x40 /* ICMP of the packet's family, of this type */
#define XDPD_DR_TCP   0x80 /* TCP, (flags & tcp_mask) == tcp_value */

struct xdpd_direct_addr {
	xu32 family;  /* 4 or 6 (struct flow_key) */
	xu32 addr[4]; /* network order, host bits zero; IPv4: addr[0] */
	xu32 mask[4];
};

struct xdpd_direct_rule {
	xu8 flags; /* XDPD_DR_* */
	xu8 proto;
	xu8 icmp_type;
	xu8 action; /* XDPD_ACT_* */
	xu8 tcp_mask, tcp_value;
	xu16 sport_lo, sport_hi, dport_lo, dport_hi;
	xu16 pad;
	xu32 rule; /* index in the policy */
	xu32 slot; /* its counter slot */
	xu64 ifcls; /* bit c: interface class c (struct xdpd_iface_cfg.cls) */
	struct xdpd_direct_addr src, dst;
};

struct xdpd_config {
	xu32 generation;
	xu32 nrules;
	xu32 nwords;	 /* ceil(nrules / 64) */
	xu32 nsum;	 /* ceil(nwords / 64), at most XDPD_MAX_SUM */
	xu32 field_mask; /* 1 << enum xdpd_field */
	xu32 miss_class[XDPD_NFIELDS];
	xu8 default_action; /* XDPD_ACT_DROP | XDPD_ACT_PASS */
	xu8 pad[3];
	xu32 sample_rate; /* 0: off (issue: sampling) */
	/* Source (0) and destination (1) IPv4 classes of a policy with at most
	 * XDPD_SCAN4_MAX distinct IPv4 prefixes in the field: the trie's
	 * entries, longest prefix first, compared in the program instead of
	 * an LPM trie walk. scan4_n: 0 the trie decides, else 1 + entries. */
	xu32 scan4_n[2];
	struct xdpd_scan4 scan4[2][XDPD_SCAN4_MAX];
	/* The same for IPv6, with at most XDPD_SCAN6_MAX prefixes. */
	xu32 scan6_n[2];
	xu32 pad2[2];
	struct xdpd_scan6 scan6[2][XDPD_SCAN6_MAX];
	/* Per address table (XDPD_PFX_*): its prefix lengths, longest first,
	 * XDPD_PFX_NONE after the last, when it has at most XDPD_PFX_LENS of
	 * them: the datapath then searches "cls_pfx4" / "cls_pfx6" once per
	 * length (struct xdpd_pfx4_bucket). XDPD_PFX_TRIE in [0]: more
	 * lengths, the LPM trie answers. A trie lookup walks a node per bit
	 * that tells the prefixes apart, which costs far more than one probe. */
	xu8 pfx_len[4][4];
	xu32 prim_mask; /* 1 << the primary field of some rule (xdpd_cls_sum_word) */
	/* Per port table (dir * 2 + l4, as cls_port), when its 65,536 ports
	 * fall into at most XDPD_PSCAN_MAX runs of one class (a policy with a
	 * few ports or ranges): pscan_n runs, compared in the program instead
	 * of a read of cls_port, whose 256 KiB per table a new flow's random
	 * port misses in the caches. 0: cls_port decides. */
	xu32 pscan_n[4];
	struct xdpd_port_run pscan[4][XDPD_PSCAN_MAX];
	/* Buckets of "cls_pfx4" and "cls_pfx6", minus one (powers of two). */
	xu32 pfx4_mask, pfx6_mask;
	/* Entries of direct; 0: the classifier judges (XDPD_DIRECT_MAX). */
	xu32 ndirect;
	xu32 pad3;
	struct xdpd_direct_rule direct[XDPD_DIRECT_MAX];
};
#define XDPD_PFX_SRC4 0
#define XDPD_PFX_DST4 1
#define XDPD_PFX_SRC6 2
#define XDPD_PFX_DST6 3
#define XDPD_PFX_LENS 4
#define XDPD_PFX_NONE 0xff
#define XDPD_PFX_TRIE 0xfe

/* The address tables with few prefix lengths (config.pfx_len) are searched
 * by hash, one probe per length, longest first: the first hit is the
 * longest match (each entry holds the class of everything its prefix
 * implies). A key is the table (XDPD_PFX_*), the prefix length and the
 * address with the bits beyond it cleared. The tables are open-addressed
 * arrays of one-cache-line buckets, "cls_pfx4" for IPv4 and "cls_pfx6" for
 * IPv6, built by the daemon (daemon/compile_pfxhash.c) and probed inline by
 * the datapath: a probe reads the key's home bucket, and the next bucket
 * only when the home one overflowed into it (spill). A kernel hash map read
 * a bucket head, then the element, in a call to its lookup function: two
 * dependent cache misses for a new flow, where this is one. A slot holds its
 * class plus one; 0 marks a free slot. */
struct xdpd_pfx_key {
	xu8 table;
	xu8 len;
	xu8 pad[2];
	xu8 addr[16]; /* IPv4 in the first four bytes, the rest zero */
};

#define XDPD_PFX4_SLOTS 4
struct xdpd_pfx4_bucket {
	xu64 key[XDPD_PFX4_SLOTS]; /* xdpd_pfx4_word() */
	xu32 cls1[XDPD_PFX4_SLOTS];
	xu32 spill; /* 1: a key whose home this is lives in the next bucket */
	xu32 pad[3];
};

#define XDPD_PFX6_SLOTS 2
struct xdpd_pfx6_slot {
	xu64 hi, lo; /* xdpd_pfx_half() of address words 0-1 and 2-3 */
	xu32 tl;     /* table << 8 | length */
	xu32 cls1;
};
struct xdpd_pfx6_bucket {
	struct xdpd_pfx6_slot s[XDPD_PFX6_SLOTS];
	xu32 spill;
	xu32 pad[3];
};

/* Address words are four address bytes as a native load reads them (no
 * byte swap), the same in the program and in the daemon. */
static inline xu64 xdpd_pfx_half(xu32 w0, xu32 w1)
{
	return (xu64)w0 | (xu64)w1 << 32;
}

static inline xu64 xdpd_pfx4_word(xu32 table, xu32 len, xu32 addr)
{
	return (xu64)table | (xu64)len << 8 | (xu64)addr << 32;
}

/* A key's home bucket, before the mask: two independent products (they
 * overlap in the CPU), folded, and a last product whose high half depends
 * on every bit. IPv4 keys pass b = 0. */
static inline xu32 xdpd_pfx_hash(xu64 a, xu64 b)
{
	xu64 h = a * 0x9e3779b97f4a7c15ULL ^ b * 0xc2b2ae3d27d4eb4fULL;

	h ^= h >> 29;
	return (xu32)((h * 0xbf58476d1ce4e5b9ULL) >> 32);
}

/* The summary of a class (one cls_summary entry per class): bit w % 64 of
 * word w / 64 describes word w of the class; words from nsum on are zero.
 * Every rule has one primary field, among those it constrains the one
 * expected to accept the fewest packets (a long prefix rather than "tcp");
 * a rule that constrains nothing has the protocol. A rule that matches a
 * packet is in the class of the packet's value of its primary field, so the
 * words worth reading are the OR of the "prim" bits of the fields that are
 * some rule's primary one (config.prim_mask), ANDed with their "any" bits:
 * the OR is sparse even when every field's class holds rules in every word
 * (the rules that leave the field open). */
#define XDPD_MAX_SUM ((XDPD_MAX_RULES + 64 * 64 - 1) / (64 * 64))
struct xdpd_cls_sum_word {
	xu64 any;  /* bit set: the word of the class is non-zero */
	xu64 prim; /* bit set: the word holds a rule of the class whose
		    * primary field is one the class is used by */
};
/* cls_summary holds nsum words per class: word s of class c at
 * [c * nsum + s], any and prim side by side, so that a new flow's search
 * reads a class's summaries from one cache line (up to four words: every
 * policy of up to 16,384 rules), and the map is no larger than the policy
 * needs (3 words a class at 10,000 rules, not XDPD_MAX_SUM). */

/* A class's row in cls_words where it differs from the miss row of a field
 * that yields the class (one cls_spec entry per class): up to
 * XDPD_SPEC_WORDS of its words, inline; every other word of the row equals
 * the miss row's (config.miss_class[f]) for each such field f, unless full.
 * A class's row is mostly its field's miss row (the rules that leave the
 * field open, which accept every class) plus the words of the few rules
 * that name the class's value: the AND of a candidate word then reads the
 * inline word or a miss row (a few, hot, for every packet) instead of a
 * random word of cls_words (tens of MB at 10,000 rules). */
#define XDPD_SPEC_WORDS 3
#define XDPD_SPEC_NONE	0xffff
/* 32 bytes: an entry never straddles two cache lines. */
struct xdpd_cls_spec {
	xu16 w[XDPD_SPEC_WORDS]; /* word index; XDPD_SPEC_NONE: unused */
	xu16 full;		 /* 1: more words differ: read the row itself */
	xu64 v[XDPD_SPEC_WORDS];
};

/* Value of the per-generation "iface_cfg" hash map (key: __u32 ifindex), and
 * of the "iface_tab" array indexed by ifindex that replaces it when every
 * ifindex of the policy is below 65536 (rodata iface_direct = 1); entries of
 * iface_tab for other ifindexes have slot XDPD_IFACE_NONE. */
struct xdpd_iface_cfg {
	xu32 slot; /* counter slot, stable per interface name */
	xu32 cls;  /* class id for XDPD_F_IFACE */
};
#define XDPD_IFACE_NONE 0xffffffffu

#define XDPD_RULE_F_RATE_LIMIT	0x1
#define XDPD_RULE_F_RL_PER_SRC	0x2
#define XDPD_RULE_F_TCP_FLAGS	0x4

/* Value of the per-generation "rule_info" array (key: rule index in policy
 * order). */
struct xdpd_rule_info {
	xu32 slot;	/* counter / rate-limit slot, stable per rule name */
	xu8 action;	/* XDPD_ACT_* */
	xu8 flags;	/* XDPD_RULE_F_* */
	xu8 tcp_mask;	/* TCP flag bits that must be compared */
	xu8 tcp_value;	/* their required values */
	xu32 rl_pps;	/* rate limit, packets per second */
	xu32 pad;
};

/* LPM keys for classifier tries and blocklists. */
struct xdpd_lpm4 {
	xu32 prefixlen;
	xu8 addr[4];
};
struct xdpd_lpm6 {
	xu32 prefixlen;
	xu8 addr[16];
};

/* Counter values (per-CPU arrays; user space sums over possible CPUs). */
struct xdpd_counter {
	xu64 packets;
	xu64 bytes;
};

/* Blocklist entry (stateful LPM maps "blocklist4" / "blocklist6"). */
struct xdpd_block_entry {
	xu64 expires_ns; /* CLOCK_MONOTONIC (bpf_ktime_get_coarse_ns); 0: never */
	xu64 packets;	 /* hits, updated atomically */
	xu64 added_realtime_ns;
	char comment[XDPD_COMMENT_MAX];
};

/* Rate-limit state: fixed one-second windows. Rate-limited rules match only
 * when more than rl_pps packets arrived in the current window. */
struct xdpd_rl_state {
	xu64 window; /* bpf_ktime_get_coarse_ns() / 1e9 of the window */
	xu64 count;
};
struct xdpd_rl_src_key {
	xu32 slot;
	xu32 family; /* 4 or 6 */
	xu8 addr[16];
};

/* Stateful metadata ("meta", array of one). Written by user space only. */
struct xdpd_meta {
	xu32 abi_version;
	xu32 pad;
	xu64 generation;
	xu64 loaded_at_realtime_ns;
	xu8 policy_sha256[32];
	xu8 object_sha256[32]; /* of the embedded BPF object: upgrades reload */
	char policy_path[256];
};

/* Slot bookkeeping maps ("rule_slots": key char[XDPD_NAME_MAX] -> xu32 slot,
 * "iface_slots": key char[XDPD_IFNAME_MAX] -> xu32 slot). Stateful so that
 * counters of unchanged names survive reloads and restarts. */

/* ---- load balancers (bpf/lb.h, daemon/compile_lb.c) ---- */

#define XDPD_MAX_LBS	    1024   /* balancer slots (round-robin counters) */
#define XDPD_MAX_BACKENDS   65536  /* backend slots (counters, state overrides) */
#define XDPD_LB_CT_ENTRIES  131072 /* LRU connection-table entries */
#define XDPD_MAGLEV_SIZE    65537  /* maglev lookup-table size per balancer (prime) */
#define XDPD_LB_NONE	    0xffffffffu /* empty table entry: no usable backend */

#define XDPD_LB_SCHED_RR     0
#define XDPD_LB_SCHED_MAGLEV 1
#define XDPD_LB_FWD_NAT	     0
#define XDPD_LB_FWD_DSR	     1

/* Per-generation rodata of the balancers (const volatile lb_cfg). */
struct xdpd_lb_config {
	xu32 n_lbs;
	xu32 n_nat; /* balancers with forwarding: nat (reply translation on) */
};

/* Key of the per-generation "lb_svc" hash: what a packet must carry to be
 * balanced. port is the destination port in host order, 0 for ICMP. */
struct xdpd_lb_svc_key {
	xu8 family; /* 4 or 6 */
	xu8 proto;
	xu16 port;
	xu8 vip[16]; /* IPv4 in the first four bytes */
};

/* Value of "lb_svc". Every table offset points at the half the daemon
 * wrote last: runtime changes (health, states, MACs) fill the other half of
 * lb_bk / lb_maglev / lb_rr, then replace this value in one update, so a
 * packet sees either the old or the new backend set, never a mix. */
struct xdpd_lb_svc {
	xu32 slot;	/* stable balancer slot (round-robin counter) */
	xu8 sched;	/* XDPD_LB_SCHED_* */
	xu8 fwd;	/* XDPD_LB_FWD_* */
	xu8 half;	/* 0 or 1: the half the offsets below point at */
	xu8 pad;
	xu32 bk_off;	/* lb_bk index of backend slot 0 in this half */
	xu32 tbl_off;	/* first lb_maglev entry of this balancer's table */
	xu32 tbl_size;	/* maglev table size (prime), 0 for round robin */
	xu32 rr_off;	/* first lb_rr entry */
	xu32 rr_n;	/* usable backends for new flows in the rr list */
};

/* Backend states as the datapath sees them (API overrides and health
 * applied). A flow already in the connection table stays on an ACTIVE or
 * DRAIN backend; new flows only go to ACTIVE ones (through the tables). */
#define XDPD_BK_ACTIVE	 0
#define XDPD_BK_DRAIN	 1
#define XDPD_BK_DOWN	 2 /* disabled, unhealthy or no MAC: no traffic */

/* Value of the per-generation "lb_bk" array, indexed by bk_off + slot. */
struct xdpd_lb_backend {
	xu8 addr[16];
	xu8 mac[6];
	xu8 state; /* XDPD_BK_* */
	xu8 family;
	xu32 lb_slot; /* the balancer it belongs to */
	xu32 pad;
};

/* Connection table key ("lb_ct", stateful LRU): the client's 5-tuple as it
 * arrives (dst = the VIP). Ports in host order, 0 for ICMP. The same layout
 * keys "lb_rnat": a NAT reply as it arrives (src = the backend). */
struct xdpd_lb_flow {
	xu8 family;
	xu8 proto;
	xu16 pad;
	xu16 sport;
	xu16 dport;
	xu8 src[16];
	xu8 dst[16];
};

/* A UDP flow idle this long is a new flow when its next datagram comes (a
 * draining backend gets no more of it): a 5-tuple is all UDP has of a
 * connection. */
#define XDPD_LB_UDP_IDLE_S 60

/* 24 bytes, as before seen_s: a pinned table of the older layout is reused.
 * Its entries read as new flows (one new choice each), except the TCP flows
 * of balancer slot 0, whose bytes read the same in both layouts. */
struct xdpd_lb_ct {
	xu16 bk_slot; /* < XDPD_MAX_BACKENDS */
	xu16 lb_slot; /* < XDPD_MAX_LBS */
	xu32 seen_s;  /* UDP: last datagram, CLOCK_MONOTONIC seconds */
	xu8 bk_addr[16]; /* a slot reused by another backend does not inherit flows */
};

/* NAT reply translation: the VIP to restore as source, and the client's
 * MAC (the source MAC of its request) to send the reply to. */
struct xdpd_lb_rnat {
	xu8 vip[16];
	xu8 client_mac[6];
	xu16 pad;
};

/* Backend state set through the API ("lb_state", stateful hash; key
 * struct xdpd_lb_bk_key). It holds while the policy's own description of
 * the backend (state, weight, mac) keeps the fingerprint it had when the
 * override was set. */
struct xdpd_lb_bk_key {
	char lb[XDPD_NAME_MAX];
	xu8 family;
	xu8 pad[3];
	xu8 addr[16];
};

struct xdpd_lb_override {
	xu32 state; /* enum backend_state of daemon/policy.h */
	xu32 policy_fp;
	xu64 set_realtime_ns;
};

/* Slot bookkeeping: "lb_slots" (char[XDPD_NAME_MAX] -> xu32) and
 * "backend_slots" (struct xdpd_lb_bk_key -> xu32); per-backend counters in
 * "stats_backend" (per-CPU xdpd_counter by backend slot). */

/* ---- sampling and trace (bpf/sample.h, bpf/trace.h, daemon/monitor.c,
 * daemon/trace.c) ---- */

#define XDPD_SAMPLE_BYTES 128	      /* packet bytes carried by an event */
#define XDPD_NO_SLOT	  0xffffffffu /* no rule / balancer / backend decided */

/* Why a packet got its verdict. */
#define XDPD_WHY_UNPARSED  0 /* not parsed (not IP, truncated): passed */
#define XDPD_WHY_BLOCKLIST 1
#define XDPD_WHY_RULE	   2
#define XDPD_WHY_BALANCER  3
#define XDPD_WHY_DEFAULT   4
#define XDPD_WHY_FOREIGN   5 /* the interface is not in the policy: passed */
#define XDPD_WHY_FRAGMENT  6 /* a tiny first fragment (bpf/parse.h): dropped */

/* Stateful "sample_cfg" (array of one), written by user space only. */
struct xdpd_sample_cfg {
	xu32 rate_override; /* 0: cfg.sample_rate; N: 1 in N while a monitor asks */
	xu32 pad;
	xu64 trace_cookie; /* marks trace frames (struct xdpd_trace_meta); 0: none */
};

/* Stateful per-CPU "sample_stats" (array of one). */
struct xdpd_sample_stats {
	xu64 skipped; /* packets since this CPU's last sample (1-in-N) */
	xu64 events;  /* events submitted to the ring buffer */
	xu64 lost;    /* samples the ring buffer had no room for */
};

/* One record of the stateful "sample_ring" ring buffer. Addresses as in
 * struct flow_key (network order, IPv4 in the first 4 bytes), ports in host
 * order, 0 without TCP/UDP (as in the seed). data: the first cap_len bytes of
 * the frame as the verdict leaves it (a balanced packet shows its rewritten
 * headers). */
struct xdpd_sample_event {
	xu64 timestamp_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	xu32 ifindex;
	xu32 len;	/* bytes of the whole frame */
	xu32 rule_slot; /* XDPD_NO_SLOT unless a rule decided */
	xu32 lb_slot;	/* XDPD_NO_SLOT unless a balancer took it */
	xu32 bk_slot;
	xu32 generation;
	xu8 action; /* xdp_action */
	xu8 reason; /* XDPD_WHY_* */
	xu8 family; /* 4, 6, or 0 (not parsed) */
	xu8 proto;
	xu16 sport, dport;
	xu8 src[16], dst[16];
	xu16 cap_len;
	xu8 pad[6];
	xu8 data[XDPD_SAMPLE_BYTES];
};

/* The XDP metadata area in front of a trace frame (BPF_PROG_TEST_RUN
 * ctx_in.data = its size). Real frames never carry metadata ahead of xdpd's
 * program, the only one on the interface, so a matching cookie marks a trace:
 * the program then changes no state (counters, rate limits, round robin,
 * connection table, samples) and writes its decision back here. */
struct xdpd_trace_meta {
	xu64 cookie; /* in: xdpd_sample_cfg.trace_cookie */
	xu32 action; /* out: xdp_action */
	xu32 rule_slot;
	xu32 lb_slot;
	xu32 bk_slot;
	xu8 reason; /* out: XDPD_WHY_* */
	xu8 done;   /* out: 1 once the program wrote the fields above */
	xu16 pad;
	xu32 generation;
};

#endif /* XDPD_ABI_H */
