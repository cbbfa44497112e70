/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Load balancers: after the rules, a packet for a balancer's VIP (and
 * protocol and port) goes to one of its backends with XDP_TX.
 *
 *  - ICMP echo requests: round robin on an atomic per-balancer counter, so
 *    strict alternation holds across CPUs (or maglev on the address pair).
 *  - TCP/UDP: the connection table (lb_ct) first, so an established flow
 *    keeps its backend while it is active or draining; new flows through the
 *    maglev table or the round-robin list, which hold active backends only.
 *  - forwarding dsr: MACs only. nat: the destination address too, with
 *    incremental IPv4 / TCP / UDP / ICMPv6 checksum updates (csum.h); the
 *    replies that come back through the balancer get the VIP back as their
 *    source (lb_rnat).
 *
 * The frame leaves through the interface it came in on: the source MAC
 * becomes the one it was sent to (ours), the destination the backend's.
 * Anything lb.h cannot handle (fragments without ports, IPv6 extension
 * headers, no usable backend) is left to default_action.
 */
#ifndef XDPD_LB_H
#define XDPD_LB_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xdpd_abi.h"
#include "csum.h"
#include "icmp.h"
#include "maps_lb.h"
#include "parse.h"

struct lb_hdrs {
	struct ethhdr *eth;
	struct iphdr *ip4;
	struct ipv6hdr *ip6;
	void *l4;
	void *end;
};

/* The headers of a packet parse_packet() accepted. IPv6 with extension
 * headers is not balanced (-1): the L4 header is not where we rewrite. */
static __always_inline int lb_locate(void *data, void *end, const struct flow_key *k,
				     struct lb_hdrs *h)
{
	struct cursor c = {.pos = data, .end = end};
	__be16 proto;

	h->eth = data;
	h->end = end;
	h->ip4 = NULL;
	h->ip6 = NULL;
	if ((void *)(h->eth + 1) > end || parse_eth(&c, &proto))
		return -1;
	if (k->family == 4) {
		struct iphdr *iph = c.pos;

		if ((void *)(iph + 1) > end || !cursor_pull(&c, iph->ihl * 4))
			return -1;
		h->ip4 = iph;
	} else {
		struct ipv6hdr *ip6 = cursor_pull(&c, sizeof(*ip6));

		if (!ip6 || ip6->nexthdr != k->proto)
			return -1;
		h->ip6 = ip6;
	}
	h->l4 = c.pos;
	return 0;
}

static __always_inline __u32 lb_rotl(__u32 x, int r)
{
	return (x << r) | (x >> (32 - r));
}

static __always_inline __u32 lb_mix(__u32 h, __u32 v)
{
	v *= 0xcc9e2d51;
	v = lb_rotl(v, 15);
	v *= 0x1b873593;
	h ^= v;
	return lb_rotl(h, 13) * 5 + 0xe6546b64;
}

/* murmur3-style hash of the flow: addresses, ports, protocol */
static __always_inline __u32 lb_flow_hash(const struct flow_key *k)
{
	__u32 w[8], h = k->proto;
	int i;

	__builtin_memcpy(w, k->src, 16);
	__builtin_memcpy(w + 4, k->dst, 16);
#pragma unroll
	for (i = 0; i < 8; i++)
		h = lb_mix(h, w[i]);
	h = lb_mix(h, ((__u32)k->sport << 16) | k->dport);
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	return h ^ (h >> 16);
}

static __always_inline int lb_addr_eq(const __u8 *a, const __u8 *b)
{
	__u32 x[4], y[4];

	__builtin_memcpy(x, a, 16);
	__builtin_memcpy(y, b, 16);
	return x[0] == y[0] && x[1] == y[1] && x[2] == y[2] && x[3] == y[3];
}

static __always_inline int lb_mac_eq(const __u8 *a, const __u8 *b)
{
	__u16 x[3], y[3];

	__builtin_memcpy(x, a, 6);
	__builtin_memcpy(y, b, 6);
	return x[0] == y[0] && x[1] == y[1] && x[2] == y[2];
}

static __always_inline struct xdpd_lb_backend *lb_backend(const struct xdpd_lb_svc *svc, __u32 slot)
{
	__u32 idx = svc->bk_off + slot;

	if (slot == XDPD_LB_NONE)
		return NULL;
	return bpf_map_lookup_elem(&lb_bk, &idx);
}

/* A backend for a new flow: the next one of the round-robin list, or the
 * maglev table's entry for the flow's hash. */
static __always_inline __u32 lb_new_slot(const struct xdpd_lb_svc *svc, const struct flow_key *k)
{
	__u32 idx, *s;

	if (svc->sched == XDPD_LB_SCHED_RR) {
		__u32 key = svc->slot;
		__u64 *ctr, n;

		if (!svc->rr_n)
			return XDPD_LB_NONE;
		ctr = bpf_map_lookup_elem(&lb_rr_ctr, &key);
		if (!ctr)
			return XDPD_LB_NONE;
		/* a trace (trace.h) sees the next choice without taking it */
		n = k->trace ? *ctr : __sync_fetch_and_add(ctr, 1);
		idx = svc->rr_off + (__u32)(n % svc->rr_n);
		s = bpf_map_lookup_elem(&lb_rr, &idx);
	} else {
		if (!svc->tbl_size)
			return XDPD_LB_NONE;
		idx = svc->tbl_off + lb_flow_hash(k) % svc->tbl_size;
		s = bpf_map_lookup_elem(&lb_maglev, &idx);
	}
	return s ? *s : XDPD_LB_NONE;
}

static __always_inline void lb_flow_of(const struct flow_key *k, struct xdpd_lb_flow *f)
{
	__builtin_memset(f, 0, sizeof(*f));
	f->family = k->family;
	f->proto = k->proto;
	f->sport = k->sport;
	f->dport = k->dport;
	__builtin_memcpy(f->src, k->src, 16);
	__builtin_memcpy(f->dst, k->dst, 16);
}

#define LB_TH_SYN 0x02
#define LB_TH_ACK 0x10

/* A TCP SYN without ACK opens a connection, also on the ports of one that
 * ended long ago (the table forgets a flow only when it is full): it is a
 * new flow for a draining backend, which takes no new connections. A
 * retransmitted SYN still finds an active backend's entry. */
static __always_inline __u8 lb_lowest_state(const struct flow_key *k)
{
	if (k->has_tcp && (k->tcp_flags & (LB_TH_SYN | LB_TH_ACK)) == LB_TH_SYN)
		return XDPD_BK_ACTIVE;
	return XDPD_BK_DRAIN;
}

/* Whether a UDP flow's entry still stands (XDPD_LB_UDP_IDLE_S); its time is
 * refreshed at most once a second, so that a busy flow does not write its
 * entry at every datagram. TCP ends a flow with a SYN (lb_lowest_state). */
static __always_inline int lb_ct_current(struct xdpd_lb_ct *ct, const struct flow_key *k,
					 __u32 now_s)
{
	if (k->proto != IPPROTO_UDP)
		return 1;
	if (now_s - ct->seen_s > XDPD_LB_UDP_IDLE_S)
		return 0;
	if (now_s != ct->seen_s && !k->trace)
		ct->seen_s = now_s;
	return 1;
}

/* The backend of a TCP/UDP flow: its connection-table entry while that
 * backend still takes the flow, else a new choice, remembered. */
static __always_inline struct xdpd_lb_backend *lb_pick_flow(const struct xdpd_lb_svc *svc,
							    const struct flow_key *k, __u32 *slot)
{
	struct xdpd_lb_backend *bk;
	struct xdpd_lb_flow f;
	struct xdpd_lb_ct *ct, nct = {};
	__u32 now_s = k->proto == IPPROTO_UDP ? (__u32)(bpf_ktime_get_ns() / 1000000000ULL) : 0;

	lb_flow_of(k, &f);
	ct = bpf_map_lookup_elem(&lb_ct, &f);
	if (ct && ct->lb_slot == svc->slot && lb_ct_current(ct, k, now_s)) {
		bk = lb_backend(svc, ct->bk_slot);
		if (bk && bk->state <= lb_lowest_state(k) && bk->lb_slot == svc->slot &&
		    lb_addr_eq(bk->addr, ct->bk_addr)) {
			*slot = ct->bk_slot;
			return bk;
		}
	}
	*slot = lb_new_slot(svc, k);
	bk = lb_backend(svc, *slot);
	if (!bk || bk->state != XDPD_BK_ACTIVE || bk->lb_slot != svc->slot)
		return NULL;
	nct.bk_slot = (__u16)*slot;
	nct.lb_slot = (__u16)svc->slot;
	nct.seen_s = now_s;
	__builtin_memcpy(nct.bk_addr, bk->addr, 16);
	if (!k->trace)
		bpf_map_update_elem(&lb_ct, &f, &nct, BPF_ANY);
	return bk;
}

static __always_inline struct xdpd_lb_backend *lb_pick(const struct xdpd_lb_svc *svc,
						       const struct flow_key *k, __u32 *slot)
{
	struct xdpd_lb_backend *bk;

	if (k->has_ports)
		return lb_pick_flow(svc, k, slot);
	/* ICMP: every echo request is a new choice */
	*slot = lb_new_slot(svc, k);
	bk = lb_backend(svc, *slot);
	if (!bk || bk->state != XDPD_BK_ACTIVE || bk->lb_slot != svc->slot)
		return NULL;
	return bk;
}

/* Rewrite one address (dst: the destination, else the source) to addr and
 * patch the IPv4 header and L4 checksums that cover it. */
static __always_inline int lb_rewrite_addr(struct lb_hdrs *h, const struct flow_key *k,
					   const __u8 *addr, int dst)
{
	__u16 old[8], new[8];
	__u16 *check = NULL;
	int nwords = k->family == 4 ? 2 : 8;

	if (k->proto == IPPROTO_TCP) {
		struct tcphdr *th = h->l4;

		if ((void *)(th + 1) > h->end)
			return -1;
		check = &th->check;
	} else if (k->proto == IPPROTO_UDP) {
		struct udphdr *uh = h->l4;

		if ((void *)(uh + 1) > h->end)
			return -1;
		check = &uh->check;
	} else if (k->proto == IPPROTO_ICMPV6) {
		struct xdpd_icmphdr *ih = h->l4;

		if ((void *)(ih + 1) > h->end)
			return -1;
		check = &ih->cksum;
	} /* ICMP over IPv4: its checksum covers no address */
	__builtin_memcpy(new, addr, 16);
	if (h->ip4) {
		__u32 *a = dst ? &h->ip4->daddr : &h->ip4->saddr;

		__builtin_memcpy(old, a, 4);
		h->ip4->check = csum_replace_words(h->ip4->check, old, new, 2);
		__builtin_memcpy(a, new, 4);
	} else if (h->ip6) {
		struct in6_addr *a = dst ? &h->ip6->daddr : &h->ip6->saddr;

		__builtin_memcpy(old, a, 16);
		__builtin_memcpy(a, new, 16);
	} else {
		return -1;
	}
	if (!check)
		return 0;
	if (k->proto == IPPROTO_UDP)
		*check = csum_replace_udp(*check, old, new, nwords, k->family == 4);
	else
		*check = csum_replace_words(*check, old, new, nwords);
	return 0;
}

/* Out through the port it came in: from us (the frame's destination) to
 * mac. */
static __always_inline void lb_set_macs(struct lb_hdrs *h, const __u8 *mac)
{
	__builtin_memcpy(h->eth->h_source, h->eth->h_dest, ETH_ALEN);
	__builtin_memcpy(h->eth->h_dest, mac, ETH_ALEN);
}

/* A reply from a NAT backend to its client: the VIP goes back as source. */
static __always_inline int lb_reply(struct lb_hdrs *h, const struct flow_key *k)
{
	struct xdpd_lb_rnat *r;
	struct xdpd_lb_flow f;

	lb_flow_of(k, &f);
	r = bpf_map_lookup_elem(&lb_rnat, &f);
	if (!r)
		return 0;
	if (lb_rewrite_addr(h, k, r->vip, 0))
		return 0;
	lb_set_macs(h, r->client_mac);
	return 1;
}

/* Remember how to translate the backend's replies (nat, TCP/UDP). */
static __always_inline void lb_nat_remember(struct lb_hdrs *h, const struct flow_key *k,
					    const struct xdpd_lb_backend *bk)
{
	struct xdpd_lb_rnat r = {};
	struct xdpd_lb_flow f = {};

	f.family = k->family;
	f.proto = k->proto;
	f.sport = k->dport;
	f.dport = k->sport;
	__builtin_memcpy(f.src, bk->addr, 16);
	__builtin_memcpy(f.dst, k->src, 16);
	__builtin_memcpy(r.vip, k->dst, 16);
	__builtin_memcpy(r.client_mac, h->eth->h_source, ETH_ALEN);
	/* already known and unchanged: no write on the hot path */
	{
		struct xdpd_lb_rnat *old = bpf_map_lookup_elem(&lb_rnat, &f);

		if (old && lb_addr_eq(old->vip, r.vip) && lb_mac_eq(old->client_mac, r.client_mac))
			return;
	}
	bpf_map_update_elem(&lb_rnat, &f, &r, BPF_ANY);
}

static __always_inline void lb_count(__u32 slot, __u64 bytes)
{
	struct xdpd_counter *c = bpf_map_lookup_elem(&stats_backend, &slot);

	if (!c)
		return;
	c->packets++;
	c->bytes += bytes;
}

static __always_inline int lb_is_echo_request(const struct flow_key *k)
{
	if (!k->has_icmp)
		return 0;
	return k->family == 4 ? k->icmp_type == XDPD_ICMP_ECHO
			       : k->icmp_type == XDPD_ICMPV6_ECHO_REQUEST;
}

/* What a balancer decided. */
struct lb_verdict {
	__u32 action;
	__u32 lb_slot;
	__u32 bk_slot;
};

/* Returns 1 when a balancer took the packet (out: XDP_TX and the balancer's
 * and backend's slots, for samples and traces), 0 when it is left to
 * default_action.
 *
 * A global function: the verifier checks it once, on its own, instead of
 * once for every path through the blocklist and the rules before it (whose
 * product would exceed the verifier's budget). Its pointer arguments may be
 * NULL as far as the verifier knows. */
__attribute__((noinline)) int xdpd_lb(struct xdp_md *ctx, const struct flow_key *k,
				      struct lb_verdict *out)
{
	void *data, *end;
	struct xdpd_lb_svc_key sk = {};
	struct xdpd_lb_backend *bk;
	struct xdpd_lb_svc *svc;
	struct lb_hdrs h;
	__u32 slot;

	if (!ctx || !k || !out)
		return 0;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if (k->proto == IPPROTO_TCP || k->proto == IPPROTO_UDP) {
		if (!k->has_ports) /* a non-first fragment */
			return 0;
		sk.port = k->dport;
	} else if (!lb_is_echo_request(k)) {
		return 0;
	}
	if (lb_locate(data, end, k, &h))
		return 0;
	if (lb_cfg.n_nat && k->has_ports && lb_reply(&h, k)) {
		out->action = XDP_TX;
		return 1;
	}
	sk.family = k->family;
	sk.proto = k->proto;
	__builtin_memcpy(sk.vip, k->dst, 16);
	svc = bpf_map_lookup_elem(&lb_svc, &sk);
	if (!svc)
		return 0;
	bk = lb_pick(svc, k, &slot);
	if (!bk)
		return 0;
	if (svc->fwd == XDPD_LB_FWD_NAT) {
		if (lb_rewrite_addr(&h, k, bk->addr, 1))
			return 0;
		if (k->has_ports && !k->trace)
			lb_nat_remember(&h, k, bk);
	}
	lb_set_macs(&h, bk->mac);
	if (!k->trace)
		lb_count(slot, end - data);
	out->lb_slot = svc->slot;
	out->bk_slot = slot;
	out->action = XDP_TX;
	return 1;
}

/* The judgement's entry point (see xdpd_lb). */
static __always_inline int lb_judge(struct xdp_md *ctx, const struct flow_key *k, __u32 *action,
				    __u32 slots[2])
{
	struct lb_verdict r = {.action = *action, .lb_slot = slots[0], .bk_slot = slots[1]};

	if (!lb_cfg.n_lbs)
		return 0;
	if (!xdpd_lb(ctx, k, &r))
		return 0;
	*action = r.action;
	slots[0] = r.lb_slot;
	slots[1] = r.bk_slot;
	return 1;
}

#endif /* XDPD_LB_H */
