// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The small exact-match fields: protocol (256 values), ICMP type (512:
 * is_v6 * 256 + type) and interface (one entry per policy interface). Each
 * value's class = the rules that leave the field open + the rules that name
 * the value; the rules are bucketed by value first, so the cost is
 * O(values * nwords + rules), never values x rules.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>

#include "compile_internal.h"

struct key_rule {
	uint32_t key, rule;
};

static int cmp_key_rule(const void *a, const void *b)
{
	const struct key_rule *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* table[k] for k < nkeys = class of (unconstrained rules of f) | (rules
 * paired with k). Keys without pairs share the unconstrained class, which is
 * also f's miss class. */
static int classes_by_key(struct compile_ctx *cc, enum xdpd_field f, struct key_rule *pairs,
			  size_t npairs, uint32_t *table, uint32_t nkeys, uint32_t *miss)
{
	uint64_t *base, *bm;
	size_t i = 0;
	int err;

	base = calloc(2 * (size_t)(cc->nwords ? cc->nwords : 1), sizeof(*base));
	if (!base)
		return -ENOMEM;
	bm = base + (cc->nwords ? cc->nwords : 1);
	bm_unconstrained(cc, f, base);
	err = cls_intern(&cc->store, base, miss);
	qsort(pairs, npairs, sizeof(*pairs), cmp_key_rule);
	for (uint32_t k = 0; k < nkeys && !err; k++) {
		table[k] = *miss;
		if (i == npairs || pairs[i].key != k)
			continue;
		bm_copy(bm, base, cc->nwords);
		for (; i < npairs && pairs[i].key == k; i++)
			bm_set(bm, pairs[i].rule);
		err = cls_intern(&cc->store, bm, &table[k]);
	}
	free(base);
	return err;
}

int compile_proto(struct compile_ctx *cc, struct compiled_policy *c)
{
	struct key_rule *pairs = malloc((cc->nrules ? cc->nrules : 1) * sizeof(*pairs));
	size_t n = 0;
	int err;

	if (!pairs)
		return -ENOMEM;
	for (uint32_t i = 0; i < cc->nrules; i++) {
		int proto = cc->p->rules[i].protocol;

		if (proto >= 0 && proto < 256)
			pairs[n++] = (struct key_rule){proto, i};
	}
	err = classes_by_key(cc, XDPD_F_PROTO, pairs, n, c->proto_cls, 256,
			     &c->config.miss_class[XDPD_F_PROTO]);
	free(pairs);
	return err;
}

/* A type only exists for ICMP in IPv4 and ICMPv6 in IPv6; a rule with a type
 * and no protocol accepts it in both families. */
int compile_icmp(struct compile_ctx *cc, struct compiled_policy *c)
{
	struct key_rule *pairs = malloc(2 * (cc->nrules ? cc->nrules : 1) * sizeof(*pairs));
	size_t n = 0;
	int err;

	if (!pairs)
		return -ENOMEM;
	for (uint32_t i = 0; i < cc->nrules; i++) {
		const struct policy_rule *r = &cc->p->rules[i];

		if (r->icmp_type < 0 || r->icmp_type > 255)
			continue;
		if (r->protocol < 0 || r->protocol == IPPROTO_ICMP)
			pairs[n++] = (struct key_rule){r->icmp_type, i};
		if (r->protocol < 0 || r->protocol == IPPROTO_ICMPV6)
			pairs[n++] = (struct key_rule){256 + r->icmp_type, i};
	}
	err = classes_by_key(cc, XDPD_F_ICMP, pairs, n, c->icmp_cls, XDPD_ICMP_TABLE_SIZE,
			     &c->config.miss_class[XDPD_F_ICMP]);
	free(pairs);
	return err;
}

static int iface_pairs(const struct compile_ctx *cc, struct key_rule **out, size_t *n)
{
	const struct policy *p = cc->p;
	size_t total = 0;

	for (uint32_t i = 0; i < cc->nrules; i++)
		total += p->rules[i].n_ifaces;
	*out = malloc((total ? total : 1) * sizeof(**out));
	if (!*out)
		return -ENOMEM;
	*n = 0;
	for (uint32_t i = 0; i < cc->nrules; i++)
		for (size_t j = 0; j < p->rules[i].n_ifaces; j++)
			for (size_t k = 0; k < p->n_ifaces; k++)
				if (!strcmp(p->rules[i].ifaces[j], p->ifaces[k].name))
					(*out)[(*n)++] = (struct key_rule){k, i};
	return 0;
}

static int iface_entries(struct compile_ctx *cc, struct compiled_policy *c, const uint32_t *cls,
			 const struct slot_lookup *slots, ifindex_fn ifindex, void *ifindex_ctx)
{
	for (size_t k = 0; k < cc->p->n_ifaces; k++) {
		const char *name = cc->p->ifaces[k].name;
		struct cls_iface_entry *e = &c->ifaces[k];
		int idx = ifindex(ifindex_ctx, name);
		int slot = slots->iface_slot(slots->ctx, name);

		if (idx < 0) {
			snprintf(cc->err, cc->errlen, "interface '%s': no such interface", name);
			return -ENOENT;
		}
		if (slot < 0) {
			snprintf(cc->err, cc->errlen, "interface '%s': no counter slot (%s)", name,
				 strerror(-slot));
			return -ENOENT;
		}
		e->ifindex = idx;
		e->cfg.slot = slot;
		e->cfg.cls = cls[k];
	}
	c->n_ifaces = cc->p->n_ifaces;
	return 0;
}

/* Rules naming an interface absent from the policy's interface list can
 * never see a packet from it; validation reports them, compile ignores them. */
int compile_ifaces(struct compile_ctx *cc, struct compiled_policy *c,
		   const struct slot_lookup *slots, ifindex_fn ifindex, void *ifindex_ctx)
{
	size_t nif = cc->p->n_ifaces, npairs;
	struct key_rule *pairs;
	uint32_t *cls;
	int err;

	c->ifaces = calloc(nif ? nif : 1, sizeof(*c->ifaces));
	cls = calloc(nif ? nif : 1, sizeof(*cls));
	err = c->ifaces && cls ? iface_pairs(cc, &pairs, &npairs) : -ENOMEM;
	if (err) {
		free(cls);
		return err;
	}
	err = classes_by_key(cc, XDPD_F_IFACE, pairs, npairs, cls, nif,
			     &c->config.miss_class[XDPD_F_IFACE]);
	free(pairs);
	if (!err)
		err = iface_entries(cc, c, cls, slots, ifindex, ifindex_ctx);
	free(cls);
	return err;
}
