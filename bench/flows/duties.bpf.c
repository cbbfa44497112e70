/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A bound for the live-frames benchmark, not a datapath: what xdpd must do
 * for each packet of a one-rule policy ("drop tcp dst_port 8080"), written
 * by hand for that one rule and that one kind of frame, with nothing a
 * policy compiler would have to keep general. Per packet: the interface's
 * entry, the trace-frame test, the Ethernet and IPv4 headers checked as
 * xdpd checks them, the blocklist's entry count, the rule, the interface's
 * and the rule's per-CPU counters, and the sampling rate; the maps have
 * xdpd's types and sizes (bpf/xdpd_abi.h). Frames it was not written for
 * (VLAN tags, IPv6, a blocklist entry) pass. If even this program cannot
 * reach a throughput, no program with xdpd's duties reaches it.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "xdpd_abi.h"
#include "blocklist_abi.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct xdpd_iface_cfg);
} iface_tab SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpd_sample_cfg);
} sample_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct blf_counts);
} bl_count SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPD_MAX_IFACES *XDPD_NACT);
	__type(key, __u32);
	__type(value, struct xdpd_counter);
} stats_iface SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPD_MAX_RULES);
	__type(key, __u32);
	__type(value, struct xdpd_counter);
} stats_rule SEC(".maps");

/* The rule, as constants the verifier sees. */
const volatile __u8 rule_proto = IPPROTO_TCP;
const volatile __u16 rule_port = 8080;
const volatile __u32 rule_slot = 0;
const volatile __u32 policy_sample_rate = 0;

static __always_inline void count(void *map, __u32 idx, __u64 bytes)
{
	struct xdpd_counter *c = bpf_map_lookup_elem(map, &idx);

	if (c) {
		c->packets++;
		c->bytes += bytes;
	}
}

/* XDP_DROP for the rule's packets, else XDP_PASS; *slot the rule's. */
static __always_inline __u32 judge(void *data, void *end, __u32 *slot)
{
	struct ethhdr *eth = data;
	struct iphdr *iph = (void *)(eth + 1);
	struct tcphdr *th;
	struct blf_counts *n;
	__u32 zero = 0;

	if ((void *)(iph + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if (iph->version != 4 || iph->ihl < 5 || (void *)iph + bpf_ntohs(iph->tot_len) > end)
		return XDP_PASS;
	n = bpf_map_lookup_elem(&bl_count, &zero);
	if (!n || n->n[0] || iph->protocol != rule_proto || (iph->frag_off & bpf_htons(0x1fff)))
		return XDP_PASS;
	th = (void *)iph + iph->ihl * 4;
	if ((void *)(th + 1) > end || th->dest != bpf_htons(rule_port))
		return XDP_PASS;
	*slot = rule_slot;
	return XDP_DROP;
}

SEC("xdp")
int duties(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct xdpd_trace_meta *tm = (void *)(long)ctx->data_meta;
	__u32 ifindex = ctx->ingress_ifindex, zero = 0, slot = XDPD_NO_SLOT, action;
	struct xdpd_iface_cfg *ic = bpf_map_lookup_elem(&iface_tab, &ifindex);
	struct xdpd_sample_cfg *sc = bpf_map_lookup_elem(&sample_cfg, &zero);

	if (!ic || ic->slot == XDPD_IFACE_NONE || !sc)
		return XDP_PASS;
	if ((void *)(tm + 1) <= data && sc->trace_cookie && tm->cookie == sc->trace_cookie)
		return XDP_PASS; /* a trace frame: xdpd's trace path, not measured */
	action = judge(data, end, &slot);
	count(&stats_iface, ic->slot * XDPD_NACT + action, end - data);
	if (slot != XDPD_NO_SLOT)
		count(&stats_rule, slot, end - data);
	if (sc->rate_override || policy_sample_rate)
		return XDP_PASS; /* sampling: not measured */
	return action;
}
