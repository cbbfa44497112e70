// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The flow-verdict cache of the classifier (bpf/classify.h, cls_cache) never
 * answers with a stale verdict. Every policy here has more than 192 rules
 * (filler rules on UDP ports no probe uses), so the cache is active:
 *  - a flow's second packet gets the first one's verdict and moves the same
 *    counters, and the first one really left an entry in the cache;
 *  - a new generation (a new program, its own policy maps, the stats and
 *    rate-limit maps shared as the daemon shares them) judges by its policy,
 *    not by the verdict the old one cached;
 *  - a blocklist entry added after a flow was cached drops it, and passes it
 *    again once removed;
 *  - a search that met a rate-limited rule is not frozen at its under-limit
 *    verdict;
 *  - the TCP flags are part of the key: a SYN and an ACK of one 5-tuple are
 *    judged apart, whichever comes first;
 *  - so is the interface: one flow arriving on two interfaces is judged by
 *    each interface's rules;
 *  - flows that differ in one field take different slots of the
 *    direct-mapped cache.
 */
#include <check.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../../bpf/xdpd_abi.h"
#include "compile.h"
#include "diag.h"
#include "maps_write.h"
#include "policy.h"
#include "xdpd.skel.h"

#include "dp_harness.h"
#include "frames.h"

#define XDP_DROP 1
#define XDP_PASS 2

#define HEAD	"version: 1\ninterfaces:\n  - name: " DP_IF0 "\n"
#define NFILLER 200 /* > 192 rules: cfg.nwords >= 4, the cache is on */
#define NO_RULE 0xffffffffu

/* A slot of the cache (struct cls_cache_slot in bpf/classify.h): the key
 * as words, all zero when empty, then the rule index, its counter slot and
 * action. Per CPU. */
#define KEY_WORDS 6
struct cache_slot {
	uint64_t key[KEY_WORDS];
	uint32_t rule;
	uint16_t slot;
	uint8_t action;
	uint8_t pad;
};

/* head, then the rules of body, then NFILLER rules no probe matches. */
static char *policy_text(const char *head, const char *body)
{
	size_t cap = strlen(head) + strlen(body) + NFILLER * 96 + 16;
	char *s = malloc(cap);
	size_t n;

	ck_assert_ptr_nonnull(s);
	n = (size_t)snprintf(s, cap, "%srules:\n%s", head, body);
	for (int i = 0; i < NFILLER; i++)
		n += (size_t)snprintf(s + n, cap - n,
				      "  - name: filler-%d\n    action: drop\n    protocol: udp\n"
				      "    dst_port: %d\n",
				      i, 20000 + i);
	ck_assert_uint_lt(n, cap);
	return s;
}

static struct dp *load(const char *head, const char *body)
{
	char *yaml = policy_text(head, body);
	struct dp *d = dp_load(yaml);

	free(yaml);
	ck_assert_uint_ge(d->skel->rodata->cfg.nwords, 4);
	return d;
}

static struct frame_spec tcp(const char *src, uint16_t sport, uint8_t flags)
{
	return (struct frame_spec){.src = src,
				   .dst = "192.0.2.1",
				   .proto = IPPROTO_TCP,
				   .sport = sport,
				   .dport = 80,
				   .tcp_flags = flags};
}

/* Number of filled slots of d's flow cache, on any CPU; *value gets the
 * rule of the last one. */
static unsigned int cache_entries(struct dp *d, uint32_t *value)
{
	int fd = bpf_map__fd(d->skel->maps.cls_cache);
	int ncpu = libbpf_num_possible_cpus();
	uint32_t slots = bpf_map__max_entries(d->skel->maps.cls_cache);
	struct cache_slot *v;
	unsigned int n = 0;

	ck_assert_int_gt(ncpu, 0);
	ck_assert_uint_eq(bpf_map__value_size(d->skel->maps.cls_cache), sizeof(*v));
	v = calloc((size_t)ncpu, sizeof(*v));
	ck_assert_ptr_nonnull(v);
	for (uint32_t i = 0; i < slots; i++) {
		ck_assert_int_eq(bpf_map_lookup_elem(fd, &i, v), 0);
		for (int c = 0; c < ncpu; c++) {
			uint64_t any = 0;

			for (int w = 0; w < KEY_WORDS; w++)
				any |= v[c].key[w];
			if (any) {
				*value = v[c].rule;
				n++;
			}
		}
	}
	free(v);
	return n;
}

/* Index of a rule in the policy: what the cache stores for its matches. */
static uint32_t rule_index(struct dp *d, const char *name)
{
	for (size_t i = 0; i < d->policy->n_rules; i++)
		if (!strcmp(d->policy->rules[i].name, name))
			return (uint32_t)i;
	ck_abort_msg("no rule '%s'", name);
	return NO_RULE;
}

static const char same_body[] = "  - name: web\n"
				"    action: pass\n"
				"    protocol: tcp\n"
				"    dst_port: 80\n";

START_TEST(same_flow_twice)
{
	struct dp *d = load(HEAD "default_action: drop\n", same_body);
	struct frame_spec f = tcp("203.0.113.9", 40000, FRAME_TH_ACK);
	struct frame_spec other = tcp("203.0.113.10", 40000, FRAME_TH_ACK);
	uint32_t v = 0;

	ck_assert_uint_eq(cache_entries(d, &v), 0);
	dp_expect_spec(d, DP_IF0, &f, XDP_PASS, "web");
	ck_assert_uint_eq(cache_entries(d, &v), 1);
	ck_assert_uint_eq(v, rule_index(d, "web"));
	dp_expect_spec(d, DP_IF0, &f, XDP_PASS, "web"); /* the hit */
	ck_assert_uint_eq(cache_entries(d, &v), 1);
	ck_assert_uint_eq(dp_rule_count(d, "web").packets, 2);
	/* another flow is another entry; a flow no rule matches is cached too */
	dp_expect_spec(d, DP_IF0, &other, XDP_PASS, "web");
	ck_assert_uint_eq(cache_entries(d, &v), 2);
	other.dport = 81;
	dp_expect_spec(d, DP_IF0, &other, XDP_DROP, NULL);
	dp_expect_spec(d, DP_IF0, &other, XDP_DROP, NULL);
	ck_assert_uint_eq(cache_entries(d, &v), 3);
	dp_free(d);
}
END_TEST

static int slot_by_index(void *ctx, const char *name)
{
	const struct policy *p = ctx;

	for (size_t i = 0; i < p->n_rules; i++)
		if (!strcmp(p->rules[i].name, name))
			return DP_RULE_SLOT(i);
	return -ENOENT;
}

static int iface_slot(void *ctx, const char *ifname)
{
	(void)ctx;
	if (!strcmp(ifname, DP_IF0))
		return DP_IF0_SLOT;
	if (!strcmp(ifname, DP_IF1))
		return DP_IF1_SLOT;
	return -ENOENT;
}

static int ifindex_of(void *ctx, const char *ifname)
{
	unsigned int idx = if_nametoindex(ifname);

	(void)ctx;
	return idx ? (int)idx : -ENODEV;
}

/* The maps a new generation takes over from the old one in the daemon
 * (daemon/datapath_maps.c): the counters and rate-limit windows. The cache
 * is a policy map and must not be among them. */
static const char *const shared_maps[] = {"stats_iface", "stats_rule", "rl_rule", "rl_source",
					  NULL};

/* The next generation after old: the policy of yaml, compiled and loaded
 * into a new program instance whose stateful maps are old's, as
 * bpf_link_update would swap it in. */
static struct dp *next_generation(struct dp *old, const char *yaml)
{
	struct dp *d = calloc(1, sizeof(*d));
	struct slot_lookup slots;
	struct diag_list dl;
	char err[256] = "";
	int ret;

	ck_assert_ptr_nonnull(d);
	diag_init(&dl, "gen.yaml");
	ret = policy_load_buffer("gen.yaml", yaml, strlen(yaml), &d->policy, &dl);
	ck_assert_int_eq(ret, 0);
	diag_free(&dl);
	slots = (struct slot_lookup){
	    .rule_slot = slot_by_index, .iface_slot = iface_slot, .ctx = d->policy};
	ret = compile_policy(d->policy, &slots, ifindex_of, NULL, &d->cp, err, sizeof(err));
	ck_assert_msg(ret == 0, "compile_policy: %d %s", ret, err);
	d->skel = xdpd__open();
	ck_assert_ptr_nonnull(d->skel);
	for (const char *const *n = shared_maps; *n; n++) {
		struct bpf_map *from = bpf_object__find_map_by_name(old->skel->obj, *n);
		struct bpf_map *to = bpf_object__find_map_by_name(d->skel->obj, *n);

		ck_assert_msg(from && to, "map %s", *n);
		ck_assert_int_eq(bpf_map__reuse_fd(to, bpf_map__fd(from)), 0);
	}
	ret = maps_prepare(d->skel, d->cp, err, sizeof(err));
	ck_assert_msg(ret == 0, "maps_prepare: %d %s", ret, err);
	ck_assert_int_eq(xdpd__load(d->skel), 0);
	ret = maps_fill(d->skel, d->cp, err, sizeof(err));
	ck_assert_msg(ret == 0, "maps_fill: %d %s", ret, err);
	d->prog_fd = bpf_program__fd(d->skel->progs.xdpd_main);
	ck_assert_uint_ge(d->skel->rodata->cfg.nwords, 4);
	return d;
}

/* Generation A passes the flow by its first rule; B drops it by its second
 * and has at A's index a rule whose action is pass and that has no check
 * rule_accepts would redo: a verdict carried over from A would pass. */
static const char gen_a[] = "  - name: allow-web\n"
			    "    action: pass\n"
			    "    protocol: tcp\n"
			    "    dst_port: 80\n";
static const char gen_b[] = "  - name: allow-ssh\n"
			    "    action: pass\n"
			    "    protocol: tcp\n"
			    "    dst_port: 22\n"
			    "  - name: drop-web\n"
			    "    action: drop\n"
			    "    protocol: tcp\n"
			    "    dst_port: 80\n";

START_TEST(reload_new_verdict)
{
	struct dp *a = load(HEAD "default_action: pass\n", gen_a), *b;
	struct frame_spec f = tcp("203.0.113.9", 40000, FRAME_TH_ACK);
	char *yaml = policy_text(HEAD "default_action: pass\n", gen_b);
	uint32_t v = 0;

	dp_expect_spec(a, DP_IF0, &f, XDP_PASS, "allow-web");
	dp_expect_spec(a, DP_IF0, &f, XDP_PASS, "allow-web");
	ck_assert_uint_eq(cache_entries(a, &v), 1);
	ck_assert_uint_eq(v, rule_index(a, "allow-web"));
	b = next_generation(a, yaml);
	free(yaml);
	ck_assert_uint_eq(rule_index(b, "allow-ssh"), rule_index(a, "allow-web"));
	dp_expect_spec(b, DP_IF0, &f, XDP_DROP, "drop-web");
	dp_expect_spec(b, DP_IF0, &f, XDP_DROP, "drop-web");
	ck_assert_uint_eq(cache_entries(b, &v), 1);
	ck_assert_uint_eq(v, rule_index(b, "drop-web"));
	/* the counters are shared: A's two packets are still on its slot */
	ck_assert_uint_eq(dp_rule_count(a, "allow-web").packets, 2);
	ck_assert_uint_eq(dp_rule_count(b, "drop-web").packets, 2);
	dp_free(b);
	dp_free(a);
}
END_TEST

START_TEST(blocklist_change)
{
	struct dp *d = load(HEAD "default_action: drop\n", same_body);
	struct frame_spec f = tcp("203.0.113.9", 40000, FRAME_TH_ACK);
	uint32_t v = 0;

	dp_expect_spec(d, DP_IF0, &f, XDP_PASS, "web");
	dp_expect_spec(d, DP_IF0, &f, XDP_PASS, "web");
	ck_assert_uint_eq(cache_entries(d, &v), 1);
	dp_block(d, "203.0.113.9/32", 0);
	dp_expect_spec(d, DP_IF0, &f, XDP_DROP, NULL);
	dp_expect_spec(d, DP_IF0, &f, XDP_DROP, NULL);
	ck_assert_uint_eq(dp_block_hits(d, "203.0.113.9/32"), 2);
	dp_unblock(d, "203.0.113.9/32");
	dp_expect_spec(d, DP_IF0, &f, XDP_PASS, "web");
	/* a covering prefix added later catches the cached flow too */
	dp_block(d, "203.0.113.0/24", 0);
	dp_expect_spec(d, DP_IF0, &f, XDP_DROP, NULL);
	dp_unblock(d, "203.0.113.0/24");
	dp_expect_spec(d, DP_IF0, &f, XDP_PASS, "web");
	dp_free(d);
}
END_TEST

static uint64_t mono_coarse_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Returns at the start of a one-second rate-limit window (the datapath's
 * windows are whole seconds of the coarse monotonic clock), so that a few
 * packets sent now all fall in one window. */
static void window_start(void)
{
	while (mono_coarse_ns() % 1000000000ULL > 200000000ULL)
		usleep(10000);
}

static const char rl_body[] = "  - name: limit-web\n"
			      "    action: drop\n"
			      "    protocol: tcp\n"
			      "    dst_port: 80\n"
			      "    rate_limit: { pps: 2, per: rule }\n"
			      "  - name: web\n"
			      "    action: pass\n"
			      "    protocol: tcp\n"
			      "    dst_port: 80\n";

START_TEST(rate_limit_not_frozen)
{
	struct dp *d = load(HEAD "default_action: drop\n", rl_body);
	struct frame_spec f = tcp("203.0.113.9", 40000, FRAME_TH_ACK);
	uint32_t v = 0;

	window_start();
	dp_expect_spec(d, DP_IF0, &f, XDP_PASS, "web");
	dp_expect_spec(d, DP_IF0, &f, XDP_PASS, "web");
	dp_expect_spec(d, DP_IF0, &f, XDP_DROP, "limit-web");
	dp_expect_spec(d, DP_IF0, &f, XDP_DROP, "limit-web");
	ck_assert_uint_eq(cache_entries(d, &v), 0);
	dp_free(d);
}
END_TEST

/* A SYN-only drop rule before a pass rule for the same port, default drop:
 * the SYN and the ACK of one 5-tuple end on different rules. */
static const char flags_body[] = "  - name: no-syn\n"
				 "    action: drop\n"
				 "    protocol: tcp\n"
				 "    dst_port: 80\n"
				 "    tcp_flags: \"syn,!ack\"\n"
				 "  - name: web\n"
				 "    action: pass\n"
				 "    protocol: tcp\n"
				 "    dst_port: 80\n";

START_TEST(tcp_flags_in_key)
{
	struct dp *d = load(HEAD "default_action: drop\n", flags_body);
	struct frame_spec syn = tcp("203.0.113.9", 40000, FRAME_TH_SYN);
	struct frame_spec ack = tcp("203.0.113.9", 40000, FRAME_TH_ACK);
	uint32_t v = 0;

	/* SYN first */
	dp_expect_spec(d, DP_IF0, &syn, XDP_DROP, "no-syn");
	dp_expect_spec(d, DP_IF0, &ack, XDP_PASS, "web");
	dp_expect_spec(d, DP_IF0, &syn, XDP_DROP, "no-syn");
	dp_expect_spec(d, DP_IF0, &ack, XDP_PASS, "web");
	ck_assert_uint_eq(cache_entries(d, &v), 2);
	/* ACK first, on another 5-tuple */
	syn.sport = ack.sport = 40001;
	dp_expect_spec(d, DP_IF0, &ack, XDP_PASS, "web");
	dp_expect_spec(d, DP_IF0, &syn, XDP_DROP, "no-syn");
	dp_expect_spec(d, DP_IF0, &ack, XDP_PASS, "web");
	dp_expect_spec(d, DP_IF0, &syn, XDP_DROP, "no-syn");
	ck_assert_uint_eq(cache_entries(d, &v), 4);
	dp_free(d);
}
END_TEST

/* A drop rule for one interface before a pass rule for all. */
static const char iface_body[] = "  - name: no-web-on-1\n"
				 "    action: drop\n"
				 "    interfaces: [" DP_IF1 "]\n"
				 "    protocol: tcp\n"
				 "    dst_port: 80\n"
				 "  - name: web\n"
				 "    action: pass\n"
				 "    protocol: tcp\n"
				 "    dst_port: 80\n";

START_TEST(interface_in_key)
{
	struct dp *d = load(HEAD "  - name: " DP_IF1 "\ndefault_action: drop\n", iface_body);
	struct frame_spec f = tcp("203.0.113.9", 40000, FRAME_TH_ACK);
	uint32_t v = 0;

	dp_expect_spec(d, DP_IF0, &f, XDP_PASS, "web");
	dp_expect_spec(d, DP_IF1, &f, XDP_DROP, "no-web-on-1");
	dp_expect_spec(d, DP_IF0, &f, XDP_PASS, "web");
	dp_expect_spec(d, DP_IF1, &f, XDP_DROP, "no-web-on-1");
	ck_assert_uint_eq(cache_entries(d, &v), 2);
	f.sport = 40001; /* the other interface first */
	dp_expect_spec(d, DP_IF1, &f, XDP_DROP, "no-web-on-1");
	dp_expect_spec(d, DP_IF0, &f, XDP_PASS, "web");
	dp_expect_spec(d, DP_IF1, &f, XDP_DROP, "no-web-on-1");
	ck_assert_uint_eq(cache_entries(d, &v), 4);
	dp_free(d);
}
END_TEST

/* Flows that differ in one field only (the last byte of the source, the
 * source port, the TCP flags) spread over the slots as random keys would:
 * K keys in N slots leave N (1 - (1 - 1/N)^K) filled (~647 of 1,024 for
 * 1,024 keys); a hash that let a byte of the key fall out of the slot number
 * would leave a handful. */
START_TEST(similar_flows_spread)
{
	struct dp *d = load(HEAD "default_action: drop\n", same_body);
	uint32_t slots = bpf_map__max_entries(d->skel->maps.cls_cache), v = 0;
	double empty = 1.0;
	char src[32];

	for (int i = 0; i < 1024; i++)
		empty *= 1.0 - 1.0 / slots;

	for (int i = 0; i < 1024; i++) {
		struct frame_spec f;

		snprintf(src, sizeof(src), "203.0.113.%d", i % 256);
		f = tcp(src, (uint16_t)(40000 + i / 256 % 2), i / 512 ? FRAME_TH_SYN : FRAME_TH_ACK);
		dp_expect_spec(d, DP_IF0, &f, XDP_PASS, "web");
	}
	ck_assert_uint_ge(cache_entries(d, &v), (unsigned int)(0.9 * slots * (1.0 - empty)));
	dp_free(d);
}
END_TEST

static Suite *flow_cache_suite(void)
{
	Suite *s = suite_create("flow_cache");
	TCase *tc = tcase_create("flow_cache");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, same_flow_twice);
	tcase_add_test(tc, reload_new_verdict);
	tcase_add_test(tc, blocklist_change);
	tcase_add_test(tc, rate_limit_not_frozen);
	tcase_add_test(tc, tcp_flags_in_key);
	tcase_add_test(tc, interface_in_key);
	tcase_add_test(tc, similar_flows_spread);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return dp_test_main("test_flow_cache", srunner_create(flow_cache_suite()));
}
