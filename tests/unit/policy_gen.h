/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Random policies and packets for the compiler's equivalence tests. Values
 * come from small universes (a few address blocks, port range endpoints,
 * ICMP types) so prefixes nest, ranges overlap and packets often hit rules.
 */
#ifndef XDPD_POLICY_GEN_H
#define XDPD_POLICY_GEN_H

#include "cls_emul.h"
#include "policy.h"

struct gen_rng {
	uint64_t s;
};

uint32_t gen_u32(struct gen_rng *g, uint32_t n); /* uniform in [0, n) */

/* A policy of nrules random rules over the fixture's interfaces. */
struct policy *gen_policy(struct gen_rng *g, size_t nrules);
/* A packet that often satisfies most conditions of a random rule of p. */
void gen_packet(struct gen_rng *g, const struct policy *p, struct emul_pkt *k);

/* The benchmark's kind of policy (bench/bench_gen.c), where every field's
 * class holds rules in every 64-rule word: rule i is by i % 6 tcp or udp
 * from 10.(i >> 8 & 127).(i & 255).0/24 to port GEN_MIX_PORT(i) (udp: a
 * range of 4), tcp from 2001:db8:i::/48, udp to 172.16.(i >> 8).(i & 255)
 * from ports 1024-65535, GRE or ICMP echo requests from the /24. Every
 * GEN_MIX_HOT_EVERY-th rule (from rule 13) is instead tcp from
 * GEN_MIX_HOT_SRC/24 and needs SYN, but the last of them: a non-SYN packet
 * from there meets candidates refused in many words. The last rule matches
 * everything. Actions alternate drop, pass. */
#define GEN_MIX_HOT_EVERY 97
#define GEN_MIX_HOT_SRC	  "10.200.0.0"
#define GEN_MIX_SYN	  0x02
#define GEN_MIX_PORT(i)	  ((uint16_t)(1024 + (i) * 7 % 60000))
struct policy *gen_mix_policy(size_t nrules);

#endif /* XDPD_POLICY_GEN_H */
