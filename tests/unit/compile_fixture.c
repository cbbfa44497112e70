// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "compile_fixture.h"

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	ck_assert_ptr_nonnull(p);
	return p;
}

static void *xrealloc(void *p, size_t n, size_t sz)
{
	p = realloc(p, (n ? n : 1) * sz);
	ck_assert_ptr_nonnull(p);
	return p;
}

struct policy *fx_policy_new(size_t max_rules)
{
	struct policy *p = xcalloc(1, sizeof(*p));

	p->version = 1;
	p->default_action = POLICY_PASS;
	p->rules = xcalloc(max_rules, sizeof(*p->rules));
	p->ifaces = xcalloc(FX_NIFACES, sizeof(*p->ifaces));
	p->n_ifaces = FX_NIFACES;
	for (int k = 0; k < FX_NIFACES; k++)
		snprintf(p->ifaces[k].name, sizeof(p->ifaces[k].name), "t%d", k);
	return p;
}

void fx_policy_free(struct policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_rules; i++) {
		struct policy_rule *r = &p->rules[i];

		free(r->src);
		free(r->dst);
		free(r->src_ports);
		free(r->dst_ports);
		free(r->ifaces);
	}
	free(p->rules);
	free(p->ifaces);
	free(p);
}

struct policy_rule *fx_rule_add(struct policy *p)
{
	struct policy_rule *r = &p->rules[p->n_rules];

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "r%zu", p->n_rules++);
	r->action = POLICY_DROP;
	r->protocol = -1;
	r->icmp_type = -1;
	return r;
}

void fx_set_addr(uint8_t family, const char *s, uint8_t *out)
{
	memset(out, 0, 16);
	ck_assert_int_eq(inet_pton(family, s, out), 1);
}

static void parse_pfx(const char *s, struct prefix *p)
{
	char buf[64];
	char *slash;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	p->family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	fx_set_addr(p->family, buf, p->addr);
	p->len = slash ? atoi(slash + 1) : (p->family == AF_INET ? 32 : 128);
}

void fx_add_prefix(struct prefix **v, size_t *n, const struct prefix *p)
{
	*v = xrealloc(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = *p;
}

void fx_add_src(struct policy_rule *r, const char *s)
{
	struct prefix p;

	parse_pfx(s, &p);
	fx_add_prefix(&r->src, &r->n_src, &p);
}

void fx_add_dst(struct policy_rule *r, const char *s)
{
	struct prefix p;

	parse_pfx(s, &p);
	fx_add_prefix(&r->dst, &r->n_dst, &p);
}

void fx_add_ports(struct port_range **v, size_t *n, uint16_t lo, uint16_t hi)
{
	*v = xrealloc(*v, *n + 1, sizeof(**v));
	(*v)[*n].lo = lo;
	(*v)[(*n)++].hi = hi;
}

void fx_add_iface(struct policy_rule *r, const char *name)
{
	r->ifaces = xrealloc(r->ifaces, r->n_ifaces + 1, sizeof(*r->ifaces));
	snprintf(r->ifaces[r->n_ifaces++], POLICY_IFNAME_MAX, "%s", name);
}

static int rule_slot(void *ctx, const char *name)
{
	return name[0] == 'r' ? FX_RULE_SLOT0 + atoi(name + 1) : -ENOENT;
}

static int iface_slot(void *ctx, const char *name)
{
	return name[0] == 't' ? 3 * atoi(name + 1) + 1 : -ENOENT;
}

const struct slot_lookup fx_slots = {.rule_slot = rule_slot, .iface_slot = iface_slot};

int fx_ifindex(void *ctx, const char *name)
{
	return name[0] == 't' ? FX_IFINDEX0 + atoi(name + 1) : -ENODEV;
}

const char *fx_ifname(uint32_t ifindex)
{
	static const char *names[FX_NIFACES] = {"t0", "t1", "t2"};

	if (ifindex < FX_IFINDEX0 || ifindex >= FX_IFINDEX0 + FX_NIFACES)
		return NULL;
	return names[ifindex - FX_IFINDEX0];
}

struct compiled_policy *fx_compile(const struct policy *p)
{
	struct compiled_policy *c = NULL;
	char err[256];
	int ret = compile_policy(p, &fx_slots, fx_ifindex, NULL, &c, err, sizeof(err));

	ck_assert_msg(ret == 0, "compile_policy: %d %s", ret, err);
	ck_assert_ptr_nonnull(c);
	return c;
}

/* ---- the reference ---- */

static bool in_prefix(const struct prefix *p, const struct emul_pkt *k, const uint8_t *addr)
{
	if (p->family != k->family)
		return false;
	for (int b = 0; b < p->len; b++) {
		int byte = b / 8, bit = 7 - b % 8;

		if (((p->addr[byte] >> bit) & 1) != ((addr[byte] >> bit) & 1))
			return false;
	}
	return true;
}

static bool addr_ok(const struct prefix *v, size_t n, const struct emul_pkt *k, const uint8_t *a)
{
	if (!n)
		return true;
	for (size_t i = 0; i < n; i++)
		if (in_prefix(&v[i], k, a))
			return true;
	return false;
}

static bool port_ok(const struct port_range *v, size_t n, const struct emul_pkt *k, uint16_t port)
{
	if (!n)
		return true;
	if (!k->first_frag || (k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP))
		return false;
	for (size_t i = 0; i < n; i++)
		if (port >= v[i].lo && port <= v[i].hi)
			return true;
	return false;
}

static bool iface_ok(const struct policy_rule *r, const struct emul_pkt *k)
{
	const char *name = fx_ifname(k->ifindex);

	if (!r->n_ifaces)
		return true;
	for (size_t i = 0; name && i < r->n_ifaces; i++)
		if (!strcmp(r->ifaces[i], name))
			return true;
	return false;
}

static bool icmp_ok(const struct policy_rule *r, const struct emul_pkt *k)
{
	bool is_icmp = (k->family == AF_INET && k->proto == IPPROTO_ICMP) ||
		       (k->family == AF_INET6 && k->proto == IPPROTO_ICMPV6);

	if (r->icmp_type < 0)
		return true;
	return is_icmp && k->first_frag && k->icmp_type == r->icmp_type;
}

static bool tcp_ok(const struct policy_rule *r, const struct emul_pkt *k)
{
	if (!r->tcp_mask)
		return true;
	return k->first_frag && k->proto == IPPROTO_TCP &&
	       (k->tcp_flags & r->tcp_mask) == (r->tcp_value & r->tcp_mask);
}

static bool rule_matches(const struct policy_rule *r, const struct emul_pkt *k)
{
	return iface_ok(r, k) && (r->protocol < 0 || r->protocol == k->proto) &&
	       addr_ok(r->src, r->n_src, k, k->src) && addr_ok(r->dst, r->n_dst, k, k->dst) &&
	       port_ok(r->src_ports, r->n_src_ports, k, k->sport) &&
	       port_ok(r->dst_ports, r->n_dst_ports, k, k->dport) && icmp_ok(r, k) && tcp_ok(r, k);
}

int ref_match(const struct policy *p, const struct emul_pkt *k)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (rule_matches(&p->rules[i], k))
			return i;
	return EMUL_NO_MATCH;
}
