/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Trace mode: the daemon runs the live program on a frame it built
 * (BPF_PROG_TEST_RUN) with struct xdpd_trace_meta in the XDP metadata area
 * in front of it. A frame whose metadata carries the cookie of sample_cfg
 * is judged like any other, but flow_key.trace is set, so that every side
 * effect is skipped (counters, blocklist hits, rate-limit windows, the
 * round-robin position, connection and NAT tables, samples), and the
 * decision is written back into the metadata, which the test run returns.
 *
 * Real frames carry no metadata ahead of xdpd's program (it is the only
 * one on the interface), so for them the test is one pointer comparison.
 */
#ifndef XDPD_TRACE_H
#define XDPD_TRACE_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdpd_abi.h"
#include "sample.h"

static __always_inline int trace_begin(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	struct xdpd_trace_meta *tm = (void *)(long)ctx->data_meta;
	struct xdpd_sample_cfg *sc;
	__u32 zero = 0;

	if ((void *)(tm + 1) > data)
		return 0;
	sc = bpf_map_lookup_elem(&sample_cfg, &zero);
	return sc && sc->trace_cookie && tm->cookie == sc->trace_cookie;
}

static __always_inline void trace_end(struct xdp_md *ctx, const struct flow_key *k,
				      const struct outcome *o)
{
	void *data = (void *)(long)ctx->data;
	struct xdpd_trace_meta *tm = (void *)(long)ctx->data_meta;

	if (!k->trace || (void *)(tm + 1) > data)
		return;
	tm->action = o->action;
	tm->reason = (__u8)o->reason;
	tm->rule_slot = o->rule_slot;
	tm->lb_slot = o->lb_slot;
	tm->bk_slot = o->bk_slot;
	tm->generation = cfg.generation;
	tm->done = 1;
}

#endif /* XDPD_TRACE_H */
