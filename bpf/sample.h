/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sampling: 1 of every N packets goes to user space through a BPF ring
 * buffer, with its flow, verdict and first bytes (struct
 * xdpd_sample_event). N is the policy's sampling.rate (rodata, one per
 * generation) unless a monitor client raised it for a while
 * (sample_cfg.rate_override, written by the daemon without a reload).
 *
 * The 1-in-N countdown and the event/lost counters are per CPU: no atomic
 * on the hot path. A full ring buffer costs a sample (counted as lost),
 * never the packet's verdict.
 */
#ifndef XDPD_SAMPLE_H
#define XDPD_SAMPLE_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdpd_abi.h"
#include "maps.h"
#include "parse.h"

/* ---- stateful maps (pinned, reused by every generation) ---- */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpd_sample_cfg);
} sample_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpd_sample_stats);
} sample_stats SEC(".maps");

/* Sized by the daemon from sampling.ring_buffer before load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} sample_ring SEC(".maps");

/* What the judgement decided about one packet (samples and traces). */
struct outcome {
	__u32 action; /* xdp_action */
	__u32 reason; /* XDPD_WHY_* */
	__u32 rule_slot, lb_slot, bk_slot;
};

static __always_inline __u32 sample_rate(void)
{
	struct xdpd_sample_cfg *sc;
	__u32 zero = 0;

	sc = bpf_map_lookup_elem(&sample_cfg, &zero);
	if (sc && sc->rate_override)
		return sc->rate_override;
	return cfg.sample_rate;
}

static __always_inline void sample_fill(struct xdpd_sample_event *ev, struct xdp_md *ctx,
					const struct flow_key *k, const struct outcome *o)
{
	__u64 len = bpf_xdp_get_buff_len(ctx);
	__u32 cap = len > XDPD_SAMPLE_BYTES ? XDPD_SAMPLE_BYTES : (__u32)len;

	ev->timestamp_ns = bpf_ktime_get_ns();
	ev->ifindex = ctx->ingress_ifindex;
	ev->len = (__u32)len;
	ev->rule_slot = o->rule_slot;
	ev->lb_slot = o->lb_slot;
	ev->bk_slot = o->bk_slot;
	ev->generation = cfg.generation;
	ev->action = (__u8)o->action;
	ev->reason = (__u8)o->reason;
	ev->family = k->family;
	ev->proto = k->proto;
	ev->sport = k->has_ports ? k->sport : 0;
	ev->dport = k->has_ports ? k->dport : 0;
	__builtin_memcpy(ev->src, k->src, 16);
	__builtin_memcpy(ev->dst, k->dst, 16);
	__builtin_memset(ev->pad, 0, sizeof(ev->pad));
	ev->cap_len = 0;
	if (cap >= 1 && cap <= XDPD_SAMPLE_BYTES && !bpf_xdp_load_bytes(ctx, 0, ev->data, cap))
		ev->cap_len = (__u16)cap;
}

/* After the verdict: every rate-th packet of this CPU becomes an event. */
static __always_inline void sample_packet(struct xdp_md *ctx, const struct flow_key *k,
					  const struct outcome *o)
{
	struct xdpd_sample_stats *st;
	struct xdpd_sample_event *ev;
	__u32 zero = 0, rate;

	if (k->trace)
		return;
	rate = sample_rate();
	if (!rate)
		return;
	st = bpf_map_lookup_elem(&sample_stats, &zero);
	if (!st)
		return;
	if (++st->skipped < rate)
		return;
	st->skipped = 0;
	ev = bpf_ringbuf_reserve(&sample_ring, sizeof(*ev), 0);
	if (!ev) {
		st->lost++;
		return;
	}
	sample_fill(ev, ctx, k, o);
	bpf_ringbuf_submit(ev, 0);
	st->events++;
}

#endif /* XDPD_SAMPLE_H */
