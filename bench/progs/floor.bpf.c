/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The floor of the benchmark: an XDP program that does nothing. Its cost is
 * what BPF_PROG_TEST_RUN itself costs per packet; every other program is
 * reported as a ratio to it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

SEC("xdp")
int floor_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}
