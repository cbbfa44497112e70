/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small policies judged rule by rule (struct xdpd_direct_rule): the packet
 * against each entry of cfg.direct, in policy order. The entries are
 * constants the verifier knows, so it drops every test a rule does not make
 * and every entry past cfg.ndirect: a one-rule policy costs its own few
 * compares. Each test means what the classifier's field means (classify.h:
 * ports only on TCP and UDP packets that carry them, an ICMP type only on
 * the family's ICMP, TCP flags only on TCP), so both judge every packet
 * alike (tests/datapath/test_cls_diff.c runs the same policies both ways).
 * Included by classify.h, after struct cls_search.
 */
#ifndef XDPD_CLASSIFY_DIRECT_H
#define XDPD_CLASSIFY_DIRECT_H

#include "xdpd_abi.h"
#include "maps.h"
#include "parse.h"

static __always_inline int direct_addr_ok(const struct flow_key *k, const __u8 *a,
					  const volatile struct xdpd_direct_addr *d)
{
	__u32 w[4];

	if (k->family != d->family)
		return 0;
	__builtin_memcpy(w, a, 16);
	if ((w[0] & d->mask[0]) != d->addr[0])
		return 0;
	if (d->family == 4)
		return 1;
	return (w[1] & d->mask[1]) == d->addr[1] && (w[2] & d->mask[2]) == d->addr[2] &&
	       (w[3] & d->mask[3]) == d->addr[3];
}

static __always_inline int direct_port_ok(const struct flow_key *k, __u16 port, __u16 lo, __u16 hi)
{
	return k->has_ports && port >= lo && port <= hi;
}

static __always_inline int direct_matches(const struct flow_key *k, __u32 ifcls,
					  const volatile struct xdpd_direct_rule *r)
{
	__u8 f = r->flags;

	if ((f & XDPD_DR_IFACE) && (ifcls >= 64 || !((r->ifcls >> ifcls) & 1)))
		return 0;
	if ((f & XDPD_DR_PROTO) && k->proto != r->proto)
		return 0;
	if ((f & XDPD_DR_DPORT) && !direct_port_ok(k, k->dport, r->dport_lo, r->dport_hi))
		return 0;
	if ((f & XDPD_DR_SPORT) && !direct_port_ok(k, k->sport, r->sport_lo, r->sport_hi))
		return 0;
	if ((f & XDPD_DR_ICMP) && (!k->has_icmp || k->icmp_type != r->icmp_type))
		return 0;
	if ((f & XDPD_DR_TCP) && (!k->has_tcp || (k->tcp_flags & r->tcp_mask) != r->tcp_value))
		return 0;
	if ((f & XDPD_DR_SRC) && !direct_addr_ok(k, k->src, &r->src))
		return 0;
	if ((f & XDPD_DR_DST) && !direct_addr_ok(k, k->dst, &r->dst))
		return 0;
	return 1;
}

/* classify()'s contract: 1 with st->action, st->slot, st->rule filled when
 * some rule matches, else 0. */
static __always_inline int classify_direct(struct cls_search *st, const struct xdpd_iface_cfg *ic)
{
	__u32 ifcls = ic->cls;
	int i;

#pragma unroll
	for (i = 0; i < XDPD_DIRECT_MAX; i++) {
		const volatile struct xdpd_direct_rule *r = &cfg.direct[i];

		if (i >= cfg.ndirect)
			break;
		if (direct_matches(&st->k, ifcls, r)) {
			st->action = r->action;
			st->slot = r->slot;
			st->rule = r->rule;
			st->matched = 1;
			return 1;
		}
	}
	return 0;
}

#endif /* XDPD_CLASSIFY_DIRECT_H */
