/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The batch driver of the distinct-flow benchmarks (bench/batch.h): one
 * BPF_PROG_TEST_RUN call with a repeat of n runs this program n times; each
 * run writes the next of n stored frames into the packet and tail-calls the
 * program under test. So a stream of distinct flows reaches that program
 * back to back, as from a NIC ring, with no system call between two packets
 * to disturb the caches. The driver's own cost (a map read, a copy, a tail
 * call) is the same for every target and is part of the floor's time.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "batch_abi.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* set by the loader: the most frames a pass holds */
	__type(key, __u32);
	__type(value, struct batch_frame);
} batch_frames SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct batch_ctl);
} batch_ctl SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} batch_target SEC(".maps");

SEC("xdp")
int batch_driver(struct xdp_md *ctx)
{
	__u32 zero = 0, i, len;
	struct batch_ctl *c = bpf_map_lookup_elem(&batch_ctl, &zero);
	struct batch_frame *f;

	if (!c || !c->n)
		return XDP_ABORTED;
	i = c->next;
	c->next = i + 1 < c->n ? i + 1 : 0;
	f = bpf_map_lookup_elem(&batch_frames, &i);
	if (!f)
		return XDP_ABORTED;
	len = f->len;
	if (len < BATCH_FRAME_MIN || len > BATCH_FRAME_MAX)
		return XDP_ABORTED;
	/* the packet keeps the length the previous run left (the verifier
	 * lets no arithmetic near data_end: the driver remembers it) */
	if (bpf_xdp_adjust_tail(ctx, (int)len - (int)c->len))
		return XDP_ABORTED;
	if (bpf_xdp_store_bytes(ctx, 0, f->data, len))
		return XDP_ABORTED;
	c->len = len;
	bpf_tail_call(ctx, &batch_target, 0);
	return XDP_ABORTED; /* no target: counted as a failed pass */
}
