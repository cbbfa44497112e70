/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The xdpd datapath: one XDP program per generation. For each packet:
 * parse -> blocklist -> rules -> load balancers -> default_action, then
 * count the verdict per interface and per rule.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdpd_abi.h"
#include "maps.h"
#include "parse.h"
#include "classify.h"
#include "lb.h"
#include "sample.h"
#include "trace.h"
#include "blocklist.h"

char _license[] SEC("license") = "GPL";

#define XDPD_NO_RULE ((__u32)-1)

struct verdict {
	__u32 action;	 /* xdp_action */
	__u32 rule_slot; /* counter slot of the deciding rule, or XDPD_NO_RULE */
	__u32 reason;	 /* XDPD_WHY_*, for samples and traces */
	__u32 lb[2];	 /* balancer and backend slots, or XDPD_NO_SLOT */
};

/* Only the two actions a policy can name ever leave the judgement: anything
 * else (an unset or corrupt value) passes. */
static __always_inline __u32 policy_action(__u8 a)
{
	return a == XDPD_ACT_DROP ? XDP_DROP : XDP_PASS;
}

static __always_inline void judge(struct xdp_md *ctx, struct cls_search *st,
				  const struct xdpd_iface_cfg *ic, struct verdict *v)
{
	if (blocklisted(&st->k)) {
		v->action = XDP_DROP;
		v->reason = XDPD_WHY_BLOCKLIST;
		return;
	}
	if (classify(st, ic)) {
		v->action = policy_action(st->action);
		v->rule_slot = st->slot;
		v->reason = XDPD_WHY_RULE;
		return;
	}
	/* Load balancers (lb.h) judge here: after the rules, before the
	 * default action, on packets no rule decided. */
	v->reason = XDPD_WHY_BALANCER;
	if (lb_judge(ctx, &st->k, &v->action, v->lb))
		return;
	v->reason = XDPD_WHY_DEFAULT;
	v->action = policy_action(cfg.default_action);
}

static __always_inline void count(struct xdpd_counter *c, __u64 bytes)
{
	if (!c)
		return;
	c->packets++;
	c->bytes += bytes;
}

static __always_inline void account(const struct xdpd_iface_cfg *ic, const struct verdict *v,
				    __u64 bytes)
{
	__u32 idx = ic->slot * XDPD_NACT + v->action;
	__u32 slot = v->rule_slot;

	count(bpf_map_lookup_elem(&stats_iface, &idx), bytes);
	if (v->reason == XDPD_WHY_BLOCKLIST) {
		__u32 zero = 0;

		count(bpf_map_lookup_elem(&stats_blocklist, &zero), bytes);
	}
	if (slot != XDPD_NO_RULE)
		count(bpf_map_lookup_elem(&stats_rule, &slot), bytes);
}

/* Samples and traces see the verdict (sample.h, trace.h). */
static __always_inline void report(struct xdp_md *ctx, const struct flow_key *k,
				   const struct verdict *v)
{
	struct outcome o = {
	    .action = v->action,
	    .reason = v->reason,
	    .rule_slot = v->rule_slot,
	    .lb_slot = v->lb[0],
	    .bk_slot = v->lb[1],
	};

	sample_packet(ctx, k, &o);
	trace_end(ctx, k, &o);
}

/* After the verdict: counters (never for a trace frame), samples, traces.
 * Returns the verdict's action. */
static __always_inline __u32 finish(struct xdp_md *ctx, const struct xdpd_iface_cfg *ic,
				    const struct flow_key *k, const struct verdict *v, __u64 bytes)
{
	if (!k->trace)
		account(ic, v, bytes);
	report(ctx, k, v);
	return v->action;
}

/* A frame decided by the parser alone, before any rule: one the parser
 * refused passes untouched (reason unparsed), a tiny first fragment
 * (parse.h) is dropped (reason fragment). Counted and sampled as any
 * verdict. Its own path, so that the parser's every exit jumps here instead
 * of carrying a verdict's defaults along the parsed path. */
static __always_inline __u32 finish_unjudged(struct xdp_md *ctx, const struct xdpd_iface_cfg *ic,
					     const struct flow_key *k, __u32 action, __u32 reason,
					     __u64 bytes)
{
	struct verdict v = {.action = action,
			    .rule_slot = XDPD_NO_RULE,
			    .reason = reason,
			    .lb = {XDPD_NO_SLOT, XDPD_NO_SLOT}};

	return finish(ctx, ic, k, &v, bytes);
}

SEC("xdp")
int xdpd_main(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct verdict v = {.action = XDP_PASS,
			    .rule_slot = XDPD_NO_RULE,
			    .lb = {XDPD_NO_SLOT, XDPD_NO_SLOT}};
	struct cls_search st; /* classify() zeroes the search state it uses */
	struct xdpd_iface_cfg *ic;
	__u32 ifindex = ctx->ingress_ifindex;
	int parsed;

	/* not an interface of this policy (e.g. mid-reload): hands off */
	if (iface_direct) {
		ic = bpf_map_lookup_elem(&iface_tab, &ifindex);
		if (!ic || ic->slot == XDPD_IFACE_NONE)
			return XDP_PASS;
	} else {
		ic = bpf_map_lookup_elem(&iface_cfg, &ifindex);
		if (!ic)
			return XDP_PASS;
	}
	__builtin_memset(&st.k, 0, sizeof(st.k));
	st.k.trace = trace_begin(ctx);
	parsed = parse_packet(data, data_end, &st.k);
	if (parsed == PARSE_TINY_FRAGMENT)
		return finish_unjudged(ctx, ic, &st.k, XDP_DROP, XDPD_WHY_FRAGMENT,
				       data_end - data);
	if (parsed)
		return finish_unjudged(ctx, ic, &st.k, XDP_PASS, XDPD_WHY_UNPARSED,
				       data_end - data);
	judge(ctx, &st, ic, &v);
	return finish(ctx, ic, &st.k, &v, data_end - data);
}
