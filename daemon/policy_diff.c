// SPDX-License-Identifier: GPL-2.0-or-later
/* Named differences between two policies (see policy_diff.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "policy_diff.h"

const char *diff_kind_name(enum diff_kind k)
{
	static const char *const names[] = {"interface", "setting", "rule", "balancer"};

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

const char *diff_change_name(enum diff_change c)
{
	static const char *const names[] = {"added", "removed", "changed"};

	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "?";
}

static int add(struct policy_diff *d, enum diff_kind k, enum diff_change c, const char *name)
{
	struct policy_change *e;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct policy_change *v = realloc(d->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		d->v = v;
		d->cap = cap;
	}
	e = &d->v[d->n++];
	e->kind = k;
	e->change = c;
	strncpy(e->name, name, sizeof(e->name) - 1);
	e->name[sizeof(e->name) - 1] = '\0';
	return 0;
}

void policy_diff_free(struct policy_diff *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* ---- value equality ---- */

static size_t addr_bytes(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

static bool addr_eq(const struct ip_addr *a, const struct ip_addr *b)
{
	return a->family == b->family && !memcmp(a->addr, b->addr, addr_bytes(a->family));
}

static bool prefix_eq(const void *pa, const void *pb)
{
	const struct prefix *a = pa, *b = pb;

	return a->family == b->family && a->len == b->len &&
	       !memcmp(a->addr, b->addr, addr_bytes(a->family));
}

static bool port_eq(const void *pa, const void *pb)
{
	const struct port_range *a = pa, *b = pb;

	return a->lo == b->lo && a->hi == b->hi;
}

typedef bool (*eq_fn)(const void *a, const void *b);

/* Lists are sets: equal when each element of one is found in the other. */
static bool subset(const void *a, size_t na, const void *b, size_t nb, size_t size, eq_fn eq)
{
	for (size_t i = 0; i < na; i++) {
		bool found = false;

		for (size_t j = 0; j < nb && !found; j++)
			found = eq((const char *)a + i * size, (const char *)b + j * size);
		if (!found)
			return false;
	}
	return true;
}

static bool set_eq(const void *a, size_t na, const void *b, size_t nb, size_t size, eq_fn eq)
{
	return subset(a, na, b, nb, size, eq) && subset(b, nb, a, na, size, eq);
}

#define SET_EQ(a, na, b, nb, eq) set_eq(a, na, b, nb, sizeof(*(a)), eq)

static bool ifname_eq(const void *a, const void *b)
{
	return !strncmp(a, b, POLICY_IFNAME_MAX);
}

static bool rule_eq(const struct policy_rule *a, const struct policy_rule *b)
{
	if (a->action != b->action || a->protocol != b->protocol || a->icmp_type != b->icmp_type ||
	    a->tcp_mask != b->tcp_mask || a->tcp_value != b->tcp_value ||
	    a->has_rate_limit != b->has_rate_limit)
		return false;
	if (a->has_rate_limit && (a->rl_pps != b->rl_pps || a->rl_per != b->rl_per))
		return false;
	return SET_EQ(a->src_ports, a->n_src_ports, b->src_ports, b->n_src_ports, port_eq) &&
	       SET_EQ(a->dst_ports, a->n_dst_ports, b->dst_ports, b->n_dst_ports, port_eq) &&
	       SET_EQ(a->src, a->n_src, b->src, b->n_src, prefix_eq) &&
	       SET_EQ(a->dst, a->n_dst, b->dst, b->n_dst, prefix_eq) &&
	       SET_EQ(a->ifaces, a->n_ifaces, b->ifaces, b->n_ifaces, ifname_eq);
}

static bool backend_eq(const void *pa, const void *pb)
{
	const struct policy_backend *a = pa, *b = pb;

	return addr_eq(&a->addr, &b->addr) && a->has_mac == b->has_mac &&
	       (!a->has_mac || !memcmp(a->mac, b->mac, 6)) && a->weight == b->weight &&
	       a->state == b->state;
}

static bool health_eq(const struct policy_health *a, const struct policy_health *b)
{
	if (a->present != b->present)
		return false;
	return !a->present ||
	       (a->type == b->type && a->interval_ms == b->interval_ms &&
		a->timeout_ms == b->timeout_ms && a->rise == b->rise && a->fall == b->fall);
}

static bool lb_eq(const struct policy_lb *a, const struct policy_lb *b)
{
	return addr_eq(&a->vip, &b->vip) && a->protocol == b->protocol && a->port == b->port &&
	       a->scheduler == b->scheduler && a->forwarding == b->forwarding &&
	       health_eq(&a->health, &b->health) &&
	       SET_EQ(a->backends, a->n_backends, b->backends, b->n_backends, backend_eq);
}

/* ---- lookups by name ---- */

static ssize_t find_lb(const struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->n_lbs; i++)
		if (!strcmp(p->lbs[i].name, name))
			return (ssize_t)i;
	return -1;
}

static ssize_t find_iface(const struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->n_ifaces; i++)
		if (!strcmp(p->ifaces[i].name, name))
			return (ssize_t)i;
	return -1;
}

/* ---- per kind ---- */

static int diff_ifaces(const struct policy *o, const struct policy *n, struct policy_diff *d)
{
	int r = 0;

	for (size_t i = 0; i < o->n_ifaces && !r; i++)
		if (find_iface(n, o->ifaces[i].name) < 0)
			r = add(d, DIFF_INTERFACE, DIFF_REMOVED, o->ifaces[i].name);
	for (size_t i = 0; i < n->n_ifaces && !r; i++) {
		ssize_t j = find_iface(o, n->ifaces[i].name);

		if (j < 0)
			r = add(d, DIFF_INTERFACE, DIFF_ADDED, n->ifaces[i].name);
		else if (o->ifaces[j].mode != n->ifaces[i].mode)
			r = add(d, DIFF_INTERFACE, DIFF_CHANGED, n->ifaces[i].name);
	}
	return r;
}

static int diff_settings(const struct policy *o, const struct policy *n, struct policy_diff *d)
{
	int r = 0;

	if (o->default_action != n->default_action)
		r = add(d, DIFF_SETTING, DIFF_CHANGED, "default_action");
	if (!r && o->on_stop != n->on_stop)
		r = add(d, DIFF_SETTING, DIFF_CHANGED, "on_stop");
	if (!r && (o->sampling.rate != n->sampling.rate ||
		   o->sampling.ring_bytes != n->sampling.ring_bytes))
		r = add(d, DIFF_SETTING, DIFF_CHANGED, "sampling");
	if (!r && (strcmp(o->control.socket, n->control.socket) ||
		   strcmp(o->control.group, n->control.group)))
		r = add(d, DIFF_SETTING, DIFF_CHANGED, "control");
	if (!r && strcmp(o->bpffs, n->bpffs))
		r = add(d, DIFF_SETTING, DIFF_CHANGED, "bpffs");
	return r;
}

/* Rules are matched by name through a sorted index: policies of 10,000
 * rules are diffed on every reload, inside the event loop. */
struct rule_match {
	ssize_t *other; /* per rule: its index in the other policy, -1: none */
	size_t *rank;	/* per kept rule: its position among the kept rules */
};

struct named {
	const char *name;
	size_t index;
};

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

static struct named *sorted_rules(const struct policy *p)
{
	struct named *v = malloc((p->n_rules + 1) * sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < p->n_rules; i++)
		v[i] = (struct named){.name = p->rules[i].name, .index = i};
	qsort(v, p->n_rules, sizeof(*v), cmp_named);
	return v;
}

static ssize_t find_sorted(const struct policy *p, const struct named *sorted, const char *name)
{
	struct named key = {.name = name};
	const struct named *hit = bsearch(&key, sorted, p->n_rules, sizeof(key), cmp_named);

	return hit ? (ssize_t)hit->index : -1;
}

/* m->other[i] for each rule of p in other (found through other_sorted), and
 * the rank of each kept rule among p's kept rules. */
static int match_rules(const struct policy *p, const struct policy *other,
		       const struct named *other_sorted, struct rule_match *m)
{
	size_t rank = 0;

	m->other = malloc((p->n_rules + 1) * sizeof(*m->other));
	m->rank = malloc((p->n_rules + 1) * sizeof(*m->rank));
	if (!m->other || !m->rank)
		return -ENOMEM;
	for (size_t i = 0; i < p->n_rules; i++) {
		m->other[i] = find_sorted(other, other_sorted, p->rules[i].name);
		m->rank[i] = m->other[i] >= 0 ? rank++ : 0;
	}
	return 0;
}

static int diff_rules(const struct policy *o, const struct policy *n, struct policy_diff *d)
{
	struct named *so = sorted_rules(o), *sn = sorted_rules(n);
	struct rule_match mo = {0}, mn = {0};
	int r = so && sn ? 0 : -ENOMEM;

	if (!r)
		r = match_rules(o, n, sn, &mo);
	if (!r)
		r = match_rules(n, o, so, &mn);
	for (size_t i = 0; i < o->n_rules && !r; i++)
		if (mo.other[i] < 0)
			r = add(d, DIFF_RULE, DIFF_REMOVED, o->rules[i].name);
	for (size_t i = 0; i < n->n_rules && !r; i++) {
		ssize_t j = mn.other[i];

		if (j < 0)
			r = add(d, DIFF_RULE, DIFF_ADDED, n->rules[i].name);
		else if (!rule_eq(&o->rules[j], &n->rules[i]) || mo.rank[j] != mn.rank[i])
			r = add(d, DIFF_RULE, DIFF_CHANGED, n->rules[i].name);
	}
	free(so);
	free(sn);
	free(mo.other);
	free(mo.rank);
	free(mn.other);
	free(mn.rank);
	return r;
}

static int diff_lbs(const struct policy *o, const struct policy *n, struct policy_diff *d)
{
	int r = 0;

	for (size_t i = 0; i < o->n_lbs && !r; i++)
		if (find_lb(n, o->lbs[i].name) < 0)
			r = add(d, DIFF_BALANCER, DIFF_REMOVED, o->lbs[i].name);
	for (size_t i = 0; i < n->n_lbs && !r; i++) {
		ssize_t j = find_lb(o, n->lbs[i].name);

		if (j < 0)
			r = add(d, DIFF_BALANCER, DIFF_ADDED, n->lbs[i].name);
		else if (!lb_eq(&o->lbs[j], &n->lbs[i]))
			r = add(d, DIFF_BALANCER, DIFF_CHANGED, n->lbs[i].name);
	}
	return r;
}

int policy_diff(const struct policy *old, const struct policy *new, struct policy_diff *d)
{
	int r = diff_ifaces(old, new, d);

	if (!r)
		r = diff_settings(old, new, d);
	if (!r)
		r = diff_rules(old, new, d);
	if (!r)
		r = diff_lbs(old, new, d);
	if (r)
		policy_diff_free(d);
	return r;
}
