// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The summary words of the classes (struct xdpd_cls_sum_word): which words of a
 * class are non-zero ("any"), and which hold rules that have their primary
 * field among the fields the class is used by ("prim"). The datapath reads
 * only the words in AND(any) & OR(prim) over the packet's classes.
 *
 * Why "prim": a realistic policy has, in every 64-rule word, rules that
 * leave a field open, so every class of every field is non-zero in every
 * word and "any" alone prunes nothing, while a packet matches few rules. A
 * rule that matches is in the class of the packet's value of each field it
 * constrains, in particular of one chosen field, so the search only needs
 * the words where some field's class holds a rule chosen through that field.
 * Choosing the most selective field keeps those sets small.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>

#include "compile_internal.h"

_Static_assert((XDPD_MAX_RULES + 63) / 64 <= 64 * XDPD_MAX_SUM, "summary words for every rule");

static int log2_ceil(uint64_t n)
{
	int b = 0;

	while (b < 63 && (1ULL << b) < n)
		b++;
	return b;
}

static int prefix_bits(const struct prefix *px, size_t n)
{
	int min = 128;

	for (size_t i = 0; i < n; i++)
		if (px[i].len < min)
			min = px[i].len;
	return min - log2_ceil(n) > 0 ? min - log2_ceil(n) : 0;
}

static int port_bits(const struct port_range *pr, size_t n)
{
	uint64_t width = 0;

	for (size_t i = 0; i < n; i++)
		width += (uint64_t)pr[i].hi - pr[i].lo + 1;
	return width < 65536 ? 16 - log2_ceil(width) : 0;
}

/* About -log2 of the share of packets that the rule's constraint on f
 * accepts, without knowing the traffic: address and port spaces taken as
 * uniform, TCP and UDP as most of the traffic, ICMP types as rare; -1 when
 * the rule leaves f open. */
static int field_bits(const struct policy *p, const struct policy_rule *r, enum xdpd_field f)
{
	if (!rule_constrains(r, f))
		return -1;
	switch (f) {
	case XDPD_F_SRC:
		return prefix_bits(r->src, r->n_src);
	case XDPD_F_DST:
		return prefix_bits(r->dst, r->n_dst);
	case XDPD_F_SPORT:
		return port_bits(r->src_ports, r->n_src_ports);
	case XDPD_F_DPORT:
		return port_bits(r->dst_ports, r->n_dst_ports);
	case XDPD_F_ICMP:
		return 12;
	case XDPD_F_PROTO:
		return r->protocol == IPPROTO_TCP || r->protocol == IPPROTO_UDP	      ? 2
		       : r->protocol == IPPROTO_ICMP || r->protocol == IPPROTO_ICMPV6 ? 6
										      : 8;
	case XDPD_F_IFACE:
		return p->n_ifaces > r->n_ifaces;
	default:
		return -1;
	}
}

enum xdpd_field rule_primary(const struct policy *p, const struct policy_rule *r)
{
	/* on equal bits the earlier field: addresses, then ports */
	static const enum xdpd_field order[] = {XDPD_F_SRC,   XDPD_F_DST,  XDPD_F_DPORT,
						XDPD_F_SPORT, XDPD_F_ICMP, XDPD_F_PROTO,
						XDPD_F_IFACE};
	enum xdpd_field best = XDPD_F_PROTO;
	int best_bits = -1;

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int b = field_bits(p, r, order[i]);

		if (b > best_bits) {
			best = order[i];
			best_bits = b;
		}
	}
	return best;
}

static void mark(uint8_t *used, uint32_t nclasses, uint32_t cls, enum xdpd_field f)
{
	if (cls < nclasses)
		used[cls] |= 1u << f;
}

void class_fields(const struct compiled_policy *c, uint8_t *used)
{
	uint32_t n = c->nclasses;

	for (int f = 0; f < XDPD_NFIELDS; f++)
		mark(used, n, c->config.miss_class[f], f);
	for (size_t i = 0; i < c->n_ifaces; i++)
		mark(used, n, c->ifaces[i].cfg.cls, XDPD_F_IFACE);
	for (uint32_t i = 0; i < 256; i++)
		mark(used, n, c->proto_cls[i], XDPD_F_PROTO);
	for (uint32_t i = 0; i < XDPD_ICMP_TABLE_SIZE; i++)
		mark(used, n, c->icmp_cls[i], XDPD_F_ICMP);
	for (uint32_t i = 0; i < XDPD_PORT_TABLE_SIZE; i++)
		mark(used, n, c->port_cls[i],
		     i / (2 * 65536) == XDPD_DIR_SRC ? XDPD_F_SPORT : XDPD_F_DPORT);
	for (size_t i = 0; i < c->n_src4; i++)
		mark(used, n, c->src4[i].cls, XDPD_F_SRC);
	for (size_t i = 0; i < c->n_src6; i++)
		mark(used, n, c->src6[i].cls, XDPD_F_SRC);
	for (size_t i = 0; i < c->n_dst4; i++)
		mark(used, n, c->dst4[i].cls, XDPD_F_DST);
	for (size_t i = 0; i < c->n_dst6; i++)
		mark(used, n, c->dst6[i].cls, XDPD_F_DST);
}

static void fill_summary(const struct compiled_policy *c, const uint8_t *used, const uint64_t *prim)
{
	uint32_t nwords = c->config.nwords, nsum = c->config.nsum;

	for (size_t k = 0; k < c->nclasses; k++) {
		const uint64_t *w = c->words + k * nwords;
		struct xdpd_cls_sum_word *s = c->summary + k * nsum;

		for (uint32_t i = 0; i < nwords; i++) {
			uint64_t bit = 1ULL << (i % 64);

			if (w[i])
				s[i / 64].any |= bit;
			for (int f = 0; f < XDPD_NFIELDS; f++)
				if ((used[k] & (1u << f)) && (w[i] & prim[(size_t)f * nwords + i]))
					s[i / 64].prim |= bit;
		}
	}
}

int build_summary(const struct compile_ctx *cc, struct compiled_policy *c)
{
	size_t n = c->nclasses;
	uint32_t nwords = c->config.nwords;
	uint64_t *prim;
	uint8_t *used;

	c->summary = calloc(n && c->config.nsum ? n * c->config.nsum : 1, sizeof(*c->summary));
	prim = calloc((size_t)XDPD_NFIELDS * (nwords ? nwords : 1), sizeof(*prim));
	used = calloc(c->nclasses ? c->nclasses : 1, sizeof(*used));
	if (!c->summary || !prim || !used) {
		free(prim);
		free(used);
		return -ENOMEM;
	}
	/* prim[f * nwords ..]: the rules whose primary field is f */
	for (uint32_t r = 0; r < cc->nrules; r++) {
		enum xdpd_field f = rule_primary(cc->p, &cc->p->rules[r]);

		bm_set(prim + (size_t)f * nwords, r);
		c->config.prim_mask |= 1u << f;
	}
	class_fields(c, used);
	fill_summary(c, used, prim);
	free(prim);
	free(used);
	return 0;
}
