// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config.direct: a small policy as entries the datapath compares one by one
 * (struct xdpd_direct_rule, bpf/classify_direct.h). A rule with several
 * prefixes or port ranges becomes one entry per combination, in policy
 * order, so the first entry that matches belongs to the first rule that
 * does. The classifier's tables are built all the same; config.ndirect
 * says which of the two the program uses.
 */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "compile_internal.h"

static size_t count_or_one(size_t n)
{
	return n ? n : 1;
}

/* Entries rule r needs, or 0 when it cannot be judged rule by rule. */
static size_t rule_entries(const struct policy_rule *r)
{
	if (r->has_rate_limit)
		return 0; /* its state lives with the classifier's rule_info */
	return count_or_one(r->n_src) * count_or_one(r->n_dst) * count_or_one(r->n_src_ports) *
	       count_or_one(r->n_dst_ports);
}

static void direct_addr(const struct prefix *p, struct xdpd_direct_addr *d)
{
	uint8_t mask[16] = {0};

	for (int b = 0; b < p->len; b++)
		mask[b / 8] |= 0x80 >> (b % 8);
	d->family = p->family == AF_INET ? 4 : 6;
	memcpy(d->addr, p->addr, sizeof(d->addr));
	memcpy(d->mask, mask, sizeof(d->mask));
	for (int i = 0; i < 4; i++)
		d->addr[i] &= d->mask[i];
}

/* Bit c set when interface class c satisfies rule i: the classes the
 * policy's interfaces have, read from their bitmaps. -1 when a class does
 * not fit the 64-bit mask. */
static int rule_ifcls(const struct compiled_policy *c, uint32_t i, uint64_t *ifcls)
{
	*ifcls = 0;
	for (size_t j = 0; j < c->n_ifaces; j++) {
		uint32_t cls = c->ifaces[j].cfg.cls;

		if (cls >= 64)
			return -1;
		if (c->words[(size_t)cls * c->config.nwords + i / 64] >> (i % 64) & 1)
			*ifcls |= 1ULL << cls;
	}
	return 0;
}

/* The fields of rule i shared by all its entries. */
static int direct_base(const struct compiled_policy *c, const struct policy_rule *r, uint32_t i,
		       struct xdpd_direct_rule *e)
{
	memset(e, 0, sizeof(*e));
	e->rule = i;
	e->slot = c->rules[i].slot;
	e->action = c->rules[i].action;
	if (r->n_ifaces) {
		e->flags |= XDPD_DR_IFACE;
		if (rule_ifcls(c, i, &e->ifcls))
			return -1;
	}
	if (r->protocol >= 0) {
		e->flags |= XDPD_DR_PROTO;
		e->proto = (uint8_t)r->protocol;
	}
	if (r->icmp_type >= 0) {
		e->flags |= XDPD_DR_ICMP;
		e->icmp_type = (uint8_t)r->icmp_type;
	}
	if (r->tcp_mask) {
		e->flags |= XDPD_DR_TCP;
		e->tcp_mask = r->tcp_mask;
		e->tcp_value = r->tcp_value & r->tcp_mask;
	}
	return 0;
}

/* Appends rule i's entries (its combinations, source prefix outermost). */
static void direct_expand(const struct policy_rule *r, const struct xdpd_direct_rule *base,
			  struct xdpd_direct_rule *out, uint32_t *n)
{
	for (size_t s = 0; s < count_or_one(r->n_src); s++)
		for (size_t d = 0; d < count_or_one(r->n_dst); d++)
			for (size_t sp = 0; sp < count_or_one(r->n_src_ports); sp++)
				for (size_t dp = 0; dp < count_or_one(r->n_dst_ports); dp++) {
					struct xdpd_direct_rule *e = &out[(*n)++];

					*e = *base;
					if (r->n_src) {
						e->flags |= XDPD_DR_SRC;
						direct_addr(&r->src[s], &e->src);
					}
					if (r->n_dst) {
						e->flags |= XDPD_DR_DST;
						direct_addr(&r->dst[d], &e->dst);
					}
					if (r->n_src_ports) {
						e->flags |= XDPD_DR_SPORT;
						e->sport_lo = r->src_ports[sp].lo;
						e->sport_hi = r->src_ports[sp].hi;
					}
					if (r->n_dst_ports) {
						e->flags |= XDPD_DR_DPORT;
						e->dport_lo = r->dst_ports[dp].lo;
						e->dport_hi = r->dst_ports[dp].hi;
					}
				}
}

void compile_direct(const struct policy *p, struct compiled_policy *c)
{
	struct xdpd_direct_rule entries[XDPD_DIRECT_MAX], base;
	size_t total = 0;
	uint32_t n = 0;

	c->config.ndirect = 0;
	for (size_t i = 0; i < p->n_rules; i++) {
		size_t k = rule_entries(&p->rules[i]);

		if (!k || k > XDPD_DIRECT_MAX || (total += k) > XDPD_DIRECT_MAX)
			return;
	}
	for (uint32_t i = 0; i < p->n_rules; i++) {
		if (direct_base(c, &p->rules[i], i, &base))
			return;
		direct_expand(&p->rules[i], &base, entries, &n);
	}
	memcpy(c->config.direct, entries, n * sizeof(entries[0]));
	c->config.ndirect = n;
}
