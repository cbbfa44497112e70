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

#endif /* XDPD_POLICY_GEN_H */
