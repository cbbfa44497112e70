// SPDX-License-Identifier: GPL-2.0-or-later
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "compile_fixture.h"
#include "policy_gen.h"

uint32_t gen_u32(struct gen_rng *g, uint32_t n)
{
	/* xorshift64* */
	g->s ^= g->s >> 12;
	g->s ^= g->s << 25;
	g->s ^= g->s >> 27;
	return n ? (uint32_t)((g->s * 0x2545f4914f6cdd1dULL) >> 32) % n : 0;
}

static bool chance(struct gen_rng *g, uint32_t percent)
{
	return gen_u32(g, 100) < percent;
}

/* An address from a small universe so that random prefixes nest. */
static void gen_addr(struct gen_rng *g, uint8_t family, uint8_t *a)
{
	static const uint8_t v4_first[] = {10, 192, 203};
	static const uint8_t v6_pfx[4] = {0x20, 0x01, 0x0d, 0xb8};

	memset(a, 0, 16);
	if (family == AF_INET) {
		a[0] = v4_first[gen_u32(g, 3)];
		a[1] = gen_u32(g, 3);
		a[2] = gen_u32(g, 4);
		a[3] = chance(g, 50) ? gen_u32(g, 4) : gen_u32(g, 256);
		return;
	}
	memcpy(a, v6_pfx, 4);
	if (chance(g, 10))
		a[0] = 0xfe;
	a[4] = gen_u32(g, 3);
	a[7] = gen_u32(g, 3);
	a[15] = gen_u32(g, 4);
}

static void gen_prefix(struct gen_rng *g, uint8_t family, struct prefix *p)
{
	static const uint8_t len4[] = {0, 8, 15, 16, 23, 24, 30, 32};
	static const uint8_t len6[] = {0, 16, 32, 37, 40, 64, 126, 128};
	uint32_t bits = family == AF_INET ? 32 : 128;

	p->family = family;
	gen_addr(g, family, p->addr);
	if (chance(g, 30))
		p->len = gen_u32(g, bits + 1);
	else
		p->len = family == AF_INET ? len4[gen_u32(g, 8)] : len6[gen_u32(g, 8)];
	for (uint32_t b = p->len; b < bits; b++)
		p->addr[b / 8] &= ~(0x80 >> (b % 8));
}

static uint16_t gen_port(struct gen_rng *g)
{
	static const uint16_t pts[] = {0, 1, 22, 79, 80, 81, 443, 1023, 1024, 65534, 65535};

	return chance(g, 70) ? pts[gen_u32(g, 11)] : gen_u32(g, 65536);
}

static void gen_ports(struct gen_rng *g, struct port_range **v, size_t *n)
{
	uint32_t count = 1 + gen_u32(g, 3);

	for (uint32_t i = 0; i < count; i++) {
		uint16_t lo = gen_port(g);
		uint32_t hi = lo;

		if (chance(g, 10))
			hi = 65535;
		else if (chance(g, 50))
			hi = lo + gen_u32(g, 1000);
		fx_add_ports(v, n, lo, hi > 65535 ? 65535 : hi);
	}
}

static void gen_prefixes(struct gen_rng *g, struct prefix **v, size_t *n)
{
	uint32_t count = 1 + gen_u32(g, 3);

	for (uint32_t i = 0; i < count; i++) {
		struct prefix p;

		gen_prefix(g, chance(g, 50) ? AF_INET : AF_INET6, &p);
		fx_add_prefix(v, n, &p);
	}
}

static int gen_protocol(struct gen_rng *g)
{
	static const int protos[] = {-1,	  -1,		IPPROTO_TCP,	IPPROTO_TCP,
				     IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6, 47};

	return protos[gen_u32(g, 8)];
}

static void gen_rule(struct gen_rng *g, struct policy *p)
{
	static const int types[] = {0, 3, 8, 128, 129, 255};
	struct policy_rule *r = fx_rule_add(p);

	r->action = chance(g, 50) ? POLICY_DROP : POLICY_PASS;
	r->protocol = gen_protocol(g);
	if (chance(g, 40))
		gen_prefixes(g, &r->src, &r->n_src);
	if (chance(g, 40))
		gen_prefixes(g, &r->dst, &r->n_dst);
	if (chance(g, 30))
		gen_ports(g, &r->src_ports, &r->n_src_ports);
	if (chance(g, 40))
		gen_ports(g, &r->dst_ports, &r->n_dst_ports);
	if (r->protocol != IPPROTO_TCP && r->protocol != IPPROTO_UDP && chance(g, 30))
		r->icmp_type = types[gen_u32(g, 6)];
	if (chance(g, 15)) {
		r->tcp_mask = 1 + gen_u32(g, 255);
		r->tcp_value = gen_u32(g, 256);
	}
	if (chance(g, 10)) {
		r->has_rate_limit = true;
		r->rl_pps = 1 + gen_u32(g, 1000);
		r->rl_per = chance(g, 50) ? RL_PER_SOURCE : RL_PER_RULE;
	}
	for (uint32_t k = 0; k < FX_NIFACES; k++)
		if (chance(g, 12))
			fx_add_iface(r, p->ifaces[k].name);
}

struct policy *gen_policy(struct gen_rng *g, size_t nrules)
{
	struct policy *p = fx_policy_new(nrules);

	for (size_t i = 0; i < nrules; i++)
		gen_rule(g, p);
	return p;
}

/* Rule i of the mix; see policy_gen.h. */
static void mix_rule(struct policy_rule *r, size_t i, size_t n)
{
	char a[64];

	snprintf(a, sizeof(a), "10.%zu.%zu.0/24", i >> 8 & 127, i & 255);
	if (i + 1 == n)
		return; /* the catch-all */
	if (i % GEN_MIX_HOT_EVERY == 13) {
		/* the hot group: one prefix, SYN required but by the last */
		r->protocol = IPPROTO_TCP;
		fx_add_src(r, GEN_MIX_HOT_SRC "/24");
		if (i + GEN_MIX_HOT_EVERY + 1 < n) {
			r->tcp_mask = GEN_MIX_SYN;
			r->tcp_value = GEN_MIX_SYN;
		}
		return;
	}
	switch (i % 6) {
	case 0:
		r->protocol = IPPROTO_TCP;
		fx_add_src(r, a);
		fx_add_ports(&r->dst_ports, &r->n_dst_ports, GEN_MIX_PORT(i), GEN_MIX_PORT(i));
		break;
	case 1:
		r->protocol = IPPROTO_UDP;
		fx_add_src(r, a);
		fx_add_ports(&r->dst_ports, &r->n_dst_ports, GEN_MIX_PORT(i), GEN_MIX_PORT(i) + 3);
		break;
	case 2:
		r->protocol = IPPROTO_TCP;
		snprintf(a, sizeof(a), "2001:db8:%zx::/48", i & 0xffff);
		fx_add_src(r, a);
		break;
	case 3:
		r->protocol = IPPROTO_UDP;
		snprintf(a, sizeof(a), "172.16.%zu.%zu", i >> 8 & 255, i & 255);
		fx_add_dst(r, a);
		fx_add_ports(&r->src_ports, &r->n_src_ports, 1024, 65535);
		break;
	case 4:
		r->protocol = 47;
		fx_add_src(r, a);
		break;
	default:
		r->protocol = IPPROTO_ICMP;
		r->icmp_type = 8;
		fx_add_src(r, a);
		break;
	}
}

struct policy *gen_mix_policy(size_t nrules)
{
	struct policy *p = fx_policy_new(nrules);

	for (size_t i = 0; i < nrules; i++) {
		struct policy_rule *r = fx_rule_add(p);

		r->action = i % 2 ? POLICY_PASS : POLICY_DROP;
		mix_rule(r, i, nrules);
	}
	return p;
}

/* Keeps the first len bits of the rule's prefix, the rest from the universe. */
static void addr_from(struct gen_rng *g, const struct prefix *v, size_t n, uint8_t family,
		      uint8_t *a)
{
	gen_addr(g, family, a);
	for (size_t tries = 0; n && tries < 4; tries++) {
		const struct prefix *p = &v[gen_u32(g, n)];

		if (p->family != family)
			continue;
		for (uint32_t b = 0; b < p->len; b++) {
			uint8_t bit = 0x80 >> (b % 8);

			a[b / 8] = (a[b / 8] & ~bit) | (p->addr[b / 8] & bit);
		}
		return;
	}
}

static uint16_t port_from(struct gen_rng *g, const struct port_range *v, size_t n)
{
	const struct port_range *r;

	if (!n || chance(g, 25))
		return gen_port(g);
	r = &v[gen_u32(g, n)];
	switch (gen_u32(g, 5)) {
	case 0:
		return r->lo;
	case 1:
		return r->hi;
	case 2:
		return r->lo - 1; /* wraps at 0: still a valid port */
	case 3:
		return r->hi + 1;
	default:
		return r->lo + gen_u32(g, r->hi - r->lo + 1);
	}
}

static uint8_t proto_for(struct gen_rng *g, const struct policy_rule *r, uint8_t family)
{
	static const uint8_t protos[] = {IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6,
					 47,	      0,	   255};

	if (r && r->protocol >= 0 && chance(g, 90))
		return r->protocol;
	if (r && r->icmp_type >= 0 && chance(g, 70))
		return family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	return protos[gen_u32(g, 7)];
}

static uint8_t family_for(struct gen_rng *g, const struct policy_rule *r)
{
	if (r && r->n_src && chance(g, 80))
		return r->src[0].family;
	if (r && r->n_dst && chance(g, 80))
		return r->dst[0].family;
	return chance(g, 50) ? AF_INET : AF_INET6;
}

void gen_packet(struct gen_rng *g, const struct policy *p, struct emul_pkt *k)
{
	const struct policy_rule *r = p->n_rules ? &p->rules[gen_u32(g, p->n_rules)] : NULL;

	memset(k, 0, sizeof(*k));
	k->ifindex = FX_IFINDEX0 + gen_u32(g, FX_NIFACES);
	k->family = family_for(g, r);
	k->proto = proto_for(g, r, k->family);
	k->first_frag = chance(g, 90);
	addr_from(g, r ? r->src : NULL, r ? r->n_src : 0, k->family, k->src);
	addr_from(g, r ? r->dst : NULL, r ? r->n_dst : 0, k->family, k->dst);
	k->sport = port_from(g, r ? r->src_ports : NULL, r ? r->n_src_ports : 0);
	k->dport = port_from(g, r ? r->dst_ports : NULL, r ? r->n_dst_ports : 0);
	k->icmp_type =
	    r && r->icmp_type >= 0 && chance(g, 80) ? (uint32_t)r->icmp_type : gen_u32(g, 256);
	k->tcp_flags = r && r->tcp_mask && chance(g, 70) ? r->tcp_value : gen_u32(g, 256);
}
