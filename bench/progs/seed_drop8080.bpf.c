/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The seed chapter's drop-tcp/8080 program, as printed there, minus its
 * bpf_printk (a trace_pipe write per dropped packet would dominate the
 * measurement). The benchmark's reference for "parse eth/ip/tcp, compare the
 * port": the least a rule can cost.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <linux/in.h>

char _license[] SEC("license") = "GPL";

SEC("xdp")
int drop_ingress_port_8080(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)eth + sizeof(*eth) > data_end)
		return XDP_PASS;
	if (bpf_ntohs(eth->h_proto) != ETH_P_IP)
		return XDP_PASS;
	struct iphdr *iph = data + sizeof(*eth);

	if ((void *)iph + sizeof(*iph) > data_end)
		return XDP_PASS;
	if (iph->protocol != IPPROTO_TCP)
		return XDP_PASS;
	int ip_header_length = iph->ihl * 4;
	struct tcphdr *tcph = data + sizeof(*eth) + ip_header_length;

	if ((void *)tcph + sizeof(*tcph) > data_end)
		return XDP_PASS;
	if (bpf_ntohs(tcph->dest) == 8080)
		return XDP_DROP;
	return XDP_PASS;
}
