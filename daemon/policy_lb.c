/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The load_balancers section: VIP, protocol and port, backends and health
 * checks. Cross-checks (backend family = VIP family, one balancer per
 * vip/protocol/port, timeout < interval) are done here so compile and the
 * datapath can trust what they get.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policy_names.h"
#include "policy_tree.h"

#define HC_MIN_INTERVAL_MS 100
#define HC_MIN_TIMEOUT_MS  10
#define HC_MAX_MS	   3600000
#define HC_MAX_COUNT	   100

struct lb_ctx {
	struct policy_lb *lb;
	bool vip_ok;
	bool proto_ok;
	bool sched_set;
	bool hc_type_set;
	struct src_loc name_loc;
	const struct pnode *vip_node;
	char label[96]; /* "load balancer 'web'" */
};

struct backend_ctx {
	struct lb_ctx *lc;
	struct policy_backend *b;
	bool addr_ok;
	struct src_loc addr_loc;
};

static const char *family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

static void do_name(struct vctx *v, const struct pnode *n, void *obj)
{
	struct lb_ctx *c = obj;

	if (want_name(v, n, c->lb->name, sizeof(c->lb->name)))
		c->name_loc = n->loc;
}

static void do_vip(struct vctx *v, const struct pnode *n, void *obj)
{
	struct lb_ctx *c = obj;
	const char *s = want_scalar(v, n, "an IP address"), *why;

	if (!s)
		return;
	if (parse_ip_addr(s, &c->lb->vip) < 0) {
		verr(v, n, "'%s' is not an IPv4 or IPv6 address", shown(v, s));
		return;
	}
	why = ip_addr_not_host(&c->lb->vip);
	if (why) {
		verr(v, n, "%s is %s, which no host answers for", shown(v, s), why);
		return;
	}
	c->vip_ok = true;
	c->vip_node = n;
}

static void do_protocol(struct vctx *v, const struct pnode *n, void *obj)
{
	struct lb_ctx *c = obj;
	int p = want_enum(v, n, lb_proto_names);

	if (p < 0)
		return;
	/* One word for operators; the datapath needs the real protocol number. */
	if (p == IPPROTO_ICMP && c->vip_ok && c->lb->vip.family == AF_INET6)
		p = IPPROTO_ICMPV6;
	c->lb->protocol = p;
	c->proto_ok = true;
}

static bool is_icmp(const struct policy_lb *lb)
{
	return lb->protocol == IPPROTO_ICMP || lb->protocol == IPPROTO_ICMPV6;
}

static void do_port(struct vctx *v, const struct pnode *n, void *obj)
{
	struct lb_ctx *c = obj;
	uint64_t x;

	if (c->proto_ok && is_icmp(c->lb)) {
		verr(v, n, "icmp balancers have no port");
		return;
	}
	if (want_uint(v, n, 1, 65535, &x))
		c->lb->port = (uint16_t)x;
}

static void do_scheduler(struct vctx *v, const struct pnode *n, void *obj)
{
	struct lb_ctx *c = obj;
	int s = want_enum(v, n, lb_sched_names);

	c->sched_set = true;
	if (s >= 0)
		c->lb->scheduler = (enum lb_sched)s;
}

static void do_forwarding(struct vctx *v, const struct pnode *n, void *obj)
{
	struct lb_ctx *c = obj;
	int f = want_enum(v, n, lb_fwd_names);

	if (f >= 0)
		c->lb->forwarding = (enum lb_fwd)f;
}

static void do_address(struct vctx *v, const struct pnode *n, void *obj)
{
	struct backend_ctx *bc = obj;
	const struct policy_lb *lb = bc->lc->lb;
	const char *s = want_scalar(v, n, "an IP address"), *why;

	if (!s)
		return;
	if (parse_ip_addr(s, &bc->b->addr) < 0) {
		verr(v, n, "'%s' is not an IPv4 or IPv6 address", shown(v, s));
		return;
	}
	why = ip_addr_not_host(&bc->b->addr);
	if (why) {
		verr(v, n, "%s is %s: not a backend's own address", shown(v, s), why);
		return;
	}
	if (bc->lc->vip_ok && bc->b->addr.family != lb->vip.family) {
		verr(v, n, "%s is %s but the vip is %s", shown(v, s),
		     family_name(bc->b->addr.family), family_name(lb->vip.family));
		return;
	}
	if (bc->lc->vip_ok && !memcmp(bc->b->addr.addr, lb->vip.addr, 16)) {
		verr(v, n, "%s is the vip itself: a backend has an address of its own", shown(v, s));
		return;
	}
	bc->addr_ok = true;
	bc->addr_loc = n->loc;
}

static void do_mac(struct vctx *v, const struct pnode *n, void *obj)
{
	struct backend_ctx *bc = obj;
	const char *s = want_scalar(v, n, "a MAC address");
	static const uint8_t zero[6];

	if (!s)
		return;
	if (parse_mac(s, bc->b->mac) < 0) {
		verr(v, n, "'%s' is not a MAC address (like \"52:54:00:12:34:56\")", shown(v, s));
		return;
	}
	if (bc->b->mac[0] & 1) {
		verr(v, n, "%s is a multicast MAC address; a backend needs a unicast one",
		     shown(v, s));
		return;
	}
	if (!memcmp(bc->b->mac, zero, 6)) {
		verr(v, n, "%s is the all-zero MAC address", shown(v, s));
		return;
	}
	bc->b->has_mac = true;
}

static void do_weight(struct vctx *v, const struct pnode *n, void *obj)
{
	struct backend_ctx *bc = obj;
	uint64_t x;

	if (n->kind == PN_SCALAR && !strcmp(n->str, "0")) {
		verr(v, n, "0 is out of range 1-65535 (to take a backend out, use state: disabled)");
		return;
	}
	if (want_uint(v, n, 1, 65535, &x))
		bc->b->weight = (uint32_t)x;
}

static void do_state(struct vctx *v, const struct pnode *n, void *obj)
{
	struct backend_ctx *bc = obj;
	int s = want_enum(v, n, backend_state_names);

	if (s >= 0)
		bc->b->state = (enum backend_state)s;
}

static const struct field backend_fields[] = {
	{ "address", true, do_address },
	{ "mac", false, do_mac },
	{ "weight", false, do_weight },
	{ "state", false, do_state },
	{ NULL, false, NULL },
};

static void check_backend_dup(struct vctx *v, const struct policy_lb *lb, const struct src_loc *locs,
			      const bool *ok, size_t i)
{
	char buf[64];

	for (size_t j = 0; j < i; j++) {
		if (!ok[j] || memcmp(&lb->backends[j].addr, &lb->backends[i].addr,
				     sizeof(lb->backends[i].addr)))
			continue;
		format_ip_addr(&lb->backends[i].addr, buf, sizeof(buf));
		verr_at(v, locs[i], "backend %s is listed twice (first at %u:%u)", buf,
			locs[j].line, locs[j].col);
		return;
	}
}

static void validate_backend(struct vctx *v, struct lb_ctx *c, const struct pnode *item, size_t i,
			     struct src_loc *loc, bool *ok)
{
	const struct pnode *addr = pnode_get(item, "address");
	struct backend_ctx bc = { .lc = c, .b = &c->lb->backends[i] };
	struct vsave s;

	bc.b->weight = 1;
	bc.b->state = BACKEND_ACTIVE;
	bc.b->loc = item->loc;
	/* "load balancer 'x': backend 192.0.2.1: weight: ...", not "...: backends: ..." */
	if (addr && addr->kind == PN_SCALAR && !pnode_is_null(addr))
		ctx_enter(v, &s, "%s: backend %s", c->label, shown(v, addr->str));
	else
		ctx_enter(v, &s, "%s: backend %zu", c->label, i + 1);
	walk_map(v, item, backend_fields, &bc);
	*ok = bc.addr_ok;
	*loc = bc.addr_loc;
	ctx_leave(v, &s);
}

static void do_backends(struct vctx *v, const struct pnode *n, void *obj)
{
	struct lb_ctx *c = obj;
	struct src_loc *locs;
	bool *ok;
	size_t cnt;

	if (!want_list(v, n, false, "a list of backends"))
		return;
	cnt = list_len(n);
	if (cnt == 0) {
		verr(v, n, "a load balancer needs at least one backend");
		return;
	}
	if (cnt > POLICY_MAX_BACKENDS) {
		verr(v, list_item(n, POLICY_MAX_BACKENDS), "too many backends (at most %d)",
		     POLICY_MAX_BACKENDS);
		cnt = POLICY_MAX_BACKENDS;
	}
	c->lb->backends = vcalloc(v, n, cnt, sizeof(*c->lb->backends));
	locs = vcalloc(v, n, cnt, sizeof(*locs));
	ok = vcalloc(v, n, cnt, sizeof(*ok));
	for (size_t i = 0; c->lb->backends && locs && ok && i < cnt; i++) {
		validate_backend(v, c, list_item(n, i), i, &locs[i], &ok[i]);
		c->lb->n_backends++;
		if (ok[i])
			check_backend_dup(v, c->lb, locs, ok, i);
	}
	free(locs);
	free(ok);
}

static void do_hc_type(struct vctx *v, const struct pnode *n, void *obj)
{
	struct lb_ctx *c = obj;
	int t = want_enum(v, n, hc_type_names);

	c->hc_type_set = true;
	if (t < 0)
		return;
	if (t == HC_TCP && c->proto_ok && is_icmp(c->lb)) {
		verr(v, n, "tcp checks connect to the balancer's port; icmp balancers have none");
		return;
	}
	c->lb->health.type = (enum hc_type)t;
}

static void do_hc_interval(struct vctx *v, const struct pnode *n, void *obj)
{
	struct lb_ctx *c = obj;

	want_duration(v, n, HC_MIN_INTERVAL_MS, HC_MAX_MS, &c->lb->health.interval_ms);
}

static void do_hc_timeout(struct vctx *v, const struct pnode *n, void *obj)
{
	struct lb_ctx *c = obj;

	want_duration(v, n, HC_MIN_TIMEOUT_MS, HC_MAX_MS, &c->lb->health.timeout_ms);
}

static void do_hc_rise(struct vctx *v, const struct pnode *n, void *obj)
{
	struct lb_ctx *c = obj;
	uint64_t x;

	if (want_uint(v, n, 1, HC_MAX_COUNT, &x))
		c->lb->health.rise = (uint32_t)x;
}

static void do_hc_fall(struct vctx *v, const struct pnode *n, void *obj)
{
	struct lb_ctx *c = obj;
	uint64_t x;

	if (want_uint(v, n, 1, HC_MAX_COUNT, &x))
		c->lb->health.fall = (uint32_t)x;
}

static const struct field hc_fields[] = {
	{ "type", false, do_hc_type },
	{ "interval", false, do_hc_interval },
	{ "timeout", false, do_hc_timeout },
	{ "rise", false, do_hc_rise },
	{ "fall", false, do_hc_fall },
	{ NULL, false, NULL },
};

static void do_health_check(struct vctx *v, const struct pnode *n, void *obj)
{
	struct lb_ctx *c = obj;
	struct policy_health *h = &c->lb->health;
	size_t errors = diag_count(v->d);
	const struct pnode *t, *i;
	char ts[24], is[24];

	if (pnode_is_null(n)) /* "health_check:" alone: no checks, as when absent */
		return;
	if (!walk_map(v, n, hc_fields, c))
		return;
	h->present = true;
	/* a value refused above left its default: no comparison with it */
	if (h->timeout_ms < h->interval_ms || diag_count(v->d) != errors)
		return;
	/* Point at whichever of the two the operator wrote. */
	t = pnode_get(n, "timeout");
	i = pnode_get(n, "interval");
	format_ms(h->timeout_ms, ts, sizeof(ts));
	format_ms(h->interval_ms, is, sizeof(is));
	verr(v, t ? t : i ? i : n, "timeout %s must be shorter than interval %s", ts, is);
}

/* Table order matters: vip, then protocol, then what depends on them. */
static const struct field lb_fields[] = {
	{ "name", true, do_name },
	{ "vip", true, do_vip },
	{ "protocol", true, do_protocol },
	{ "port", false, do_port },
	{ "scheduler", false, do_scheduler },
	{ "forwarding", false, do_forwarding },
	{ "backends", true, do_backends },
	{ "health_check", false, do_health_check },
	{ NULL, false, NULL },
};

static void lb_defaults(struct policy_lb *lb)
{
	lb->protocol = -1;
	lb->scheduler = LB_SCHED_MAGLEV;
	lb->forwarding = LB_FWD_NAT;
	lb->health.type = HC_ICMP;
	lb->health.interval_ms = 2000;
	lb->health.timeout_ms = 1000;
	lb->health.rise = 2;
	lb->health.fall = 3;
}

/* Defaults that depend on the protocol, once it is known. */
static void lb_finish(struct vctx *v, const struct pnode *map, struct lb_ctx *c)
{
	struct policy_lb *lb = c->lb;

	if (!c->proto_ok)
		return;
	if (!c->sched_set)
		lb->scheduler = is_icmp(lb) ? LB_SCHED_ROUND_ROBIN : LB_SCHED_MAGLEV;
	if (!c->hc_type_set)
		lb->health.type = is_icmp(lb) ? HC_ICMP : lb->protocol == IPPROTO_TCP ? HC_TCP :
									     HC_ICMP;
	if (!is_icmp(lb) && !pnode_get(map, "port"))
		verr(v, map, "missing required key 'port' (tcp and udp balancers need one)");
}

static const char *lb_proto_word(const struct policy_lb *lb)
{
	return is_icmp(lb) ? "icmp" : lb->protocol == IPPROTO_TCP ? "tcp" : "udp";
}

/* Two balancers on one vip/protocol/port would make the datapath's choice
 * arbitrary. */
static void check_lb_conflicts(struct vctx *v, const struct policy *p, const struct lb_ctx *cs)
{
	char buf[64], svc[96];

	for (size_t i = 0; i < p->n_lbs; i++) {
		const struct policy_lb *a = &p->lbs[i];

		for (size_t j = 0; j < i; j++) {
			const struct policy_lb *b = &p->lbs[j];

			if (a->name[0] && !strcmp(a->name, b->name)) {
				diag_add(v->d, cs[i].name_loc,
					 "load balancer '%s': the name is already used by the balancer at %u:%u",
					 a->name, cs[j].name_loc.line, cs[j].name_loc.col);
				break;
			}
			if (!cs[i].vip_ok || !cs[j].vip_ok || !cs[i].proto_ok || !cs[j].proto_ok ||
			    memcmp(&a->vip, &b->vip, sizeof(a->vip)) || a->protocol != b->protocol ||
			    a->port != b->port)
				continue;
			format_ip_addr(&a->vip, buf, sizeof(buf));
			if (is_icmp(a))
				snprintf(svc, sizeof(svc), "icmp %s", buf);
			else
				snprintf(svc, sizeof(svc), "%s %s port %u", lb_proto_word(a), buf,
					 a->port);
			diag_add(v->d, cs[i].vip_node->loc,
				 "load balancer '%s': %s is already served by '%s'",
				 a->name[0] ? a->name : "?", svc, b->name[0] ? b->name : "?");
			break;
		}
	}
}

void validate_lbs(struct vctx *v, const struct pnode *n, void *obj)
{
	struct policy *p = v->p;
	struct lb_ctx *cs;
	size_t cnt;

	if (!want_list(v, n, false, "a list of load balancers"))
		return;
	cnt = list_len(n);
	if (cnt > POLICY_MAX_LBS) {
		verr(v, list_item(n, POLICY_MAX_LBS), "too many load balancers (at most %d)",
		     POLICY_MAX_LBS);
		cnt = POLICY_MAX_LBS;
	}
	if (cnt == 0)
		return;
	p->lbs = vcalloc(v, n, cnt, sizeof(*p->lbs));
	cs = vcalloc(v, n, cnt, sizeof(*cs));
	for (size_t i = 0; p->lbs && cs && i < cnt; i++) {
		const struct pnode *item = list_item(n, i);
		const struct pnode *name = pnode_get(item, "name");
		struct lb_ctx *c = &cs[i];
		struct vsave s;

		c->lb = &p->lbs[i];
		lb_defaults(c->lb);
		c->lb->loc = item->loc;
		if (name && name->kind == PN_SCALAR && valid_name(name->str))
			snprintf(c->label, sizeof(c->label), "load balancer '%s'", name->str);
		else
			snprintf(c->label, sizeof(c->label), "load balancer %zu", i + 1);
		ctx_enter(v, &s, "%s", c->label);
		if (walk_map(v, item, lb_fields, c))
			lb_finish(v, item, c);
		ctx_leave(v, &s);
		p->n_lbs++;
	}
	if (cs)
		check_lb_conflicts(v, p, cs);
	free(cs);
}
