// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The compiler and the real classifier, differentially: random policies
 * (tests/unit/policy_gen.c) are compiled, written into a loaded program by
 * maps_prepare()/maps_fill(), and random packets run through it with
 * BPF_PROG_TEST_RUN. The verdict and the rule counter that moved must be the
 * ones of the reference first match (tests/unit/compile_fixture.c); the
 * user-space model of the lookup (cls_emul.c) must agree too, so the model
 * the unit tests trust is checked against the kernel here.
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <check.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cls_emul.h"
#include "compile_fixture.h"
#include "dp_harness.h"
#include "policy_gen.h"
#include "xdpd.skel.h"

#define XDP_DROP 1
#define XDP_PASS 2

/* The fixture's "t0"/"t1" are the namespace's veth ends here. */
static const char *const real_if[2] = {DP_IF0, DP_IF1};

static int real_ifindex(void *ctx, const char *name)
{
	if (strcmp(name, "t0") && strcmp(name, "t1"))
		return -ENODEV;
	return if_nametoindex(real_if[name[1] - '0']);
}

/* Policies loaded with config.ndirect set: judged rule by rule. */
static unsigned int direct_policies;

static struct dp *load_as(struct policy *p, bool classifier_only)
{
	struct dp *d = calloc(1, sizeof(*d));

	ck_assert_ptr_nonnull(d);
	d->policy = p;
	d->classifier_only = classifier_only;
	dp_build(d, &fx_slots, real_ifindex);
	direct_policies += d->cp->config.ndirect != 0;
	return d;
}

static struct dp *load(struct policy *p)
{
	return load_as(p, false);
}

static void unload(struct dp *d)
{
	xdpd__destroy(d->skel);
	compiled_policy_free(d->cp);
	fx_policy_free(d->policy);
	free(d);
}

static uint64_t rule_packets(struct dp *d, uint32_t rule)
{
	int ncpu = libbpf_num_possible_cpus();
	uint32_t slot = FX_RULE_SLOT0 + rule;
	struct xdpd_counter v[ncpu > 0 ? ncpu : 1];
	uint64_t sum = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(d->skel->maps.stats_rule), &slot, v))
		ck_abort_msg("stats_rule[%u]: %s", slot, strerror(errno));
	for (int i = 0; i < ncpu; i++)
		sum += v[i].packets;
	return sum;
}

/* The datapath's test run needs a real frame: the same packet, built. */
static int build_frame(struct gen_rng *g, struct emul_pkt *k, uint8_t *buf)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	struct frame_spec s = {.src = src,
			       .dst = dst,
			       .proto = k->proto,
			       .sport = k->sport,
			       .dport = k->dport,
			       .tcp_flags = k->tcp_flags,
			       .icmp_type = k->icmp_type,
			       .payload = 8};

	inet_ntop(k->family, k->src, src, sizeof(src));
	inet_ntop(k->family, k->dst, dst, sizeof(dst));
	if (!k->first_frag) {
		s.frag = true;
		s.frag_offset = 1 + gen_u32(g, 100);
		s.more_frags = gen_u32(g, 2);
	} else if (!gen_u32(g, 10)) {
		s.frag = true; /* a first fragment still carries the L4 header */
		s.more_frags = true;
	}
	return frame_build(&s, buf, FRAME_MAX);
}

/* IPv6 next-header values that are extension headers would make the frame
 * say something else than the packet model; use a plain protocol instead. */
static void fix_v6_proto(struct emul_pkt *k)
{
	static const uint8_t ext[] = {IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_FRAGMENT,
				      IPPROTO_AH,      IPPROTO_DSTOPTS, IPPROTO_NONE,
				      IPPROTO_ESP};

	for (size_t i = 0; k->family == AF_INET6 && i < sizeof(ext); i++)
		if (k->proto == ext[i])
			k->proto = 47;
}

/* One packet through the reference, the model and the kernel. */
static void run_pkt(struct dp *d, struct gen_rng *g, uint64_t seed, int i, struct emul_pkt k,
		    uint64_t *matched)
{
	const struct policy *p = d->policy;
	uint8_t frame[FRAME_MAX];
	struct emul_pkt real;
	int want, model, len, got, action;
	uint64_t before = 0;

	fix_v6_proto(&k);
	want = ref_match(p, &k);
	real = k; /* the compiled iface_cfg holds the real ifindex */
	real.ifindex = if_nametoindex(real_if[k.ifindex - FX_IFINDEX0]);
	model = cls_emul_match(d->cp, &real);
	if (model != want)
		ck_abort_msg("seed %llu packet %d: reference %d, model %d",
			     (unsigned long long)seed, i, want, model);
	len = build_frame(g, &k, frame);
	ck_assert_int_gt(len, 0);
	if (want >= 0)
		before = rule_packets(d, want);
	got = dp_run(d, real_if[k.ifindex - FX_IFINDEX0], frame, len);
	action = want < 0 ? p->default_action : p->rules[want].action;
	if (got != (action == POLICY_DROP ? XDP_DROP : XDP_PASS) ||
	    (want >= 0 && rule_packets(d, want) != before + 1))
		ck_abort_msg("seed %llu packet %d (proto %u): expected rule %d, verdict %d",
			     (unsigned long long)seed, i, k.proto, want, got);
	*matched += want >= 0;
}

static void run_one(struct dp *d, struct gen_rng *g, uint64_t seed, int i, uint64_t *matched)
{
	struct emul_pkt k;

	gen_packet(g, d->policy, &k);
	k.ifindex = FX_IFINDEX0 + gen_u32(g, 2);
	run_pkt(d, g, seed, i, k, matched);
}

/* no packet was counted by a rule the reference did not pick */
static void check_counted(struct dp *d, uint64_t matched)
{
	uint64_t counted = 0;

	for (uint32_t r = 0; r < d->policy->n_rules; r++)
		counted += rule_packets(d, r);
	ck_assert_uint_eq(counted, matched);
}

/* Address tables of the policies loaded: searched by hash, by trie; and
 * hash buckets that overflowed into the next one (the probe's second read). */
static unsigned int tables_hash, tables_trie, bucket_spills;

static void count_tables(const struct compiled_policy *c)
{
	for (int t = 0; t < 4; t++) {
		tables_trie += c->config.pfx_len[t][0] == XDPD_PFX_TRIE;
		tables_hash += c->config.pfx_len[t][0] < XDPD_PFX_TRIE;
	}
	for (uint32_t b = 0; b <= c->config.pfx4_mask; b++)
		bucket_spills += c->pfx4[b].spill;
	for (uint32_t b = 0; b <= c->config.pfx6_mask; b++)
		bucket_spills += c->pfx6[b].spill;
}

/* Rate limits depend on time and are the datapath's own tests' business.
 * classifier_only: the classifier judges even a policy config.direct could. */
static void check_seed_as(uint64_t seed, size_t nrules, int npackets, bool classifier_only)
{
	struct gen_rng g = {.s = seed * 0x9e3779b97f4a7c15ULL + 7};
	struct policy *p = gen_policy(&g, nrules);
	uint64_t matched = 0;
	struct dp *d;

	p->n_ifaces = 2;
	p->default_action = seed % 2 ? POLICY_DROP : POLICY_PASS;
	for (size_t r = 0; r < p->n_rules; r++)
		p->rules[r].has_rate_limit = false;
	d = load_as(p, classifier_only);
	count_tables(d->cp);
	for (int i = 0; i < npackets; i++)
		run_one(d, &g, seed, i, &matched);
	check_counted(d, matched);
	unload(d);
}

static void check_seed(uint64_t seed, size_t nrules, int npackets)
{
	check_seed_as(seed, nrules, npackets, false);
}

/* A TCP packet of the mix (policy_gen.h) from src, on interface 0. */
static struct emul_pkt mix_pkt(const char *src, uint16_t dport, uint8_t flags)
{
	struct emul_pkt k = {.ifindex = FX_IFINDEX0,
			     .family = AF_INET,
			     .proto = IPPROTO_TCP,
			     .first_frag = true,
			     .sport = 40000,
			     .dport = dport,
			     .tcp_flags = flags};

	fx_set_addr(AF_INET, src, k.src);
	fx_set_addr(AF_INET, "198.51.100.1", k.dst);
	return k;
}

/* The benchmark's kind of policy, where the primary fields' summaries do the
 * pruning: random packets, then the hot group's SYN and ACK (candidates
 * refused by their TCP flags in many words and summary words), each twice
 * (the second one judged by the flow cache from 193 rules on). */
static void check_mix(size_t nrules, int npackets)
{
	struct policy *p = gen_mix_policy(nrules);
	struct gen_rng g = {.s = nrules};
	uint64_t matched = 0;
	struct dp *d;
	int i;

	p->n_ifaces = 2;
	p->default_action = POLICY_PASS;
	d = load(p);
	count_tables(d->cp);
	for (i = 0; i < npackets; i++)
		run_one(d, &g, nrules, i, &matched);
	for (int rep = 0; rep < 2; rep++) {
		run_pkt(d, &g, nrules, i++, mix_pkt("10.200.0.9", 80, 0x10), &matched);
		run_pkt(d, &g, nrules, i++, mix_pkt("10.200.0.9", 80, 0x12), &matched);
		run_pkt(d, &g, nrules, i++, mix_pkt("100.64.0.1", 80, 0x10), &matched);
		run_pkt(d, &g, nrules, i++, mix_pkt("10.0.12.7", GEN_MIX_PORT(12), 0x10), &matched);
	}
	check_counted(d, matched);
	unload(d);
}

START_TEST(diff_small)
{
	for (uint64_t seed = 1; seed <= 40; seed++)
		check_seed(seed, seed % 37, 200);
	/* both ways of finding an address's class were judged */
	ck_assert_uint_gt(tables_hash, 0);
	ck_assert_uint_gt(tables_trie, 0);
	ck_assert_uint_gt(bucket_spills, 0);
}
END_TEST

START_TEST(diff_multiword)
{
	for (uint64_t seed = 100; seed < 104; seed++)
		check_seed(seed, 65 + (seed - 100) * 150, 400);
	check_seed(200, 4200, 300);
	ck_assert_uint_gt(tables_trie, 0);
}
END_TEST

START_TEST(diff_mix)
{
	check_mix(150, 300);  /* 3 words: no cache */
	check_mix(400, 300);  /* the cache */
	check_mix(4500, 300); /* two summary words */
	ck_assert_uint_eq(tables_trie, 0); /* one length per table */
}
END_TEST

/* Policies of 2 and 3 words: the inline search (cheap fields first, the
 * addresses only when a word survives, the walk for refused candidates and
 * later words), on both sides of each word boundary. */
START_TEST(diff_inline_words)
{
	static const size_t sizes[] = {64, 65, 100, 128, 129, 150, 192};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		check_seed(300 + i, sizes[i], 400);
}
END_TEST

/* Policies of one to four rules, judged rule by rule (config.direct) and
 * by the classifier: the same packets, the same verdicts and counters. */
START_TEST(diff_direct)
{
	direct_policies = 0;
	for (uint64_t seed = 500; seed < 512; seed++) {
		check_seed_as(seed, 1 + seed % 4, 400, false);
		check_seed_as(seed, 1 + seed % 4, 400, true);
	}
	ck_assert_uint_ge(direct_policies, 6);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cls_diff");
	TCase *tc = tcase_create("random");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, diff_small);
	tcase_add_test(tc, diff_multiword);
	tcase_add_test(tc, diff_mix);
	tcase_add_test(tc, diff_inline_words);
	tcase_add_test(tc, diff_direct);
	suite_add_tcase(s, tc);
	return dp_test_main("test_cls_diff", srunner_create(s));
}
