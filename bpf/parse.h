/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Packet parser of the datapath: Ethernet, up to two VLAN tags, IPv4 (with
 * options and fragments), IPv6 (a bounded walk over extension headers),
 * TCP, UDP, ICMP and ICMPv6, reduced to one flow key.
 *
 * Every helper checks the bounds of a header before it reads it, in the
 * frame (for the verifier) and in the IP datagram (the bytes after it are
 * padding, not the packet's). A helper returns 0 on success and -1 when the
 * packet cannot be parsed (truncated, malformed, not IP): the caller then
 * passes the packet (principle 4: a parser miss is never a drop).
 *
 * Two packets parse with less than a full key, on purpose:
 *  - IPv6 with more extension headers than are walked: the addresses are
 *    known, the upper-layer protocol is not; judged like a non-first
 *    fragment, without layer-4 fields (proto is the first header not
 *    walked), so the blocklist, address rules and default_action apply.
 *  - A whole datagram (not a fragment) that ends inside its TCP, UDP or
 *    ICMP header: the same, judged by its addresses and protocol (passing
 *    it unjudged would let a blocklisted source or a default-deny policy
 *    through; the stack discards it anyway).
 *  - A first fragment whose datagram ends inside its TCP, UDP or ICMP
 *    header (RFC 1858's tiny fragment: no sender makes one, and the ports
 *    or flags a rule would judge sit in the next fragment, which carries
 *    none): PARSE_TINY_FRAGMENT, dropped.
 */
#ifndef XDPD_PARSE_H
#define XDPD_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "icmp.h"

#define XDPD_VLAN_MAX	  2 /* tags looked through (802.1Q / 802.1ad) */
#define XDPD_IPV6_EXT_MAX 6 /* IPv6 extension headers walked */

#define XDPD_IP_OFFSET_MASK  0x1fff /* fragment offset bits of iphdr.frag_off */
#define XDPD_IP_MF	     0x2000 /* more fragments, in iphdr.frag_off */
#define XDPD_IP6_OFFSET_MASK 0xfff8 /* fragment offset bits of frag_hdr.frag_off */

#define PARSE_TINY_FRAGMENT 1 /* parse_packet(): drop, see above */

struct cursor {
	void *pos;
	void *end;
	__u32 left; /* bytes of the IP datagram from pos on */
};

/* What follows the IP header(s): no layer-4 header (a non-first fragment,
 * too many IPv6 extension headers), a whole datagram's, or a first
 * fragment's (more fragments follow). */
enum l4_kind { L4_NONE, L4_WHOLE, L4_FIRST_FRAGMENT };

/* struct ethhdr is packed, so clang reads its h_proto a byte at a time;
 * this one lets it load the 16 bits at once (the verifier allows packet
 * loads at any offset where the CPU does, as for struct vlan_hdr). */
struct eth_hdr {
	__u8 dst[ETH_ALEN];
	__u8 src[ETH_ALEN];
	__be16 proto;
};

struct vlan_hdr {
	__be16 tci;
	__be16 proto;
};

/* IPv6 extension header common prefix (hop-by-hop, routing, dest-opts, AH) */
struct ip6_ext {
	__u8 nexthdr;
	__u8 hdrlen;
};

struct ip6_frag {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off;
	__be32 id;
};

/* What the judgement needs to know about one packet. Addresses are in
 * network order, IPv4 in the first four bytes (as struct ip_addr in user
 * space); ports are in host order. */
struct flow_key {
	__u8 family; /* 4 or 6 */
	__u8 proto;
	__u8 has_ports;
	__u8 has_icmp;
	__u8 has_tcp;
	__u8 icmp_type;
	__u8 tcp_flags; /* byte 13 of the TCP header: CWR ECE URG ACK PSH RST SYN FIN */
	__u8 trace; /* a trace frame (trace.h): judge it, change no state */
	__u16 sport;
	__u16 dport;
	__u8 src[16];
	__u8 dst[16];
};

/* Returns a pointer to the next len bytes and advances, or NULL when the
 * packet is shorter. */
static __always_inline void *cursor_pull(struct cursor *c, __u32 len)
{
	void *p = c->pos;

	if (p + len > c->end)
		return NULL;
	c->pos = p + len;
	return p;
}

static __always_inline int is_vlan(__u16 h_proto)
{
	return h_proto == bpf_htons(ETH_P_8021Q) || h_proto == bpf_htons(ETH_P_8021AD);
}

/* Ethernet and up to XDPD_VLAN_MAX tags; *h_proto is the inner ethertype
 * (network order). A third tag is refused rather than misread as L3. */
static __always_inline int parse_eth(struct cursor *c, __be16 *h_proto)
{
	struct eth_hdr *eth = cursor_pull(c, sizeof(*eth));
	__be16 proto;
	int i;

	if (!eth)
		return -1;
	proto = eth->proto;
	if (!is_vlan(proto)) { /* most frames: no tag, one test */
		*h_proto = proto;
		return 0;
	}
#pragma unroll
	for (i = 0; i < XDPD_VLAN_MAX; i++) {
		struct vlan_hdr *vh;

		if (!is_vlan(proto))
			break;
		vh = cursor_pull(c, sizeof(*vh));
		if (!vh)
			return -1;
		proto = vh->proto;
	}
	if (is_vlan(proto))
		return -1;
	*h_proto = proto;
	return 0;
}

/* The packet must hold the whole datagram the IP header announces: a
 * truncated datagram is left to the stack, which discards it. */
static __always_inline int parse_ipv4(struct cursor *c, struct flow_key *k, enum l4_kind *l4)
{
	struct iphdr *iph = c->pos;
	__u32 hlen;

	if ((void *)(iph + 1) > c->end)
		return -1;
	if (*(__u8 *)iph == 0x45) { /* version 4, no options: most datagrams */
		hlen = sizeof(*iph);
	} else {
		if (iph->version != 4 || iph->ihl < 5)
			return -1;
		hlen = iph->ihl * 4;
	}
	if (bpf_ntohs(iph->tot_len) < hlen || c->pos + bpf_ntohs(iph->tot_len) > c->end)
		return -1;
	if (!cursor_pull(c, hlen))
		return -1;
	c->left = bpf_ntohs(iph->tot_len) - hlen;
	k->family = 4;
	k->proto = iph->protocol;
	__builtin_memcpy(k->src, &iph->saddr, 4);
	__builtin_memcpy(k->dst, &iph->daddr, 4);
	/* a non-first fragment carries no L4 header, so no ports */
	if (iph->frag_off & bpf_htons(XDPD_IP_OFFSET_MASK))
		*l4 = L4_NONE;
	else if (iph->frag_off & bpf_htons(XDPD_IP_MF))
		*l4 = L4_FIRST_FRAGMENT;
	else
		*l4 = L4_WHOLE;
	return 0;
}

static __always_inline int is_ip6_ext(__u8 nh)
{
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING || nh == IPPROTO_DSTOPTS ||
	       nh == IPPROTO_FRAGMENT || nh == IPPROTO_AH;
}

/* One extension header at c; *nh becomes the next header. A fragment header
 * makes *l4 L4_NONE (a non-zero offset) or L4_FIRST_FRAGMENT (more follow). */
static __always_inline int parse_ip6_ext(struct cursor *c, __u8 *nh, enum l4_kind *l4)
{
	struct ip6_ext *e = c->pos;
	__u32 len;

	if ((void *)(e + 1) > c->end)
		return -1;
	if (*nh == IPPROTO_FRAGMENT) {
		struct ip6_frag *f = cursor_pull(c, sizeof(*f));

		if (!f || c->left < sizeof(*f))
			return -1;
		c->left -= sizeof(*f);
		if (f->frag_off & bpf_htons(XDPD_IP6_OFFSET_MASK))
			*l4 = L4_NONE;
		else if (f->frag_off & bpf_htons(1)) /* M: more fragments */
			*l4 = L4_FIRST_FRAGMENT;
		*nh = f->nexthdr;
		return 0;
	}
	if (*nh == IPPROTO_AH)
		len = (e->hdrlen + 2) * 4;
	else
		len = (e->hdrlen + 1) * 8;
	*nh = e->nexthdr;
	if (c->left < len || !cursor_pull(c, len))
		return -1;
	c->left -= len;
	return 0;
}

static __always_inline int parse_ipv6(struct cursor *c, struct flow_key *k, enum l4_kind *l4)
{
	struct ipv6hdr *ip6 = cursor_pull(c, sizeof(*ip6));
	__u8 nh;
	int i;

	if (!ip6)
		return -1;
	if (ip6->version != 6 || c->pos + bpf_ntohs(ip6->payload_len) > c->end)
		return -1;
	c->left = bpf_ntohs(ip6->payload_len);
	k->family = 6;
	__builtin_memcpy(k->src, &ip6->saddr, 16);
	__builtin_memcpy(k->dst, &ip6->daddr, 16);
	nh = ip6->nexthdr;
	*l4 = L4_WHOLE;
#pragma unroll
	for (i = 0; i < XDPD_IPV6_EXT_MAX; i++) {
		if (!is_ip6_ext(nh) || *l4 == L4_NONE)
			break;
		if (parse_ip6_ext(c, &nh, l4))
			return -1;
	}
	/* more extension headers than we walk: the protocol is unknown, the
	 * addresses are not (see the top of this file) */
	if (*l4 != L4_NONE && is_ip6_ext(nh))
		*l4 = L4_NONE;
	k->proto = nh;
	return 0;
}

/* The datagram ends inside the L4 header: a key without layer-4 fields, or
 * a tiny fragment (see the top of this file). */
static __always_inline int l4_cut_short(enum l4_kind l4)
{
	return l4 == L4_FIRST_FRAGMENT ? PARSE_TINY_FRAGMENT : 0;
}

/* The L4 header of a first (or only) fragment. Protocols without ports or
 * types parse as "no L4 fields", and so does a TCP/UDP/ICMP header the
 * datagram cuts short, unless it is a tiny fragment. */
static __always_inline int parse_l4(struct cursor *c, struct flow_key *k, enum l4_kind l4)
{
	if (k->proto == IPPROTO_TCP) {
		struct tcphdr *th;

		if (c->left < sizeof(*th))
			return l4_cut_short(l4);
		th = cursor_pull(c, sizeof(*th));
		if (!th)
			return -1;
		k->sport = bpf_ntohs(th->source);
		k->dport = bpf_ntohs(th->dest);
		k->tcp_flags = ((__u8 *)th)[13];
		k->has_ports = 1;
		k->has_tcp = 1;
	} else if (k->proto == IPPROTO_UDP) {
		struct udphdr *uh;

		if (c->left < sizeof(*uh))
			return l4_cut_short(l4);
		uh = cursor_pull(c, sizeof(*uh));
		if (!uh)
			return -1;
		k->sport = bpf_ntohs(uh->source);
		k->dport = bpf_ntohs(uh->dest);
		k->has_ports = 1;
	} else if ((k->family == 4 && k->proto == IPPROTO_ICMP) ||
		   (k->family == 6 && k->proto == IPPROTO_ICMPV6)) {
		struct xdpd_icmphdr *ih;

		if (c->left < sizeof(*ih))
			return l4_cut_short(l4);
		ih = cursor_pull(c, sizeof(*ih));
		if (!ih)
			return -1;
		k->icmp_type = ih->type;
		k->has_icmp = 1;
	}
	return 0;
}

/* Fills k from the frame [data, data_end). Returns 0, -1 to pass, or
 * PARSE_TINY_FRAGMENT. */
static __always_inline int parse_packet(void *data, void *data_end, struct flow_key *k)
{
	struct cursor c = {.pos = data, .end = data_end};
	__be16 h_proto;
	enum l4_kind l4 = L4_NONE;

	if (parse_eth(&c, &h_proto))
		return -1;
	if (h_proto == bpf_htons(ETH_P_IP)) {
		if (parse_ipv4(&c, k, &l4))
			return -1;
	} else if (h_proto == bpf_htons(ETH_P_IPV6)) {
		if (parse_ipv6(&c, k, &l4))
			return -1;
	} else {
		return -1;
	}
	return l4 != L4_NONE ? parse_l4(&c, k, l4) : 0;
}

#endif /* XDPD_PARSE_H */
