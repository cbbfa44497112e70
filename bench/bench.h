/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpd-bench: the C half of bench/run. It generates policies and their
 * probe frames, fills blocklists and xdp-filter's maps, times programs with
 * BPF_PROG_TEST_RUN and prints the report. The shell half (bench/run) owns
 * the lab: network namespace, daemon, xdp-filter, timings of start/reload.
 */
#ifndef XDPD_BENCH_H
#define XDPD_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frames.h"

/* ---- bench_gen.c: the generated workload ---- */

/* The n-rule policy for interface ifname: realistic mix of IPv4/IPv6
 * CIDRs, single ports and ranges, tcp/udp/icmp/other protocols, drop and
 * pass. Rule 0 and rule n-1 are IPv4 TCP rules with a source /24 and a
 * destination port, so "first" and "last" probes cost the same to parse.
 * variant changes every port by one, for a reload that really changes the
 * policy. Returns 0 or -errno. */
int gen_policy(FILE *out, unsigned int n, const char *ifname, unsigned int variant);

/* Probe frames. */
enum probe {
	PROBE_RULE_FIRST, /* matches rule 0 (drop) */
	PROBE_RULE_LAST,  /* matches rule n-1 and no other */
	PROBE_RULE_NONE,  /* matches no rule */
	PROBE_VLAN,	  /* PROBE_RULE_LAST inside 802.1ad + 802.1Q tags */
	PROBE_IP6EXT,	  /* IPv6 TCP behind hop-by-hop, routing, dest-options headers */
	PROBE_BL4_MISS,	  /* IPv4 source outside every blocklist prefix */
	PROBE_BL4_HIT,	  /* IPv4 source inside the last blocklist prefix */
	PROBE_BL6_MISS,
	PROBE_BL6_HIT,
	PROBE_RULE_MIX, /* a random flow in the ranges of a random rule of the
			 * BENCH_MIX_RULES-rule policy, whatever the policy's size */
	PROBE_COUNT,
};
/* The policy whose rules' ranges PROBE_RULE_MIX draws from: the largest
 * one measured, so that every size sees the same flows. */
#define BENCH_MIX_RULES 10000u
const char *probe_name(enum probe p);
int probe_by_name(const char *name); /* enum probe or -EINVAL */
/* Builds the frame of probe p for an n-rule policy and an nbl-prefix
 * blocklist; seed != 0 draws another flow of the same kind (another source,
 * or another source port for the rule probes; any flow for rule-mix) for
 * distinct-flow runs.
 * Returns the frame length or -errno. */
int probe_build(enum probe p, unsigned int n, unsigned int nbl, uint32_t seed, uint8_t *buf,
		size_t cap);

/* Blocklist prefix i (of any count): spread over the address space, never
 * covering the probes' other sources; 3 of 4 are host prefixes. */
void gen_block4(uint32_t i, uint8_t addr[4], uint32_t *plen);
void gen_block6(uint32_t i, uint8_t addr[16], uint32_t *plen);

/* ---- bench_time.c: BPF_PROG_TEST_RUN ---- */

struct tframe {
	const uint8_t *data;
	uint32_t len;
};

/* Loads the first program of a BPF object file; returns its fd or -errno.
 * The object stays loaded while the fd is open. */
/* One run of frame f: returns the XDP action or -errno. */
int bench_verdict(int prog_fd, int ifindex, const struct tframe *f);
/* ns per packet of one BPF_PROG_TEST_RUN call with the given repeat,
 * measured around the call (sub-ns resolution). Negative: -errno. */
double bench_time_repeat(int prog_fd, int ifindex, const struct tframe *f, uint32_t repeat);
/* ns per packet of nf calls with repeat 1, one per frame: what a stream of
 * distinct packets costs. The kernel's measure of the run (the program and
 * the test harness around it; not the syscall). cold: the CPU caches are
 * flushed first. Negative: -errno. */
double bench_time_distinct(int prog_fd, int ifindex, const struct tframe *f, size_t nf, int cold);

/* ---- bench_fill.c: map contents ---- */

/* Adds blocklist prefixes [from, to) to the pinned stateful map
 * <bpffs>/maps/blocklist4 or blocklist6 (family 4 or 6). */
int fill_blocklist(const char *bpffs, int family, uint32_t from, uint32_t to);
/* The same prefixes into xdpd's lookup index (bench_blf.c; xh13). */
int fill_blocklist_index(const char *bpffs, int family, uint32_t from, uint32_t to);
/* Replaces the contents of xdp-filter's maps (found from the program
 * attached to ifname) with the equivalent of the n-rule policy (nbl == 0)
 * or of the first nbl blocklist prefixes of each family (xdp-filter's
 * address maps hold 10,000 entries: the rest is left out). Prints what was
 * written to stderr. */
int fill_xdpfilter(const char *ifname, unsigned int n, unsigned int nbl);

/* Per rule i of an n-rule policy, what xdp-filter can express of it. */
struct rule_view {
	int family;    /* of its addresses: 4 or 6, 0 when it has none */
	uint8_t proto; /* 0: any */
	uint8_t src[16], dst[16];
	uint32_t src_len, dst_len;   /* 0: no such condition */
	uint16_t dport_lo, dport_hi; /* 0: no port condition */
};
void gen_rule(unsigned int i, unsigned int n, unsigned int variant, struct rule_view *r);

/* ---- bench_measure.c ---- */

/* xdpd-bench measure [options]: returns the exit status. */
int bench_measure(int argc, char **argv);

/* ---- bench_rpc.c ---- */

/* One JSON-RPC call (no params) over the control socket: fills the time
 * from connect to the answer and the answer's first line. Returns 0 for a
 * result, -EPROTO for an error answer, -ETIMEDOUT, or -errno. */
int bench_rpc(const char *sock, const char *method, int timeout_ms, double *ms, char *answer,
	      size_t cap);

/* ---- bench_report.c ---- */

/* Prints the table and the targets from the measurement and operations
 * files; returns the number of targets that fell short. quick: only the
 * scaling check. */
int bench_report(const char *meas_path, const char *ops_path, const char *env_path, int quick);

#endif /* XDPD_BENCH_H */
