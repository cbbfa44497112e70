/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rules section: each rule's conditions, checked against each other
 * (ports need tcp/udp, icmp_type needs icmp/icmpv6, ...) so that a rule that
 * could never match, or would match more than written, is an error.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../bpf/xdpd_abi.h"
#include "policy_names.h"
#include "policy_tree.h"

struct rule_ctx {
	struct policy_rule *r;
	bool proto_bad;	/* protocol given but invalid: skip checks that depend on it */
	struct src_loc name_loc;
};

static void do_name(struct vctx *v, const struct pnode *n, void *obj)
{
	struct rule_ctx *c = obj;

	if (want_name(v, n, c->r->name, sizeof(c->r->name)))
		c->name_loc = n->loc;
}

static void do_action(struct vctx *v, const struct pnode *n, void *obj)
{
	struct rule_ctx *c = obj;
	int a = want_enum(v, n, policy_action_names);

	if (a >= 0)
		c->r->action = (enum policy_action)a;
}

static void do_protocol(struct vctx *v, const struct pnode *n, void *obj)
{
	struct rule_ctx *c = obj;
	const char *s = want_scalar(v, n, "a protocol");
	uint64_t x;
	int p, r;

	c->proto_bad = true;
	if (!s)
		return;
	p = proto_from_name(s);
	if (p < 0) {
		r = parse_u64(s, 255, &x);
		if (r == -ERANGE) {
			verr(v, n, "%s is out of range 0-255", shown(v, s));
			return;
		}
		if (r < 0) {
			verr(v, n, "'%s' is not a protocol (tcp, udp, icmp, icmpv6, gre, esp, ah, "
			     "sctp or 0-255)",
			     shown(v, s));
			return;
		}
		p = (int)x;
	}
	c->r->protocol = p;
	c->proto_bad = false;
}

static bool port_number(struct vctx *v, const struct pnode *n, const char *s, uint16_t *out)
{
	uint64_t x;
	int r = parse_u64(s, 65535, &x);

	if (r == -EINVAL) {
		verr(v, n, "'%s' is not a port or \"N-M\" range", shown(v, n->str));
		return false;
	}
	if (r < 0) {
		verr(v, n, "%s is out of range 0-65535", shown(v, s));
		return false;
	}
	*out = (uint16_t)x;
	return true;
}

static bool port_item(struct vctx *v, const struct pnode *n, struct port_range *out)
{
	const char *s = want_scalar(v, n, "a port or \"N-M\" range");
	const char *dash;
	char lo[32];
	size_t len;

	if (!s)
		return false;
	dash = strchr(s, '-');
	if (!dash)
		return port_number(v, n, s, &out->lo) && (out->hi = out->lo, true);
	len = (size_t)(dash - s);
	if (len == 0 || len >= sizeof(lo)) {
		verr(v, n, "'%s' is not a port or \"N-M\" range", shown(v, s));
		return false;
	}
	memcpy(lo, s, len);
	lo[len] = '\0';
	if (!port_number(v, n, lo, &out->lo) || !port_number(v, n, dash + 1, &out->hi))
		return false;
	if (out->lo > out->hi) {
		verr(v, n, "range %s is inverted (%u > %u)", shown(v, s), out->lo, out->hi);
		return false;
	}
	return true;
}

static void ports(struct vctx *v, const struct pnode *n, struct rule_ctx *c,
		  struct port_range **out, size_t *nout)
{
	size_t cnt;

	if (!want_list(v, n, true, "a port, an \"N-M\" range or a list of those"))
		return;
	cnt = list_len(n);
	if (cnt == 0) {
		verr(v, n, "the list is empty (omit the key to match any port)");
		return;
	}
	if (!c->proto_bad && c->r->protocol != IPPROTO_TCP && c->r->protocol != IPPROTO_UDP)
		verr(v, n, "needs protocol tcp or udp");
	*out = vcalloc(v, n, cnt, sizeof(**out));
	if (!*out)
		return;
	for (size_t i = 0; i < cnt; i++)
		if (port_item(v, list_item(n, i), &(*out)[*nout]))
			(*nout)++;
}

static void do_src_port(struct vctx *v, const struct pnode *n, void *obj)
{
	struct rule_ctx *c = obj;

	ports(v, n, c, &c->r->src_ports, &c->r->n_src_ports);
}

static void do_dst_port(struct vctx *v, const struct pnode *n, void *obj)
{
	struct rule_ctx *c = obj;

	ports(v, n, c, &c->r->dst_ports, &c->r->n_dst_ports);
}

static bool prefix_item(struct vctx *v, const struct pnode *n, struct prefix *out)
{
	const char *s = want_scalar(v, n, "an address or prefix");
	char fixed[64];
	struct prefix m;
	int r;

	if (!s)
		return false;
	r = parse_prefix_raw(s, out);
	if (r == -ERANGE) {
		verr(v, n, "'%s': the prefix length is out of range 0-%d", shown(v, s),
		     strchr(s, ':') ? 128 : 32);
		return false;
	}
	if (r < 0) {
		verr(v, n, "'%s' is not an IPv4 or IPv6 address or prefix", shown(v, s));
		return false;
	}
	if (prefix_host_bits_set(out)) {
		m = *out;
		prefix_mask(&m);
		format_prefix(&m, fixed, sizeof(fixed));
		verr(v, n, "'%s' has host bits set after the prefix length (did you mean %s?)",
		     shown(v, s), fixed);
		return false;
	}
	return true;
}

static void prefixes(struct vctx *v, const struct pnode *n, struct prefix **out, size_t *nout)
{
	size_t cnt;

	if (!want_list(v, n, true, "an address, a prefix or a list of those"))
		return;
	cnt = list_len(n);
	if (cnt == 0) {
		verr(v, n, "the list is empty (omit the key to match any address)");
		return;
	}
	*out = vcalloc(v, n, cnt, sizeof(**out));
	if (!*out)
		return;
	for (size_t i = 0; i < cnt; i++)
		if (prefix_item(v, list_item(n, i), &(*out)[*nout]))
			(*nout)++;
}

static void do_src(struct vctx *v, const struct pnode *n, void *obj)
{
	struct rule_ctx *c = obj;

	prefixes(v, n, &c->r->src, &c->r->n_src);
}

static void do_dst(struct vctx *v, const struct pnode *n, void *obj)
{
	struct rule_ctx *c = obj;

	prefixes(v, n, &c->r->dst, &c->r->n_dst);
}

static void do_icmp_type(struct vctx *v, const struct pnode *n, void *obj)
{
	struct rule_ctx *c = obj;
	const char *s = want_scalar(v, n, "an ICMP type name or number");
	int proto = c->r->protocol, t, r;
	const char *fam;
	uint64_t x;

	if (!s || c->proto_bad)
		return;
	if (proto != IPPROTO_ICMP && proto != IPPROTO_ICMPV6) {
		verr(v, n, "needs protocol icmp or icmpv6");
		return;
	}
	fam = proto == IPPROTO_ICMP ? "icmp" : "icmpv6";
	r = parse_u64(s, 255, &x);
	if (r == -ERANGE) {
		verr(v, n, "%s is out of range 0-255", shown(v, s));
		return;
	}
	t = r == 0 ? (int)x : icmp_type_from_name(proto, s);
	if (t < 0) {
		int other = proto == IPPROTO_ICMP ? IPPROTO_ICMPV6 : IPPROTO_ICMP;

		if (icmp_type_from_name(other, s) >= 0)
			verr(v, n, "'%s' is an %s type, not an %s one", shown(v, s),
			     proto == IPPROTO_ICMP ? "icmpv6" : "icmp", fam);
		else
			verr(v, n, "'%s' is not an %s type name or a number 0-255", shown(v, s),
			     fam);
		return;
	}
	c->r->icmp_type = t;
}

/* "syn,!ack": each named flag must be set, or clear with '!'. */
static void parse_flag(struct vctx *v, const struct pnode *n, const char *tok, size_t len,
		       struct policy_rule *r)
{
	char name[16];
	bool neg;
	int bit;

	while (len && *tok == ' ')
		tok++, len--;
	while (len && tok[len - 1] == ' ')
		len--;
	neg = len && *tok == '!';
	if (neg)
		tok++, len--;
	if (len == 0 || len >= sizeof(name)) {
		verr(v, n, "'%.*s' is not a TCP flag (fin, syn, rst, psh, ack, urg, ece, cwr)",
		     (int)(len < 32 ? len : 32), tok);
		return;
	}
	memcpy(name, tok, len);
	name[len] = '\0';
	bit = name_lookup(tcp_flag_names, name);
	if (bit < 0) {
		verr(v, n, "'%s' is not a TCP flag (fin, syn, rst, psh, ack, urg, ece, cwr)",
		     shown(v, name));
		return;
	}
	if (r->tcp_mask & bit) {
		verr(v, n, "flag '%s' is given twice", name);
		return;
	}
	r->tcp_mask |= (uint8_t)bit;
	if (!neg)
		r->tcp_value |= (uint8_t)bit;
}

static void do_tcp_flags(struct vctx *v, const struct pnode *n, void *obj)
{
	struct rule_ctx *c = obj;
	const char *s = want_scalar(v, n, "TCP flags like \"syn,!ack\"");

	if (!s)
		return;
	if (!c->proto_bad && c->r->protocol != IPPROTO_TCP)
		verr(v, n, "needs protocol tcp");
	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);

		parse_flag(v, n, s, len, c->r);
		if (!comma)
			break;
		s = comma + 1;
	}
}

static void do_pps(struct vctx *v, const struct pnode *n, void *obj)
{
	struct policy_rule *r = obj;
	uint64_t x;

	if (want_uint(v, n, 1, UINT32_MAX, &x))
		r->rl_pps = (uint32_t)x;
}

static void do_per(struct vctx *v, const struct pnode *n, void *obj)
{
	struct policy_rule *r = obj;
	int p = want_enum(v, n, rl_per_names);

	if (p >= 0)
		r->rl_per = (enum rl_per)p;
}

static const struct field rate_fields[] = {
	{ "pps", true, do_pps },
	{ "per", false, do_per },
	{ NULL, false, NULL },
};

static void do_rate_limit(struct vctx *v, const struct pnode *n, void *obj)
{
	struct rule_ctx *c = obj;

	c->r->rl_per = RL_PER_SOURCE;
	if (walk_map(v, n, rate_fields, c->r))
		c->r->has_rate_limit = true;
}

static bool policy_has_iface(const struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->n_ifaces; i++)
		if (!strcmp(p->ifaces[i].name, name))
			return true;
	return false;
}

static void do_interfaces(struct vctx *v, const struct pnode *n, void *obj)
{
	struct policy_rule *r = ((struct rule_ctx *)obj)->r;
	size_t cnt;

	if (!want_list(v, n, true, "a list of interface names"))
		return;
	cnt = list_len(n);
	if (cnt == 0) {
		verr(v, n, "the list is empty (omit the key to mean every interface)");
		return;
	}
	r->ifaces = vcalloc(v, n, cnt, sizeof(*r->ifaces));
	if (!r->ifaces)
		return;
	for (size_t i = 0; i < cnt; i++) {
		const struct pnode *item = list_item(n, i);
		const char *s = want_scalar(v, item, "an interface name");
		bool dup = false;

		if (!s)
			continue;
		if (!policy_has_iface(v->p, s)) {
			verr(v, item, "'%s' is not one of the policy's interfaces", shown(v, s));
			continue;
		}
		for (size_t j = 0; j < r->n_ifaces; j++)
			dup = dup || !strcmp(r->ifaces[j], s);
		if (dup) {
			verr(v, item, "'%s' is listed twice", shown(v, s));
			continue;
		}
		snprintf(r->ifaces[r->n_ifaces++], POLICY_IFNAME_MAX, "%s", s);
	}
}

/* Table order matters: protocol before everything that depends on it. */
static const struct field rule_fields[] = {
	{ "name", true, do_name },
	{ "action", true, do_action },
	{ "protocol", false, do_protocol },
	{ "src_port", false, do_src_port },
	{ "dst_port", false, do_dst_port },
	{ "src", false, do_src },
	{ "dst", false, do_dst },
	{ "icmp_type", false, do_icmp_type },
	{ "tcp_flags", false, do_tcp_flags },
	{ "rate_limit", false, do_rate_limit },
	{ "interfaces", false, do_interfaces },
	{ NULL, false, NULL },
};

/* Bit 0: some IPv4 prefix, bit 1: some IPv6 prefix. */
static unsigned int families(const struct prefix *pf, size_t n)
{
	unsigned int m = 0;

	for (size_t i = 0; i < n; i++)
		m |= pf[i].family == AF_INET ? 1 : 2;
	return m;
}

/* A rule that can never match is a mistake worth stopping for. */
static void check_families(struct vctx *v, const struct pnode *map, const struct policy_rule *r)
{
	unsigned int fs = families(r->src, r->n_src), fd = families(r->dst, r->n_dst);
	const struct pnode *src = pnode_get(map, "src"), *dst = pnode_get(map, "dst");

	if (fs && fd && !(fs & fd)) {
		verr(v, dst, "src is %s only and dst is %s only: the rule can never match",
		     fs == 1 ? "IPv4" : "IPv6", fd == 1 ? "IPv4" : "IPv6");
		return;
	}
	if (r->protocol == IPPROTO_ICMP && ((fs == 2 && src) || (fd == 2 && dst)))
		verr(v, fs == 2 ? src : dst,
		     "protocol icmp is IPv4 only but the addresses are IPv6 (use icmpv6)");
	if (r->protocol == IPPROTO_ICMPV6 && ((fs == 1 && src) || (fd == 1 && dst)))
		verr(v, fs == 1 ? src : dst,
		     "protocol icmpv6 is IPv6 only but the addresses are IPv4 (use icmp)");
}

static void validate_rule(struct vctx *v, const struct pnode *item, size_t idx,
			  struct policy_rule *r, struct src_loc *name_loc)
{
	const struct pnode *name = pnode_get(item, "name");
	struct rule_ctx c = { .r = r };
	struct vsave s;

	r->loc = item->loc;
	r->protocol = -1;
	r->icmp_type = -1;
	if (name && name->kind == PN_SCALAR && valid_name(name->str))
		ctx_enter(v, &s, "rule '%s'", name->str);
	else
		ctx_enter(v, &s, "rule %zu", idx + 1);
	if (walk_map(v, item, rule_fields, &c))
		check_families(v, item, r);
	*name_loc = c.name_loc;
	ctx_leave(v, &s);
}

struct named {
	const char *name;
	struct src_loc loc;
};

static int named_cmp(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (x->loc.line != y->loc.line)
		return x->loc.line < y->loc.line ? -1 : 1;
	return x->loc.col < y->loc.col ? -1 : (x->loc.col > y->loc.col);
}

/* Sorted, so 16384 rules cost n log n, not n^2. */
static void check_unique_rules(struct vctx *v, const struct policy *p, const struct src_loc *locs)
{
	struct named *v2 = calloc(p->n_rules ? p->n_rules : 1, sizeof(*v2));
	size_t n = 0;

	if (!v2) {
		diag_add(v->d, (struct src_loc){ 0, 0 }, "out of memory checking rule names");
		return;
	}
	for (size_t i = 0; i < p->n_rules; i++)
		if (p->rules[i].name[0])
			v2[n++] = (struct named){ p->rules[i].name, locs[i] };
	qsort(v2, n, sizeof(*v2), named_cmp);
	for (size_t i = 1, first = 0; i < n; i++) {
		if (strcmp(v2[first].name, v2[i].name)) {
			first = i;
			continue;
		}
		diag_add(v->d, v2[i].loc, "rule '%s': the name is already used by the rule at %u:%u",
			 v2[i].name, v2[first].loc.line, v2[first].loc.col);
	}
	free(v2);
}

void validate_rules(struct vctx *v, const struct pnode *n, void *obj)
{
	struct policy *p = v->p;
	struct src_loc *locs;
	size_t cnt;

	if (!want_list(v, n, false, "a list of rules"))
		return;
	cnt = list_len(n);
	if (cnt > XDPD_MAX_RULES) {
		verr(v, list_item(n, XDPD_MAX_RULES), "too many rules (at most %d)", XDPD_MAX_RULES);
		cnt = XDPD_MAX_RULES;
	}
	if (cnt == 0)
		return;
	p->rules = vcalloc(v, n, cnt, sizeof(*p->rules));
	locs = vcalloc(v, n, cnt, sizeof(*locs));
	if (!p->rules || !locs) {
		free(locs);
		return;
	}
	for (size_t i = 0; i < cnt; i++) {
		validate_rule(v, list_item(n, i), i, &p->rules[i], &locs[i]);
		p->n_rules++;
	}
	check_unique_rules(v, p, locs);
	free(locs);
}
