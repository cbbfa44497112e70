/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The datapath under test: see dp_harness.h. */
#include <check.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "blocklist_fast.h"
#include "compile.h"
#include "diag.h"
#include "maps_write.h"
#include "netparse.h"
#include "policy.h"
#include "xdpd.skel.h"

#include "dp_blocklist.h"
#include "dp_harness.h"

int dp_env_init(void)
{
	if (unshare(CLONE_NEWNET))
		return -errno;
	if (system("ip link add " DP_IF0 " type veth peer name " DP_IF1) != 0 ||
	    system("ip link set " DP_IF0 " up && ip link set " DP_IF1 " up") != 0)
		return -EIO;
	return 0;
}

static int rule_slot(void *ctx, const char *name)
{
	const struct policy *p = ctx;

	for (size_t i = 0; i < p->n_rules; i++)
		if (!strcmp(p->rules[i].name, name))
			return DP_RULE_SLOT(i);
	return -ENOENT;
}

static int iface_slot(void *ctx, const char *ifname)
{
	if (!strcmp(ifname, DP_IF0))
		return DP_IF0_SLOT;
	if (!strcmp(ifname, DP_IF1))
		return DP_IF1_SLOT;
	return -ENOENT;
}

static int ifindex_of(void *ctx, const char *ifname)
{
	unsigned int idx = if_nametoindex(ifname);

	return idx ? (int)idx : -ENODEV;
}

static struct policy *parse_policy(const char *yaml)
{
	struct diag_list dl;
	struct policy *p = NULL;
	int err;

	diag_init(&dl, "test.yaml");
	err = policy_load_buffer("test.yaml", yaml, strlen(yaml), &p, &dl);
	if (err) {
		char *msg = diag_to_string(&dl);

		ck_abort_msg("policy_load_buffer: %d\n%s", err, msg ? msg : "");
	}
	diag_free(&dl);
	return p;
}

void dp_build(struct dp *d, const struct slot_lookup *slots,
	      int (*ifindex)(void *ctx, const char *ifname))
{
	char err[256] = "";
	int ret;

	ret = compile_policy(d->policy, slots, ifindex, NULL, &d->cp, err, sizeof(err));
	ck_assert_msg(ret == 0, "compile_policy: %d %s", ret, err);
	if (d->classifier_only)
		d->cp->config.ndirect = 0;
	d->skel = xdpd__open();
	ck_assert_msg(d->skel, "xdpd__open: %s", strerror(errno));
	ret = maps_prepare(d->skel, d->cp, err, sizeof(err));
	ck_assert_msg(ret == 0, "maps_prepare: %d %s", ret, err);
	ret = xdpd__load(d->skel);
	ck_assert_msg(ret == 0, "xdpd__load: %d", ret);
	ret = maps_fill(d->skel, d->cp, err, sizeof(err));
	ck_assert_msg(ret == 0, "maps_fill: %d %s", ret, err);
	d->prog_fd = bpf_program__fd(d->skel->progs.xdpd_main);
}

struct dp *dp_load(const char *yaml)
{
	struct dp *d = calloc(1, sizeof(*d));
	struct slot_lookup slots;

	ck_assert_ptr_nonnull(d);
	d->policy = parse_policy(yaml);
	slots = (struct slot_lookup){
	    .rule_slot = rule_slot, .iface_slot = iface_slot, .ctx = d->policy};
	dp_build(d, &slots, ifindex_of);
	return d;
}

void dp_free(struct dp *d)
{
	if (!d)
		return;
	blf_free(d->blf);
	xdpd__destroy(d->skel);
	compiled_policy_free(d->cp);
	policy_free(d->policy);
	free(d);
}

int dp_run(struct dp *d, const char *ifname, const uint8_t *frame, size_t len)
{
	struct xdp_md md = {.data_end = (__u32)len, .ingress_ifindex = if_nametoindex(ifname)};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = (__u32)len,
		    .ctx_in = &md, .ctx_size_in = sizeof(md), .repeat = 1);
	int err;

	ck_assert_uint_ne(md.ingress_ifindex, 0);
	err = bpf_prog_test_run_opts(d->prog_fd, &opts);
	if (err)
		return -errno;
	return (int)opts.retval;
}

static struct dp_count percpu_sum(struct bpf_map *map, uint32_t key)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xdpd_counter *v;
	struct dp_count c = {0, 0};
	int err;

	ck_assert_int_gt(ncpu, 0);
	v = calloc((size_t)ncpu, sizeof(*v));
	ck_assert_ptr_nonnull(v);
	err = bpf_map__lookup_elem(map, &key, sizeof(key), v, sizeof(*v) * (size_t)ncpu, 0);
	ck_assert_msg(err == 0, "lookup %s[%u]: %d", bpf_map__name(map), key, err);
	for (int i = 0; i < ncpu; i++) {
		c.packets += v[i].packets;
		c.bytes += v[i].bytes;
	}
	free(v);
	return c;
}

struct dp_count dp_iface_count(struct dp *d, const char *ifname, int action)
{
	int slot = iface_slot(NULL, ifname);

	ck_assert_int_ge(slot, 0);
	return percpu_sum(d->skel->maps.stats_iface, (uint32_t)slot * XDPD_NACT + action);
}

struct dp_count dp_rule_count(struct dp *d, const char *rule)
{
	int slot = rule_slot(d->policy, rule);

	ck_assert_msg(slot >= 0, "no rule '%s' in the policy", rule);
	return percpu_sum(d->skel->maps.stats_rule, (uint32_t)slot);
}

struct dp_count dp_blocklist_count(struct dp *d)
{
	return percpu_sum(d->skel->maps.stats_blocklist, 0);
}

/* Every counter the program can move for this policy. */
struct snapshot {
	struct dp_count iface[2][XDPD_NACT];
	struct dp_count *rules;
};

static const char *const ifnames[2] = {DP_IF0, DP_IF1};

static void snap(struct dp *d, struct snapshot *s)
{
	for (int i = 0; i < 2; i++)
		for (int a = 0; a < XDPD_NACT; a++)
			s->iface[i][a] = dp_iface_count(d, ifnames[i], a);
	s->rules = calloc(d->policy->n_rules + 1, sizeof(*s->rules));
	ck_assert_ptr_nonnull(s->rules);
	for (size_t r = 0; r < d->policy->n_rules; r++)
		s->rules[r] = dp_rule_count(d, d->policy->rules[r].name);
}

static void expect_moved(const char *where, struct dp_count before, struct dp_count after,
			 int moved, size_t len, const char *what)
{
	ck_assert_msg(after.packets == before.packets + (moved ? 1 : 0) &&
			  after.bytes == before.bytes + (moved ? len : 0),
		      "%s: %s: packets %llu -> %llu, bytes %llu -> %llu, expected %s", where, what,
		      (unsigned long long)before.packets, (unsigned long long)after.packets,
		      (unsigned long long)before.bytes, (unsigned long long)after.bytes,
		      moved ? "+1" : "no change");
}

void dp_expect_at(const char *file, int line, struct dp *d, const char *ifname,
		  const uint8_t *frame, size_t len, int action, const char *rule)
{
	struct snapshot before, after;
	char what[128], where[256];
	int ret;

	snprintf(where, sizeof(where), "%s:%d", file, line);
	snap(d, &before);
	ret = dp_run(d, ifname, frame, len);
	ck_assert_msg(ret == action, "%s: verdict %d, expected %d (frame of %zu bytes on %s)",
		      where, ret, action, len, ifname);
	snap(d, &after);
	for (int i = 0; i < 2; i++)
		for (int a = 0; a < XDPD_NACT; a++) {
			snprintf(what, sizeof(what), "stats_iface %s action %d", ifnames[i], a);
			expect_moved(where, before.iface[i][a], after.iface[i][a],
				     !strcmp(ifname, ifnames[i]) && a == action, len, what);
		}
	for (size_t r = 0; r < d->policy->n_rules; r++) {
		const char *name = d->policy->rules[r].name;

		snprintf(what, sizeof(what), "stats_rule '%s'", name);
		expect_moved(where, before.rules[r], after.rules[r], rule && !strcmp(rule, name),
			     len, what);
	}
	if (rule)
		ck_assert_int_ge(rule_slot(d->policy, rule), 0);
	free(before.rules);
	free(after.rules);
}

void dp_expect_spec_at(const char *file, int line, struct dp *d, const char *ifname,
		       const struct frame_spec *s, int action, const char *rule)
{
	uint8_t buf[FRAME_MAX];
	int len = frame_build(s, buf, sizeof(buf));

	ck_assert_msg(len > 0, "%s:%d: frame_build: %d", file, line, len);
	dp_expect_at(file, line, d, ifname, buf, (size_t)len, action, rule);
}

static uint64_t mono_coarse_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

union block_key {
	struct xdpd_lpm4 v4;
	struct xdpd_lpm6 v6;
};

/* The map and key of a blocklist prefix. */
static struct bpf_map *block_key(struct dp *d, const char *prefix, union block_key *key)
{
	struct prefix p;

	ck_assert_int_eq(parse_prefix(prefix, &p), 0);
	memset(key, 0, sizeof(*key));
	if (p.family == AF_INET) {
		key->v4.prefixlen = p.len;
		memcpy(key->v4.addr, p.addr, 4);
		return d->skel->maps.blocklist4;
	}
	key->v6.prefixlen = p.len;
	memcpy(key->v6.addr, p.addr, 16);
	return d->skel->maps.blocklist6;
}

void dp_block(struct dp *d, const char *prefix, int64_t ttl_ns)
{
	struct xdpd_block_entry e = {0};
	union block_key key;
	struct bpf_map *m = block_key(d, prefix, &key);
	int err;

	if (ttl_ns)
		e.expires_ns = (uint64_t)((int64_t)mono_coarse_ns() + ttl_ns);
	snprintf(e.comment, sizeof(e.comment), "test %s", prefix);
	err = bpf_map__update_elem(m, &key, bpf_map__key_size(m), &e, sizeof(e), 0);
	ck_assert_msg(err == 0, "blocklist add %s: %d", prefix, err);
	dp_block_index(d, prefix, e.expires_ns);
}

uint64_t dp_block_hits(struct dp *d, const char *prefix)
{
	struct xdpd_block_entry e;
	union block_key key;
	struct bpf_map *m = block_key(d, prefix, &key);
	int err = bpf_map__lookup_elem(m, &key, bpf_map__key_size(m), &e, sizeof(e), 0);

	ck_assert_msg(err == 0, "blocklist lookup %s: %d", prefix, err);
	return dp_block_index_hits(d, prefix);
}

int dp_test_main(const char *name, SRunner *sr)
{
	int failed, err;

	if (geteuid() != 0) {
		fprintf(stderr, "%s: needs root (BPF_PROG_TEST_RUN, netns)\n", name);
		srunner_free(sr);
		return 77;
	}
	err = dp_env_init();
	if (err) {
		fprintf(stderr, "%s: network namespace setup: %s\n", name, strerror(-err));
		srunner_free(sr);
		return 1;
	}
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
