/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The plain-LPM baseline of bench/flows: the blocklist as a kernel LPM trie
 * per family looked up by source address (what xdpd did before its lookup
 * index), with a hit counter per entry like xdpd's. Same parse as xdpd up
 * to the IP header; no VLANs, options or rules: only the lookup is compared.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

struct lpm4 {
	__u32 prefixlen;
	__u8 addr[4];
};
struct lpm6 {
	__u32 prefixlen;
	__u8 addr[16];
};

/* sized by the driver before load */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm4);
	__type(value, __u64);
} lpm4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm6);
	__type(value, __u64);
} lpm6 SEC(".maps");

SEC("xdp")
int lpm_src(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u64 *hits = 0;

	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		struct lpm4 k = {.prefixlen = 32};

		if ((void *)(ip + 1) > end)
			return XDP_PASS;
		__builtin_memcpy(k.addr, &ip->saddr, 4);
		hits = bpf_map_lookup_elem(&lpm4, &k);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		struct lpm6 k = {.prefixlen = 128};

		if ((void *)(ip6 + 1) > end)
			return XDP_PASS;
		__builtin_memcpy(k.addr, &ip6->saddr, 16);
		hits = bpf_map_lookup_elem(&lpm6, &k);
	}
	if (!hits)
		return XDP_PASS;
	__sync_fetch_and_add(hits, 1);
	return XDP_DROP;
}
