/* SPDX-License-Identifier: GPL-2.0-only */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
char _license[] SEC("license") = "GPL";
SEC("xdp")
int xdpd_main(struct xdp_md *ctx)
{
	return XDP_PASS;
}
