// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * compile_policy(): the policy -> the bit-vector classifier's tables. This
 * file orders the field builders (compile_*.c), fills the per-rule info and
 * the config; the summary words come from compile_summary.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "compile_internal.h"
#include "compile_lb.h"

bool rule_constrains(const struct policy_rule *r, enum xdpd_field f)
{
	switch (f) {
	case XDPD_F_IFACE:
		return r->n_ifaces > 0;
	case XDPD_F_PROTO:
		return r->protocol >= 0;
	case XDPD_F_SRC:
		return r->n_src > 0;
	case XDPD_F_DST:
		return r->n_dst > 0;
	case XDPD_F_SPORT:
		return r->n_src_ports > 0;
	case XDPD_F_DPORT:
		return r->n_dst_ports > 0;
	case XDPD_F_ICMP:
		return r->icmp_type >= 0;
	default:
		return false;
	}
}

void bm_unconstrained(const struct compile_ctx *cc, enum xdpd_field f, uint64_t *bm)
{
	memset(bm, 0, cc->nwords * sizeof(*bm));
	for (uint32_t i = 0; i < cc->nrules; i++)
		if (!rule_constrains(&cc->p->rules[i], f))
			bm_set(bm, i);
}

int intern_unconstrained(struct compile_ctx *cc, enum xdpd_field f, uint32_t *id)
{
	uint64_t *bm = calloc(cc->nwords ? cc->nwords : 1, sizeof(*bm));
	int err;

	if (!bm)
		return -ENOMEM;
	bm_unconstrained(cc, f, bm);
	err = cls_intern(&cc->store, bm, id);
	free(bm);
	return err;
}

static int fill_rule_info(const struct compile_ctx *cc, struct compiled_policy *c,
			  const struct slot_lookup *slots)
{
	for (uint32_t i = 0; i < cc->nrules; i++) {
		const struct policy_rule *r = &cc->p->rules[i];
		struct xdpd_rule_info *ri = &c->rules[i];
		int slot = slots->rule_slot(slots->ctx, r->name);

		if (slot < 0) {
			snprintf(cc->err, cc->errlen, "rule '%s': no counter slot (%s)", r->name,
				 strerror(-slot));
			return -ENOENT;
		}
		ri->slot = slot;
		ri->action = r->action == POLICY_DROP ? XDPD_ACT_DROP : XDPD_ACT_PASS;
		if (r->has_rate_limit) {
			ri->flags |= XDPD_RULE_F_RATE_LIMIT;
			if (r->rl_per == RL_PER_SOURCE)
				ri->flags |= XDPD_RULE_F_RL_PER_SRC;
			ri->rl_pps = r->rl_pps;
		}
		if (r->tcp_mask) {
			ri->flags |= XDPD_RULE_F_TCP_FLAGS;
			ri->tcp_mask = r->tcp_mask;
			ri->tcp_value = r->tcp_value & r->tcp_mask;
		}
	}
	return 0;
}

static void fill_config(const struct compile_ctx *cc, struct compiled_policy *c)
{
	struct xdpd_config *cfg = &c->config;

	cfg->nrules = cc->nrules;
	cfg->nwords = cc->nwords;
	cfg->nsum = (cc->nwords + 63) / 64;
	cfg->field_mask = 1u << XDPD_F_PROTO;
	for (uint32_t i = 0; i < cc->nrules; i++)
		for (int f = 0; f < XDPD_NFIELDS; f++)
			if (rule_constrains(&cc->p->rules[i], f))
				cfg->field_mask |= 1u << f;
	/* Pure functions of the policy; the datapath may still override them. */
	cfg->default_action = cc->p->default_action == POLICY_DROP ? XDPD_ACT_DROP : XDPD_ACT_PASS;
	cfg->sample_rate = cc->p->sampling.rate;
}

static int build_classes(struct compile_ctx *cc, struct compiled_policy *c,
			 const struct slot_lookup *slots, ifindex_fn ifindex, void *ifindex_ctx)
{
	int err;

	err = compile_ifaces(cc, c, slots, ifindex, ifindex_ctx);
	if (!err)
		err = compile_proto(cc, c);
	if (!err)
		err = compile_prefixes(cc, c);
	if (!err)
		err = compile_ports(cc, c);
	if (!err)
		err = compile_icmp(cc, c);
	if (err == -ENOMEM)
		snprintf(cc->err, cc->errlen, "out of memory compiling %u rules", cc->nrules);
	return err;
}

int compile_policy(const struct policy *p, const struct slot_lookup *slots, ifindex_fn ifindex,
		   void *ifindex_ctx, struct compiled_policy **out, char *err, size_t errlen)
{
	struct compile_ctx cc = {.p = p, .err = err, .errlen = errlen};
	struct compiled_policy *c;
	int ret;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	else
		cc.errlen = 0;
	if (p->n_rules > XDPD_MAX_RULES) {
		snprintf(err, cc.errlen, "%zu rules, at most %u are supported", p->n_rules,
			 XDPD_MAX_RULES);
		return -E2BIG;
	}
	cc.nrules = p->n_rules;
	cc.nwords = (cc.nrules + 63) / 64;

	c = calloc(1, sizeof(*c));
	if (!c || cls_store_init(&cc.store, cc.nwords)) {
		free(c);
		snprintf(err, cc.errlen, "out of memory compiling %u rules", cc.nrules);
		return -ENOMEM;
	}
	c->rules = calloc(cc.nrules ? cc.nrules : 1, sizeof(*c->rules));
	c->port_cls = calloc(XDPD_PORT_TABLE_SIZE, sizeof(*c->port_cls));
	ret = c->rules && c->port_cls ? 0 : -ENOMEM;
	if (ret)
		snprintf(err, cc.errlen, "out of memory compiling %u rules", cc.nrules);
	if (!ret)
		ret = fill_rule_info(&cc, c, slots);
	if (!ret)
		ret = build_classes(&cc, c, slots, ifindex, ifindex_ctx);
	if (ret) {
		cls_store_release(&cc.store);
		compiled_policy_free(c);
		return ret;
	}
	fill_config(&cc, c);
	compile_port_runs(c);
	c->nclasses = cc.store.n;
	c->words = cls_store_take_words(&cc.store);
	compile_direct(p, c);
	ret = build_summary(&cc, c);
	if (!ret)
		ret = build_spec(c);
	if (!ret)
		ret = compile_pfx_hash(c);
	if (ret) {
		snprintf(err, cc.errlen, "out of memory compiling %u rules", cc.nrules);
		compiled_policy_free(c);
		return ret;
	}
	ret = compile_lb(p, slots->lb, &c->lb, err, cc.errlen);
	if (ret) {
		compiled_policy_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

void compiled_policy_free(struct compiled_policy *c)
{
	if (!c)
		return;
	free(c->words);
	free(c->summary);
	free(c->spec);
	free(c->port_cls);
	free(c->src4);
	free(c->dst4);
	free(c->src6);
	free(c->dst6);
	free(c->pfx);
	free(c->pfx4);
	free(c->pfx6);
	free(c->ifaces);
	free(c->rules);
	compiled_lb_free(c->lb);
	free(c);
}
