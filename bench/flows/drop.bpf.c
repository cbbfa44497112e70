/* SPDX-License-Identifier: GPL-2.0-only */
/* The floor of the live-frames run: every frame dropped, nothing read. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

SEC("xdp")
int floor_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}
