// SPDX-License-Identifier: GPL-2.0-only
/* Pass-only XDP program for the far end of a veth in the lab: a veth
 * delivers frames that XDP_TX sends back into it only when its peer runs an
 * XDP program (else they are dropped). See README "Load balancing
 * topology". */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}
