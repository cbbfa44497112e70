// SPDX-License-Identifier: GPL-2.0-or-later
/* Reference model of the datapath's classifier; see cls_emul.h. */
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "cls_emul.h"

static bool addr_in(const uint8_t *pfx, uint32_t len, const uint8_t *addr)
{
	for (uint32_t b = 0; b < len; b++) {
		uint8_t bit = 0x80 >> (b % 8);

		if ((pfx[b / 8] & bit) != (addr[b / 8] & bit))
			return false;
	}
	return true;
}

/* The kernel LPM trie: the longest entry containing addr wins. */
static uint32_t lpm4(const struct cls_lpm4_entry *e, size_t n, const uint8_t *addr, uint32_t miss)
{
	int64_t best = -1;
	uint32_t cls = miss;

	for (size_t i = 0; i < n; i++)
		if ((int64_t)e[i].key.prefixlen > best &&
		    addr_in(e[i].key.addr, e[i].key.prefixlen, addr)) {
			best = e[i].key.prefixlen;
			cls = e[i].cls;
		}
	return cls;
}

static uint32_t lpm6(const struct cls_lpm6_entry *e, size_t n, const uint8_t *addr, uint32_t miss)
{
	int64_t best = -1;
	uint32_t cls = miss;

	for (size_t i = 0; i < n; i++)
		if ((int64_t)e[i].key.prefixlen > best &&
		    addr_in(e[i].key.addr, e[i].key.prefixlen, addr)) {
			best = e[i].key.prefixlen;
			cls = e[i].cls;
		}
	return cls;
}

/* The program's scan of a field with few IPv4 prefixes: the first entry
 * containing addr, in table order. */
static uint32_t scan4(const struct xdpd_config *cfg, int fi, const uint8_t *addr, uint32_t miss)
{
	uint32_t a;

	memcpy(&a, addr, 4);
	for (uint32_t i = 0; i + 1 < cfg->scan4_n[fi]; i++)
		if ((a & cfg->scan4[fi][i].mask) == cfg->scan4[fi][i].net)
			return cfg->scan4[fi][i].cls;
	return miss;
}

static uint64_t half(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint32_t scan6(const struct xdpd_config *cfg, int fi, const uint8_t *addr, uint32_t miss)
{
	uint64_t hi = half(addr), lo = half(addr + 8);

	for (uint32_t i = 0; i + 1 < cfg->scan6_n[fi]; i++) {
		const struct xdpd_scan6 *e = &cfg->scan6[fi][i];

		if ((hi & e->mask[0]) == e->net[0] && (lo & e->mask[1]) == e->net[1])
			return e->cls;
	}
	return miss;
}

static uint32_t addr_class(const struct compiled_policy *c, const struct emul_pkt *p,
			   enum xdpd_field f)
{
	uint32_t miss = c->config.miss_class[f];
	const uint8_t *a = f == XDPD_F_SRC ? p->src : p->dst;
	int fi = f == XDPD_F_SRC ? 0 : 1;

	if (p->family == AF_INET && c->config.scan4_n[fi])
		return scan4(&c->config, fi, a, miss);
	if (p->family == AF_INET6 && c->config.scan6_n[fi])
		return scan6(&c->config, fi, a, miss);
	if (p->family == AF_INET)
		return f == XDPD_F_SRC ? lpm4(c->src4, c->n_src4, a, miss)
				       : lpm4(c->dst4, c->n_dst4, a, miss);
	return f == XDPD_F_SRC ? lpm6(c->src6, c->n_src6, a, miss)
			       : lpm6(c->dst6, c->n_dst6, a, miss);
}

static uint32_t port_class(const struct compiled_policy *c, const struct emul_pkt *p,
			   enum xdpd_field f)
{
	uint32_t dir = f == XDPD_F_SPORT ? XDPD_DIR_SRC : XDPD_DIR_DST;
	uint32_t l4 = p->proto == IPPROTO_UDP ? XDPD_L4_UDP : XDPD_L4_TCP;

	uint32_t t = dir * 2 + l4, port = dir == XDPD_DIR_SRC ? p->sport : p->dport;

	if (!p->first_frag || (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP))
		return c->config.miss_class[f];
	/* as the datapath: the runs when the table has few, else the table */
	for (uint32_t i = 0; i < c->config.pscan_n[t]; i++)
		if (port <= c->config.pscan[t][i].last)
			return c->config.pscan[t][i].cls;
	return c->port_cls[t * 65536 + port];
}

static bool has_icmp(const struct emul_pkt *p)
{
	return p->first_frag && ((p->family == AF_INET && p->proto == IPPROTO_ICMP) ||
				 (p->family == AF_INET6 && p->proto == IPPROTO_ICMPV6));
}

uint32_t cls_emul_class(const struct compiled_policy *c, const struct emul_pkt *p,
			enum xdpd_field f)
{
	switch (f) {
	case XDPD_F_IFACE:
		for (size_t i = 0; i < c->n_ifaces; i++)
			if (c->ifaces[i].ifindex == p->ifindex)
				return c->ifaces[i].cfg.cls;
		return UINT32_MAX;
	case XDPD_F_PROTO:
		return c->proto_cls[p->proto];
	case XDPD_F_SRC:
	case XDPD_F_DST:
		return addr_class(c, p, f);
	case XDPD_F_SPORT:
	case XDPD_F_DPORT:
		return port_class(c, p, f);
	case XDPD_F_ICMP:
		if (!has_icmp(p))
			return c->config.miss_class[f];
		return c->icmp_cls[(p->family == AF_INET6) * 256 + p->icmp_type];
	default:
		return UINT32_MAX;
	}
}

uint64_t cls_emul_word(const struct compiled_policy *c, int f, uint32_t k, uint32_t w)
{
	const struct xdpd_cls_spec *s = &c->spec[k];

	for (int i = 0; i < XDPD_SPEC_WORDS; i++)
		if (s->w[i] == w)
			return s->v[i];
	if (!s->full)
		k = c->config.miss_class[f];
	return c->words[(size_t)k * c->config.nwords + w];
}

/* Word w of the AND over active fields; a class id out of range reads as
 * "no rule" like a failed map lookup. */
static uint64_t and_word(const struct compiled_policy *c, const uint32_t *cls, uint32_t active,
			 uint32_t w)
{
	uint64_t acc = ~0ULL;

	for (int f = 0; f < XDPD_NFIELDS; f++) {
		if (!(active & (1u << f)))
			continue;
		if (cls[f] >= c->nclasses)
			return 0;
		acc &= cls_emul_word(c, f, cls[f], w);
	}
	return acc;
}

/* The words of summary word s to read: over the fields of mask (those that
 * are some rule's primary), AND of "any", OR of "prim". */
static uint64_t candidate_words(const struct compiled_policy *c, const uint32_t *cls, uint32_t mask,
				uint32_t s)
{
	uint64_t any = ~0ULL, prim = 0;

	for (int f = 0; f < XDPD_NFIELDS; f++) {
		const struct xdpd_cls_sum_word *v;

		if (!(mask & (1u << f)))
			continue;
		if (cls[f] >= c->nclasses || s >= c->config.nsum)
			return 0;
		v = &c->summary[(size_t)cls[f] * c->config.nsum + s];
		any &= v->any;
		prim |= v->prim;
	}
	return any & prim;
}

static bool rule_accepts(const struct compiled_policy *c, const struct emul_pkt *p, uint32_t r)
{
	bool has_tcp = p->first_frag && p->proto == IPPROTO_TCP;
	const struct xdpd_rule_info *ri;

	if (r >= c->config.nrules)
		return false;
	ri = &c->rules[r];
	if (ri->flags & XDPD_RULE_F_TCP_FLAGS)
		return has_tcp && (p->tcp_flags & ri->tcp_mask) == ri->tcp_value;
	return true;
}

static int search_word(const struct compiled_policy *c, const struct emul_pkt *p,
		       const uint32_t *cls, uint32_t active, uint32_t w)
{
	uint64_t x = and_word(c, cls, active, w);

	for (; x; x &= x - 1) {
		uint32_t r = w * 64 + __builtin_ctzll(x);

		if (rule_accepts(c, p, r))
			return r;
	}
	return EMUL_NO_MATCH;
}

int cls_emul_match(const struct compiled_policy *c, const struct emul_pkt *p)
{
	uint32_t words;

	return cls_emul_match_words(c, p, &words);
}

int cls_emul_match_words(const struct compiled_policy *c, const struct emul_pkt *p, uint32_t *words)
{
	uint32_t active = c->config.field_mask | (1u << XDPD_F_PROTO);
	uint32_t cls[XDPD_NFIELDS];

	*words = 0;
	cls[XDPD_F_IFACE] = cls_emul_class(c, p, XDPD_F_IFACE);
	if (cls[XDPD_F_IFACE] == UINT32_MAX)
		return EMUL_NOT_JUDGED;
	if (!c->config.nrules)
		return EMUL_NO_MATCH;
	for (int f = XDPD_F_PROTO; f < XDPD_NFIELDS; f++)
		cls[f] = cls_emul_class(c, p, f);
	for (uint32_t s = 0; s < c->config.nsum; s++) {
		uint64_t m = candidate_words(c, cls, c->config.prim_mask, s);

		for (; m; m &= m - 1) {
			int r = search_word(c, p, cls, active, s * 64 + __builtin_ctzll(m));

			++*words;
			if (r >= 0)
				return r;
		}
	}
	return EMUL_NO_MATCH;
}

/* ---- the rule-by-rule path (bpf/classify_direct.h) ---- */

static bool direct_addr_ok(const struct emul_pkt *p, const uint8_t *a,
			   const struct xdpd_direct_addr *d)
{
	uint32_t w[4];
	int n = d->family == 4 ? 1 : 4;

	if ((p->family == AF_INET ? 4 : 6) != d->family)
		return false;
	memcpy(w, a, sizeof(w));
	for (int i = 0; i < n; i++)
		if ((w[i] & d->mask[i]) != d->addr[i])
			return false;
	return true;
}

static bool direct_port_ok(const struct emul_pkt *p, uint16_t port, uint16_t lo, uint16_t hi)
{
	bool has_ports = p->first_frag && (p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP);

	return has_ports && port >= lo && port <= hi;
}

static bool direct_matches(const struct emul_pkt *p, uint32_t ifcls,
			   const struct xdpd_direct_rule *r)
{
	bool has_tcp = p->first_frag && p->proto == IPPROTO_TCP;

	if ((r->flags & XDPD_DR_IFACE) && (ifcls >= 64 || !(r->ifcls >> ifcls & 1)))
		return false;
	if ((r->flags & XDPD_DR_PROTO) && p->proto != r->proto)
		return false;
	if ((r->flags & XDPD_DR_DPORT) && !direct_port_ok(p, p->dport, r->dport_lo, r->dport_hi))
		return false;
	if ((r->flags & XDPD_DR_SPORT) && !direct_port_ok(p, p->sport, r->sport_lo, r->sport_hi))
		return false;
	if ((r->flags & XDPD_DR_ICMP) && (!has_icmp(p) || p->icmp_type != r->icmp_type))
		return false;
	if ((r->flags & XDPD_DR_TCP) && (!has_tcp || (p->tcp_flags & r->tcp_mask) != r->tcp_value))
		return false;
	if ((r->flags & XDPD_DR_SRC) && !direct_addr_ok(p, p->src, &r->src))
		return false;
	if ((r->flags & XDPD_DR_DST) && !direct_addr_ok(p, p->dst, &r->dst))
		return false;
	return true;
}

int cls_emul_direct(const struct compiled_policy *c, const struct emul_pkt *p)
{
	uint32_t ifcls = cls_emul_class(c, p, XDPD_F_IFACE);

	if (ifcls == UINT32_MAX)
		return EMUL_NOT_JUDGED;
	for (uint32_t i = 0; i < c->config.ndirect && i < XDPD_DIRECT_MAX; i++)
		if (direct_matches(p, ifcls, &c->config.direct[i]))
			return (int)c->config.direct[i].rule;
	return EMUL_NO_MATCH;
}
