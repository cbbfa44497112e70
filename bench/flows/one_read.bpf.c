/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A bound for bench/flows, not a lookup: one 8-byte read per packet from a
 * 256 MiB BPF array of 16-byte entries (the shape of xdpd's IPv4 /24 table,
 * bl4_top) at an index taken from the source address. Any exact lookup over a million
 * prefixes reads a table this size (or several) at least once per packet;
 * on a machine where that one read costs more than a target allows, no
 * structure meets it. The loader may make the array smaller (max_entries
 * and one_read_mask together, bench/flows/read_curve.c): the same read
 * over a table of another size. All zero, the verdict is always the same,
 * so the CPU predicts it and runs ahead to the next packet while the read
 * is out; with half the entries set at random (read_curve.c), the read
 * decides the verdict, as a blocklist's lookup does.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

char _license[] SEC("license") = "GPL";

#define ONE_READ_SLOTS (1u << 24)

struct one_read_entry {
	__u64 w, pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ONE_READ_SLOTS);
	__uint(map_flags, BPF_F_MMAPABLE); /* as bl4_top; filled through a mapping */
	__type(key, __u32);
	__type(value, struct one_read_entry);
} one_read_table SEC(".maps");

/* max_entries - 1 (a power of two): set by the loader with the size */
const volatile __u32 one_read_mask = ONE_READ_SLOTS - 1;

SEC("xdp")
int one_read(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 idx, w[2];
	struct one_read_entry *v;

	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > end)
			return XDP_PASS;
		idx = bpf_ntohl(ip->saddr) >> 8; /* the /24, as bl4_top */
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > end)
			return XDP_PASS;
		__builtin_memcpy(w, &ip6->saddr, 8); /* the /64, spread */
		idx = (w[0] ^ w[1]) * 0x9e3779b1u >> 8;
	} else {
		return XDP_PASS;
	}
	idx &= one_read_mask;
	v = bpf_map_lookup_elem(&one_read_table, &idx);
	return v && v->w ? XDP_DROP : XDP_PASS;
}
