// SPDX-License-Identifier: GPL-2.0-or-later
/* daemon/policy_diff.c: what a reload reports as added/removed/changed. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policy_diff.h"
#include "check_run.h"

/* Policies built in code so the test does not depend on the YAML parser. */
struct fixture {
	struct policy p;
	struct policy_rule rules[8];
	struct policy_lb lbs[4];
	struct policy_iface ifaces[4];
	struct prefix src[8][2];
	struct port_range ports[8][2];
	struct policy_backend backends[4][2];
};

static void fx_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->p.rules = f->rules;
	f->p.lbs = f->lbs;
	f->p.ifaces = f->ifaces;
	f->p.default_action = POLICY_PASS;
	f->p.sampling.rate = 100;
	strcpy(f->p.control.socket, "/run/xdpd/xdpd.sock");
}

static struct policy_rule *fx_rule(struct fixture *f, const char *name, int a, int b)
{
	size_t i = f->p.n_rules++;
	struct policy_rule *r = &f->rules[i];

	snprintf(r->name, sizeof(r->name), "%s", name);
	r->action = POLICY_DROP;
	r->protocol = 6;
	r->icmp_type = -1;
	r->src = f->src[i];
	r->n_src = 2;
	f->src[i][0] = (struct prefix){.family = AF_INET, .len = 24, .addr = {10, 0, a, 0}};
	f->src[i][1] = (struct prefix){.family = AF_INET, .len = 24, .addr = {10, 0, b, 0}};
	r->dst_ports = f->ports[i];
	r->n_dst_ports = 1;
	f->ports[i][0] = (struct port_range){80, 80};
	r->loc.line = (uint32_t)(10 + i);
	return r;
}

static struct policy_lb *fx_lb(struct fixture *f, const char *name)
{
	size_t i = f->p.n_lbs++;
	struct policy_lb *l = &f->lbs[i];

	snprintf(l->name, sizeof(l->name), "%s", name);
	l->vip = (struct ip_addr){.family = AF_INET, .addr = {192, 168, 1, 2}};
	l->protocol = 1;
	l->backends = f->backends[i];
	l->n_backends = 2;
	f->backends[i][0] = (struct policy_backend){
	    .addr = {.family = AF_INET, .addr = {192, 168, 1, 3}}, .weight = 1};
	f->backends[i][1] = (struct policy_backend){
	    .addr = {.family = AF_INET, .addr = {192, 168, 1, 4}}, .weight = 1};
	return l;
}

static void fx_iface(struct fixture *f, const char *name, enum xdp_mode mode)
{
	struct policy_iface *i = &f->ifaces[f->p.n_ifaces++];

	snprintf(i->name, sizeof(i->name), "%s", name);
	i->mode = mode;
}

/* The diff rendered as "kind:name:change" lines joined by spaces. */
static char *render(const struct fixture *a, const struct fixture *b)
{
	struct policy_diff d = {0};
	static char buf[1024];
	size_t off = 0;

	ck_assert_int_eq(policy_diff(&a->p, &b->p, &d), 0);
	buf[0] = '\0';
	for (size_t i = 0; i < d.n; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s:%s:%s", i ? " " : "",
					diff_kind_name(d.v[i].kind), d.v[i].name,
					diff_change_name(d.v[i].change));
	policy_diff_free(&d);
	return buf;
}

static struct fixture A, B;

static void setup(void)
{
	fx_init(&A);
	fx_rule(&A, "r1", 1, 2);
	fx_rule(&A, "r2", 3, 4);
	fx_rule(&A, "r3", 5, 6);
	fx_lb(&A, "lb1");
	fx_iface(&A, "eth0", XDP_MODE_AUTO);
	B = A;
	/* B's pointers must point into B */
	B.p.rules = B.rules;
	B.p.lbs = B.lbs;
	B.p.ifaces = B.ifaces;
	for (size_t i = 0; i < B.p.n_rules; i++) {
		B.rules[i].src = B.src[i];
		B.rules[i].dst_ports = B.ports[i];
	}
	for (size_t i = 0; i < B.p.n_lbs; i++)
		B.lbs[i].backends = B.backends[i];
}

START_TEST(identical_is_empty)
{
	B.rules[1].loc.line = 99; /* only moved in the file */
	ck_assert_str_eq(render(&A, &B), "");
}
END_TEST

START_TEST(lists_are_sets)
{
	struct prefix t = B.src[0][0];
	struct policy_backend bt = B.backends[0][0];

	B.src[0][0] = B.src[0][1];
	B.src[0][1] = t;
	B.backends[0][0] = B.backends[0][1];
	B.backends[0][1] = bt;
	ck_assert_str_eq(render(&A, &B), "");
}
END_TEST

START_TEST(rule_added_removed_changed)
{
	fx_rule(&B, "r4", 7, 8);
	B.rules[1].action = POLICY_PASS;
	ck_assert_str_eq(render(&A, &B), "rule:r2:changed rule:r4:added");
	ck_assert_str_eq(render(&B, &A), "rule:r4:removed rule:r2:changed");
}
END_TEST

START_TEST(rule_condition_changes)
{
	B.src[0][1].len = 16;
	B.src[0][1].addr[2] = 0;
	B.ports[1][0].hi = 81;
	B.rules[2].has_rate_limit = true;
	B.rules[2].rl_pps = 10;
	ck_assert_str_eq(render(&A, &B), "rule:r1:changed rule:r2:changed rule:r3:changed");
}
END_TEST

START_TEST(rule_reorder_is_a_change)
{
	struct policy_rule t = B.rules[0];

	B.rules[0] = B.rules[1];
	B.rules[1] = t;
	ck_assert_str_eq(render(&A, &B), "rule:r2:changed rule:r1:changed");
}
END_TEST

START_TEST(removing_a_rule_does_not_change_others)
{
	B.rules[1] = B.rules[2];
	B.p.n_rules = 2;
	ck_assert_str_eq(render(&A, &B), "rule:r2:removed");
}
END_TEST

START_TEST(balancers_and_backends)
{
	B.backends[0][1].state = BACKEND_DRAIN;
	fx_lb(&B, "lb2");
	ck_assert_str_eq(render(&A, &B), "balancer:lb1:changed balancer:lb2:added");
	B.p.n_lbs = 0;
	ck_assert_str_eq(render(&A, &B), "balancer:lb1:removed");
}
END_TEST

START_TEST(interfaces_and_settings)
{
	B.ifaces[0].mode = XDP_MODE_GENERIC;
	fx_iface(&B, "eth1", XDP_MODE_AUTO);
	B.p.default_action = POLICY_DROP;
	B.p.sampling.rate = 0;
	strcpy(B.p.control.group, "xdpd");
	ck_assert_str_eq(render(&A, &B), "interface:eth0:changed interface:eth1:added "
					 "setting:default_action:changed setting:sampling:changed "
					 "setting:control:changed");
}
END_TEST

/* Regression: the diff compared names by linear search and recomputed each
 * kept rule's rank by another search (O(n^3)): a reload of a 10,000-rule
 * policy stalled the daemon for minutes. Now well under the test timeout. */
#define BIG 10000
static struct policy *big_policy(int shift)
{
	struct policy *p = calloc(1, sizeof(*p));

	p->rules = calloc(BIG, sizeof(*p->rules));
	p->n_rules = BIG;
	for (size_t i = 0; i < BIG; i++) {
		/* the second policy: rule 0 removed, every rule's port moved on
		 * even i, the last one renamed */
		size_t k = shift ? i + 1 : i;

		snprintf(p->rules[i].name, sizeof(p->rules[i].name), "r%zu",
			 shift && i == BIG - 1 ? (size_t)999999 : k);
		p->rules[i].action = POLICY_DROP;
		p->rules[i].protocol = 6;
		p->rules[i].icmp_type = -1;
		p->rules[i].tcp_mask = (uint8_t)(shift && k % 2 == 0);
	}
	return p;
}

START_TEST(ten_thousand_rules)
{
	struct policy *a = big_policy(0), *b = big_policy(1);
	size_t added = 0, removed = 0, changed = 0;
	struct policy_diff d = {0};

	ck_assert_int_eq(policy_diff(a, b, &d), 0);
	for (size_t i = 0; i < d.n; i++) {
		added += d.v[i].change == DIFF_ADDED;
		removed += d.v[i].change == DIFF_REMOVED;
		changed += d.v[i].change == DIFF_CHANGED;
	}
	/* a: r0..r9999; b: r1..r9999, r999999 */
	ck_assert_uint_eq(removed, 1);
	ck_assert_uint_eq(added, 1);
	/* kept r1..r9999: same relative order; the even ones changed flags */
	ck_assert_uint_eq(changed, (BIG - 1) / 2);
	policy_diff_free(&d);
	free(a->rules);
	free(b->rules);
	free(a);
	free(b);
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(diff_kind_name(DIFF_BALANCER), "balancer");
	ck_assert_str_eq(diff_change_name(DIFF_REMOVED), "removed");
}
END_TEST

static Suite *diff_suite(void)
{
	Suite *s = suite_create("policy_diff");
	TCase *t = tcase_create("diff");

	tcase_add_checked_fixture(t, setup, NULL);
	tcase_add_test(t, identical_is_empty);
	tcase_add_test(t, lists_are_sets);
	tcase_add_test(t, rule_added_removed_changed);
	tcase_add_test(t, rule_condition_changes);
	tcase_add_test(t, rule_reorder_is_a_change);
	tcase_add_test(t, removing_a_rule_does_not_change_others);
	tcase_add_test(t, balancers_and_backends);
	tcase_add_test(t, interfaces_and_settings);
	tcase_add_test(t, names);
	tcase_add_test(t, ten_thousand_rules);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_run(diff_suite());
}
