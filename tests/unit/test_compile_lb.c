// SPDX-License-Identifier: GPL-2.0-or-later
/* daemon/compile_lb.c (policy -> lb map contents) and daemon/lb_slots.c
 * (stable slots), without a kernel. */
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile_lb.h"
#include "diag.h"
#include "lb_slots.h"
#include "policy.h"
#include "check_run.h"

static struct policy *load(const char *yaml)
{
	struct policy *p = NULL;
	struct diag_list d;
	int r;

	diag_init(&d, "t.yaml");
	r = policy_load_buffer("t.yaml", yaml, strlen(yaml), &p, &d);
	if (r) {
		char *msg = diag_to_string(&d);

		ck_abort_msg("policy: %s", msg ? msg : "?");
	}
	diag_free(&d);
	return p;
}

static const char two_lbs[] =
    "version: 1\n"
    "interfaces: [{name: eth0}]\n"
    "load_balancers:\n"
    "  - name: web\n"
    "    vip: 10.0.0.100\n"
    "    protocol: tcp\n"
    "    port: 80\n"
    "    backends:\n"
    "      - {address: 10.0.0.1, mac: \"02:00:00:00:00:01\"}\n"
    "      - {address: 10.0.0.2, mac: \"02:00:00:00:00:02\", state: drain}\n"
    "      - {address: 10.0.0.3}\n"
    "  - name: ping6\n"
    "    vip: 2001:db8::100\n"
    "    protocol: icmp\n"
    "    forwarding: dsr\n"
    "    backends:\n"
    "      - {address: \"2001:db8::1\", mac: \"02:00:00:00:00:11\"}\n"
    "      - {address: \"2001:db8::2\", mac: \"02:00:00:00:00:12\", state: disabled}\n";

static struct compiled_lb *compile(const struct policy *p, const struct lb_view *v)
{
	struct compiled_lb *c;
	char err[256] = "";

	ck_assert_msg(compile_lb(p, v, &c, err, sizeof(err)) == 0, "%s", err);
	return c;
}

START_TEST(services_and_states)
{
	struct policy *p = load(two_lbs);
	struct compiled_lb *c = compile(p, NULL);
	const struct compiled_svc *web = &c->svc[0], *ping = &c->svc[1];

	ck_assert_uint_eq(c->cfg.n_lbs, 2);
	ck_assert_uint_eq(c->cfg.n_nat, 1);
	ck_assert_uint_eq(web->key.family, 4);
	ck_assert_uint_eq(web->key.proto, IPPROTO_TCP);
	ck_assert_uint_eq(web->key.port, 80);
	ck_assert_uint_eq(web->val.sched, XDPD_LB_SCHED_MAGLEV);
	ck_assert_uint_eq(web->val.fwd, XDPD_LB_FWD_NAT);
	ck_assert_uint_eq(web->val.tbl_size, XDPD_MAGLEV_SIZE);
	ck_assert_uint_eq(ping->key.family, 6);
	ck_assert_uint_eq(ping->key.proto, IPPROTO_ICMPV6);
	ck_assert_uint_eq(ping->key.port, 0);
	ck_assert_uint_eq(ping->val.sched, XDPD_LB_SCHED_RR);
	ck_assert_uint_eq(ping->val.fwd, XDPD_LB_FWD_DSR);
	/* policy-order slots without a view */
	ck_assert_uint_eq(c->bk[0].state, XDPD_BK_ACTIVE);
	ck_assert_uint_eq(c->bk[1].state, XDPD_BK_DRAIN);
	ck_assert_uint_eq(c->bk[2].state, XDPD_BK_DOWN); /* no MAC: never guessed */
	ck_assert_uint_eq(c->bk[3].state, XDPD_BK_ACTIVE);
	ck_assert_uint_eq(c->bk[4].state, XDPD_BK_DOWN);
	ck_assert_uint_eq(c->bk[3].lb_slot, ping->val.slot);
	/* new flows: only active backends, in the table and in the lists */
	for (uint32_t e = 0; e < web->val.tbl_size; e++)
		ck_assert_uint_eq(c->tbl[web->val.tbl_off + e], 0);
	ck_assert_uint_eq(web->val.rr_n, 1);
	ck_assert_uint_eq(ping->val.rr_n, 1);
	ck_assert_uint_eq(c->rr[ping->val.rr_off], 3);
	compiled_lb_free(c);
	policy_free(p);
}
END_TEST

struct fake {
	int lb_base, bk_base;
	bool all_down;
};

static int fake_lb_slot(void *ctx, const struct policy_lb *lb)
{
	return ((struct fake *)ctx)->lb_base + (lb->name[0] == 'w' ? 0 : 1);
}

static int fake_bk_slot(void *ctx, const struct policy_lb *lb, const struct policy_backend *b)
{
	/* 10.0.0.N -> base + N, 2001:db8::N -> base + 50 + N */
	return ((struct fake *)ctx)->bk_base +
	       (b->addr.family == AF_INET ? b->addr.addr[3] : 50 + b->addr.addr[15]);
}

static void fake_backend(void *ctx, const struct policy_lb *lb, const struct policy_backend *b,
			 struct lb_backend_view *out)
{
	out->has_mac = true; /* "resolved" */
	if (((struct fake *)ctx)->all_down)
		out->healthy = false;
}

START_TEST(view_slots_and_runtime_state)
{
	struct policy *p = load(two_lbs);
	struct fake f = {.lb_base = 7, .bk_base = 100};
	struct lb_view v = {fake_lb_slot, fake_bk_slot, fake_backend, &f};
	struct compiled_lb *c = compile(p, &v);

	ck_assert_uint_eq(c->svc[0].val.slot, 7);
	ck_assert_uint_eq(c->svc[1].val.slot, 8);
	ck_assert_uint_eq(c->bk_slot_list[2], 103);
	ck_assert_uint_eq(c->n_bk_slots, 152 + 1);
	ck_assert_uint_eq(c->rr[c->svc[1].val.rr_off], 151);
	ck_assert_uint_eq(c->bk[103].state, XDPD_BK_ACTIVE); /* its MAC is known now */
	ck_assert_uint_eq(c->bk[0].state, XDPD_BK_DOWN);     /* no backend there */
	compiled_lb_free(c);
	f.all_down = true;
	c = compile(p, &v);
	ck_assert_uint_eq(c->svc[0].val.rr_n, 0);
	for (uint32_t e = 0; e < c->svc[0].val.tbl_size; e++)
		ck_assert_uint_eq(c->tbl[e], XDPD_LB_NONE);
	compiled_lb_free(c);
	policy_free(p);
}
END_TEST

START_TEST(table_size_grows_with_backends)
{
	ck_assert_uint_eq(lb_table_size(2), XDPD_MAGLEV_SIZE);
	ck_assert_uint_eq(lb_table_size(655), XDPD_MAGLEV_SIZE);
	ck_assert_uint_ge(lb_table_size(1000), 100000);
	ck_assert_uint_eq(lb_table_size(1000), 100003); /* the next prime */
}
END_TEST

START_TEST(slots_stable_and_reused)
{
	struct policy *p = load(two_lbs);
	struct lb_slots *s;
	struct xdpd_lb_bk_key k1, k2, k3;
	struct ip_addr a;
	bool fresh;

	ck_assert_int_eq(lb_slots_new(&s), 0);
	ck_assert_int_eq(parse_ip_addr("10.0.0.1", &a), 0);
	lb_bk_key("web", &a, &k1);
	ck_assert_int_eq(parse_ip_addr("10.0.0.9", &a), 0);
	lb_bk_key("web", &a, &k2);
	lb_bk_key("other", &a, &k3);
	ck_assert_int_eq(lb_slots_backend(s, &k1, &fresh), 0);
	ck_assert(fresh);
	ck_assert_int_eq(lb_slots_backend(s, &k2, &fresh), 1);
	ck_assert_int_eq(lb_slots_backend(s, &k3, &fresh), 2);
	ck_assert_int_eq(lb_slots_backend(s, &k1, &fresh), 0);
	ck_assert(!fresh);
	ck_assert_int_eq(lb_slots_lb(s, "web", &fresh), 0);
	ck_assert_int_eq(lb_slots_lb(s, "gone", &fresh), 1);
	/* the policy names web/10.0.0.1 only: the others' slots are freed */
	ck_assert_int_eq(lb_slots_commit(s, p, -1, -1), 0);
	ck_assert_int_eq(lb_slots_find_backend(s, &k1), 0);
	ck_assert_int_eq(lb_slots_find_backend(s, &k2), -ENOENT);
	ck_assert_int_eq(lb_slots_backend(s, &k3, &fresh), 1);
	ck_assert(fresh);
	ck_assert_int_eq(lb_slots_lb(s, "ping6", &fresh), 1);
	lb_slots_free(s);
	policy_free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("compile_lb");
	TCase *t = tcase_create("compile_lb");

	tcase_add_test(t, services_and_states);
	tcase_add_test(t, view_slots_and_runtime_state);
	tcase_add_test(t, table_size_grows_with_backends);
	tcase_add_test(t, slots_stable_and_reused);
	suite_add_tcase(s, t);
	return check_run(s);
}
