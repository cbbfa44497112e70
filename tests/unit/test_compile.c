// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The policy compiler: the tables it emits, run through a model of the
 * datapath (cls_emul.c), must pick the same first rule as a direct reading
 * of the policy (compile_fixture.c) for random and hand-made policies.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "compile_fixture.h"
#include "compile_internal.h"
#include "policy_gen.h"
#include "check_run.h"

/* Every word of every class, read through cls_spec for each field that
 * yields the class, is the class's own word. */
static bool spec_ok(const struct compiled_policy *c)
{
	uint8_t *used = calloc(c->nclasses ? c->nclasses : 1, sizeof(*used));
	bool ok = used != NULL;

	if (ok)
		class_fields(c, used);
	for (uint32_t k = 0; ok && k < c->nclasses; k++)
		for (int f = 0; f < XDPD_NFIELDS; f++)
			for (uint32_t w = 0; (used[k] & (1u << f)) && w < c->config.nwords; w++)
				if (cls_emul_word(c, f, k, w) != c->words[(size_t)k * c->config.nwords + w])
					ok = false;
	free(used);
	return ok;
}

/* Structural invariants the datapath relies on. Check records every passing
 * assertion, so the loops test plainly and fail through one assertion. */
static bool tables_ok(const struct policy *p, const struct compiled_policy *c)
{
	const struct xdpd_config *cfg = &c->config;
	uint32_t tail = p->n_rules % 64;

	for (uint32_t k = 0; k < c->nclasses; k++)
		for (uint32_t w = 0; w < cfg->nwords; w++) {
			uint64_t word = c->words[(size_t)k * cfg->nwords + w];
			const struct xdpd_cls_sum_word *sum =
			    &c->summary[(size_t)k * cfg->nsum + w / 64];
			uint64_t bit = 1ULL << (w % 64);

			/* "prim" is a subset of "any" */
			if (!!word != !!(sum->any & bit) || (sum->prim & ~sum->any & bit))
				return false;
			if (w == cfg->nwords - 1 && tail && word >> tail)
				return false;
		}
	for (int f = 0; f < XDPD_NFIELDS; f++)
		if (cfg->miss_class[f] >= c->nclasses)
			return false;
	/* the primary fields: some when there are rules, all of them looked up */
	if (!cfg->prim_mask != !p->n_rules ||
	    (cfg->prim_mask & ~(cfg->field_mask | (1u << XDPD_F_PROTO))))
		return false;
	for (uint32_t i = 0; i < XDPD_PORT_TABLE_SIZE; i++)
		if (c->port_cls[i] >= c->nclasses)
			return false;
	for (size_t i = 0; i < c->n_src4; i++)
		if (c->src4[i].key.prefixlen > 32 ||
		    (i && !memcmp(&c->src4[i].key, &c->src4[i - 1].key, sizeof(c->src4[i].key))))
			return false;
	for (size_t i = 0; i < c->n_dst6; i++)
		if (c->dst6[i].key.prefixlen > 128)
			return false;
	return true;
}

/* config.pscan: a table's runs, when it has them, say what it says of
 * every port, and a table of at most XDPD_PSCAN_MAX runs has them. */
static void check_port_runs(const struct compiled_policy *c)
{
	for (uint32_t t = 0; t < 4; t++) {
		const uint32_t *table = c->port_cls + t * 65536;
		uint32_t n = c->config.pscan_n[t], runs = 1, i = 0;

		for (uint32_t port = 1; port < 65536; port++)
			runs += table[port] != table[port - 1];
		ck_assert_uint_eq(n, runs <= XDPD_PSCAN_MAX ? runs : 0);
		for (uint32_t port = 0; port < 65536 && n; port++) {
			while (i < n && port > c->config.pscan[t][i].last)
				i++;
			if (i == n || c->config.pscan[t][i].cls != table[port])
				ck_abort_msg("table %u port %u: runs disagree with cls_port", t,
					     port);
		}
		if (n)
			ck_assert_uint_eq(c->config.pscan[t][n - 1].last, 65535);
	}
}

static void check_tables(const struct policy *p, const struct compiled_policy *c)
{
	ck_assert_uint_eq(c->config.nrules, p->n_rules);
	ck_assert_uint_eq(c->config.nwords, (p->n_rules + 63) / 64);
	ck_assert_uint_eq(c->config.nsum, (c->config.nwords + 63) / 64);
	ck_assert(tables_ok(p, c));
	ck_assert(spec_ok(c));
	check_port_runs(c);
}

/* config.direct: every entry names a rule of the policy with that rule's
 * slot and action, in policy order. */
static void check_direct(const struct policy *p, const struct compiled_policy *c)
{
	const struct xdpd_config *cfg = &c->config;

	ck_assert_uint_le(cfg->ndirect, XDPD_DIRECT_MAX);
	for (uint32_t i = 0; i < cfg->ndirect; i++) {
		const struct xdpd_direct_rule *e = &cfg->direct[i];

		ck_assert_uint_lt(e->rule, p->n_rules);
		ck_assert(!i || e->rule >= cfg->direct[i - 1].rule);
		ck_assert_uint_eq(e->slot, c->rules[e->rule].slot);
		ck_assert_uint_eq(e->action, c->rules[e->rule].action);
	}
}

/* Policies the random tests compiled rule by rule (config.ndirect). */
static unsigned int direct_policies;

static void check_random(uint64_t seed, size_t nrules, int npackets)
{
	struct gen_rng g = {.s = seed * 0x9e3779b97f4a7c15ULL + 1};
	struct policy *p = gen_policy(&g, nrules);
	struct compiled_policy *c = fx_compile(p);

	check_tables(p, c);
	check_direct(p, c);
	direct_policies += c->config.ndirect != 0;
	for (int i = 0; i < npackets; i++) {
		struct emul_pkt k;
		int want, got, direct;

		gen_packet(&g, p, &k);
		want = ref_match(p, &k);
		got = cls_emul_match(c, &k);
		direct = c->config.ndirect ? cls_emul_direct(c, &k) : want;
		if (want != got || want != direct)
			ck_abort_msg("seed %llu rules %zu packet %d: reference %d, compiled %d, "
				     "direct %d",
				     (unsigned long long)seed, nrules, i, want, got, direct);
	}
	compiled_policy_free(c);
	fx_policy_free(p);
}

START_TEST(random_small)
{
	direct_policies = 0;
	for (uint64_t seed = 1; seed <= 300; seed++)
		check_random(seed, seed % 41, 400);
	/* the random policies of a few rules were judged rule by rule too */
	ck_assert_uint_ge(direct_policies, 10);
}
END_TEST

/* Policies of one to four rules: most of them fit config.direct. */
START_TEST(random_direct)
{
	direct_policies = 0;
	for (uint64_t seed = 1; seed <= 400; seed++)
		check_random(5000 + seed, 1 + seed % 4, 300);
	ck_assert_uint_ge(direct_policies, 200);
}
END_TEST

START_TEST(random_multiword)
{
	for (uint64_t seed = 1; seed <= 12; seed++)
		check_random(1000 + seed, 60 + seed * 23, 1500);
}
END_TEST

/* > 4096 rules: two summary words. */
START_TEST(random_multisummary)
{
	check_random(77, 4097, 1000);
	check_random(78, 10000, 400);
}
END_TEST

/* One packet, expected rule (or EMUL_NO_MATCH). */
static void expect(const struct policy *p, const struct compiled_policy *c,
		   const struct emul_pkt *k, int want)
{
	ck_assert_int_eq(ref_match(p, k), want);
	ck_assert_int_eq(cls_emul_match(c, k), want);
	if (c->config.ndirect)
		ck_assert_int_eq(cls_emul_direct(c, k), want);
}

static struct emul_pkt pkt(uint8_t family, const char *src, const char *dst, uint8_t proto,
			   uint16_t sport, uint16_t dport)
{
	struct emul_pkt k = {.ifindex = FX_IFINDEX0,
			     .family = family,
			     .proto = proto,
			     .first_frag = true,
			     .sport = sport,
			     .dport = dport};

	fx_set_addr(family, src, k.src);
	fx_set_addr(family, dst, k.dst);
	return k;
}

START_TEST(nested_prefixes)
{
	struct policy *p = fx_policy_new(4);
	struct compiled_policy *c;
	struct emul_pkt k;

	fx_add_src(fx_rule_add(p), "10.1.2.0/24");
	fx_add_src(fx_rule_add(p), "10.0.0.0/8");
	fx_add_src(fx_rule_add(p), "10.1.0.0/16");
	fx_add_src(fx_rule_add(p), "2001:db8:1::/48");
	c = fx_compile(p);
	ck_assert_uint_eq(c->n_src4, 3);
	ck_assert_uint_eq(c->n_src6, 1);
	k = pkt(AF_INET, "10.1.2.3", "1.1.1.1", IPPROTO_TCP, 1, 2);
	expect(p, c, &k, 0);
	k = pkt(AF_INET, "10.1.3.3", "1.1.1.1", IPPROTO_TCP, 1, 2);
	expect(p, c, &k, 1);
	k = pkt(AF_INET, "11.0.0.1", "1.1.1.1", IPPROTO_TCP, 1, 2);
	expect(p, c, &k, EMUL_NO_MATCH);
	k = pkt(AF_INET6, "2001:db8:1::5", "::1", IPPROTO_UDP, 1, 2);
	expect(p, c, &k, 3);
	k = pkt(AF_INET6, "2001:db8:2::5", "::1", IPPROTO_UDP, 1, 2);
	expect(p, c, &k, EMUL_NO_MATCH);
	/* the /24 entry's class holds every enclosing prefix's rule, and only those */
	k = pkt(AF_INET, "10.1.2.3", "1.1.1.1", IPPROTO_TCP, 1, 2);
	ck_assert_uint_eq(c->words[cls_emul_class(c, &k, XDPD_F_SRC)], 0x7);
	k = pkt(AF_INET, "10.1.3.3", "1.1.1.1", IPPROTO_TCP, 1, 2);
	ck_assert_uint_eq(c->words[cls_emul_class(c, &k, XDPD_F_SRC)], 0x6);
	ck_assert_uint_eq(c->words[c->config.miss_class[XDPD_F_SRC]], 0);
	compiled_policy_free(c);
	fx_policy_free(p);
}
END_TEST

START_TEST(default_routes)
{
	struct policy *p = fx_policy_new(3);
	struct compiled_policy *c;
	struct emul_pkt k;
	struct policy_rule *r;

	r = fx_rule_add(p);
	fx_add_src(r, "0.0.0.0/0");
	fx_add_dst(fx_rule_add(p), "::/0");
	fx_rule_add(p)->protocol = 47;
	c = fx_compile(p);
	k = pkt(AF_INET, "198.51.100.1", "192.0.2.1", IPPROTO_UDP, 1, 2);
	expect(p, c, &k, 0);
	k = pkt(AF_INET6, "2001:db8::1", "ff02::1", IPPROTO_UDP, 1, 2);
	expect(p, c, &k, 1);
	k = pkt(AF_INET6, "::", "::", 47, 0, 0);
	expect(p, c, &k, 1);
	compiled_policy_free(c);
	fx_policy_free(p);
}
END_TEST

START_TEST(port_edges)
{
	struct policy *p = fx_policy_new(5);
	struct compiled_policy *c;
	struct policy_rule *r;
	struct emul_pkt k;

	r = fx_rule_add(p); /* 0: tcp dport 0 or 65535 */
	r->protocol = IPPROTO_TCP;
	fx_add_ports(&r->dst_ports, &r->n_dst_ports, 0, 0);
	fx_add_ports(&r->dst_ports, &r->n_dst_ports, 65535, 65535);
	r = fx_rule_add(p); /* 1: udp, overlapping ranges of one rule */
	r->protocol = IPPROTO_UDP;
	fx_add_ports(&r->dst_ports, &r->n_dst_ports, 100, 200);
	fx_add_ports(&r->dst_ports, &r->n_dst_ports, 150, 150);
	fx_add_ports(&r->dst_ports, &r->n_dst_ports, 180, 300);
	r = fx_rule_add(p); /* 2: any protocol, sport 1024-65535 */
	fx_add_ports(&r->src_ports, &r->n_src_ports, 1024, 65535);
	r = fx_rule_add(p); /* 3: everything else */
	c = fx_compile(p);
	k = pkt(AF_INET, "1.2.3.4", "5.6.7.8", IPPROTO_TCP, 5, 0);
	expect(p, c, &k, 0);
	k.dport = 65535;
	expect(p, c, &k, 0);
	k.dport = 1;
	expect(p, c, &k, 3);
	k.proto = IPPROTO_UDP;
	k.dport = 0;
	expect(p, c, &k, 3);
	for (uint32_t port = 99; port <= 301; port++) {
		k.dport = port;
		expect(p, c, &k, port >= 100 && port <= 300 ? 1 : 3);
	}
	k.sport = 1024;
	k.dport = 5;
	expect(p, c, &k, 2);
	k.sport = 65535;
	expect(p, c, &k, 2);
	k.sport = 1023;
	expect(p, c, &k, 3);
	/* a later fragment has no ports: only the rule without port conditions */
	k.sport = 2000;
	k.first_frag = false;
	expect(p, c, &k, 3);
	/* ICMP carries no ports either */
	k = pkt(AF_INET, "1.2.3.4", "5.6.7.8", IPPROTO_ICMP, 2000, 0);
	expect(p, c, &k, 3);
	/* every table has few runs: tcp dst 0 | 1-65534 | 65535, udp dst
	 * ..99 | 100-300 | 301.., src ..1023 | 1024.. for both */
	check_port_runs(c);
	ck_assert_uint_eq(c->config.pscan_n[XDPD_DIR_DST * 2 + XDPD_L4_TCP], 3);
	ck_assert_uint_eq(c->config.pscan_n[XDPD_DIR_DST * 2 + XDPD_L4_UDP], 3);
	ck_assert_uint_eq(c->config.pscan_n[XDPD_DIR_SRC * 2 + XDPD_L4_TCP], 2);
	ck_assert_uint_eq(c->config.pscan[XDPD_DIR_DST * 2 + XDPD_L4_UDP][1].last, 300);
	compiled_policy_free(c);
	fx_policy_free(p);
}
END_TEST

START_TEST(empty_policy)
{
	struct policy *p = fx_policy_new(0);
	struct compiled_policy *c = fx_compile(p);
	struct emul_pkt k = pkt(AF_INET, "1.2.3.4", "5.6.7.8", IPPROTO_TCP, 1, 2);

	ck_assert_uint_eq(c->config.nrules, 0);
	ck_assert_uint_eq(c->config.nwords, 0);
	ck_assert_uint_eq(c->config.nsum, 0);
	ck_assert_uint_eq(c->config.field_mask, 1u << XDPD_F_PROTO);
	ck_assert_uint_eq(c->n_ifaces, FX_NIFACES);
	expect(p, c, &k, EMUL_NO_MATCH);
	compiled_policy_free(c);
	fx_policy_free(p);
}
END_TEST

START_TEST(unconditional_rule)
{
	struct policy *p = fx_policy_new(2);
	struct compiled_policy *c;
	struct emul_pkt k;

	fx_rule_add(p);
	fx_rule_add(p)->protocol = IPPROTO_TCP;
	c = fx_compile(p);
	ck_assert_uint_eq(c->config.field_mask, 1u << XDPD_F_PROTO);
	k = pkt(AF_INET6, "::1", "::2", IPPROTO_TCP, 1, 2);
	expect(p, c, &k, 0);
	k = pkt(AF_INET, "1.1.1.1", "2.2.2.2", 0, 0, 0);
	k.first_frag = false;
	expect(p, c, &k, 0);
	compiled_policy_free(c);
	fx_policy_free(p);
}
END_TEST

/* Rule i accepts only dport i + 1; a catch-all at the end. Crosses words
 * and summary words. */
START_TEST(many_rules)
{
	const uint32_t n = 5000;
	struct policy *p = fx_policy_new(n + 1);
	struct compiled_policy *c;
	struct emul_pkt k = pkt(AF_INET, "1.1.1.1", "2.2.2.2", IPPROTO_UDP, 1, 0);

	for (uint32_t i = 0; i < n; i++) {
		struct policy_rule *r = fx_rule_add(p);

		fx_add_ports(&r->dst_ports, &r->n_dst_ports, i + 1, i + 1);
	}
	fx_rule_add(p);
	c = fx_compile(p);
	ck_assert_uint_eq(c->config.nwords, (n + 1 + 63) / 64);
	ck_assert_uint_eq(c->config.nsum, 2);
	/* open fields (all rules), each port's {i, catch-all}, other ports {catch-all} */
	ck_assert_uint_eq(c->nclasses, n + 2);
	for (uint32_t port = 0; port <= n + 1; port += port < 70 ? 1 : 61) {
		k.dport = port;
		expect(p, c, &k, port >= 1 && port <= n ? (int)port - 1 : (int)n);
	}
	k.dport = 4097;
	expect(p, c, &k, 4096);
	k.dport = 60000;
	expect(p, c, &k, n);
	/* 5,000 ports: too many runs for the program to compare */
	check_port_runs(c);
	ck_assert_uint_eq(c->config.pscan_n[XDPD_DIR_DST * 2 + XDPD_L4_UDP], 0);
	ck_assert_uint_eq(c->config.pscan_n[XDPD_DIR_SRC * 2 + XDPD_L4_UDP], 1);
	compiled_policy_free(c);
	fx_policy_free(p);
}
END_TEST

/* A field with at most XDPD_SCAN4_MAX IPv4 (XDPD_SCAN6_MAX IPv6) prefixes
 * gets the scan table the program compares instead of walking the trie: the
 * trie's entries, longest first (so the first hit is the longest match).
 * One prefix more and the trie decides again. */
START_TEST(scan4_table)
{
	static const char *const nested[] = {"10.0.0.0/8", "10.1.2.3/32", "10.1.0.0/16",
					     "10.1.2.0/24", "0.0.0.0/0"};
	struct policy *p = fx_policy_new(XDPD_SCAN4_MAX + 2);
	struct compiled_policy *c;
	struct emul_pkt k = pkt(AF_INET, "10.1.2.3", "2.2.2.2", IPPROTO_TCP, 1, 80);
	const struct xdpd_scan4 *e;

	for (size_t i = 0; i < 5; i++)
		fx_add_src(fx_rule_add(p), nested[i]);
	fx_add_dst(fx_rule_add(p), "2001:db8::/32"); /* no IPv4 destination prefix */
	c = fx_compile(p);
	ck_assert_uint_eq(c->config.scan4_n[0], 5 + 1);
	ck_assert_uint_eq(c->config.scan4_n[1], 0 + 1);
	e = c->config.scan4[0];
	ck_assert_uint_eq(e[0].mask, htonl(0xffffffffu));
	ck_assert_uint_eq(e[0].net, htonl(0x0a010203u));
	ck_assert_uint_eq(e[1].mask, htonl(0xffffff00u));
	ck_assert_uint_eq(e[2].mask, htonl(0xffff0000u));
	ck_assert_uint_eq(e[3].mask, htonl(0xff000000u));
	ck_assert_uint_eq(e[3].net, htonl(0x0a000000u));
	ck_assert_uint_eq(e[4].mask, 0);
	ck_assert_uint_eq(e[4].net, 0);
	for (size_t i = 0; i < 5; i++) /* the class the trie holds for it */
		for (size_t j = 0; j < c->n_src4; j++)
			if (c->src4[j].key.prefixlen == (uint32_t)__builtin_popcount(e[i].mask))
				ck_assert_uint_eq(e[i].cls, c->src4[j].cls);
	expect(p, c, &k, 0);
	fx_set_addr(AF_INET, "10.9.9.9", k.src);
	expect(p, c, &k, 0);
	fx_set_addr(AF_INET, "11.0.0.1", k.src);
	expect(p, c, &k, 4);
	/* IPv6: no source prefix (every source misses at once), one destination */
	ck_assert_uint_eq(c->config.scan6_n[0], 0 + 1);
	ck_assert_uint_eq(c->config.scan6_n[1], 1 + 1);
	ck_assert_uint_eq(c->config.scan6[1][0].mask[0], 0xffffffff00000000ULL);
	ck_assert_uint_eq(c->config.scan6[1][0].mask[1], 0);
	ck_assert_uint_eq(c->config.scan6[1][0].net[0], 0x20010db800000000ULL);
	k = pkt(AF_INET6, "2001:db8::1", "2001:db8:ffff::1", IPPROTO_TCP, 1, 80);
	expect(p, c, &k, 5); /* the IPv4 /0 holds no IPv6 source; rule 5 its destination */
	compiled_policy_free(c);
	fx_policy_free(p);

	p = fx_policy_new(XDPD_SCAN6_MAX + 1);
	for (uint32_t i = 0; i <= XDPD_SCAN6_MAX; i++) {
		char pfx[48];

		snprintf(pfx, sizeof(pfx), "2001:db8:%x::/%u", i, 48 + 20 * i);
		fx_add_dst(fx_rule_add(p), pfx);
	}
	c = fx_compile(p);
	ck_assert_uint_eq(c->config.scan6_n[1], 0);
	compiled_policy_free(c);
	fx_policy_free(p);
	p = fx_policy_new(2);
	fx_add_dst(fx_rule_add(p), "2001:db8:1:2:3:4:5:6/112");
	fx_add_dst(fx_rule_add(p), "2001:db8::/31");
	c = fx_compile(p);
	ck_assert_uint_eq(c->config.scan6_n[1], 2 + 1);
	ck_assert_uint_eq(c->config.scan6[1][0].mask[1], 0xffffffffffff0000ULL);
	ck_assert_uint_eq(c->config.scan6[1][0].net[1], 0x0003000400050000ULL);
	ck_assert_uint_eq(c->config.scan6[1][1].mask[0], 0xfffffffe00000000ULL);
	k = pkt(AF_INET6, "::1", "2001:db8:1:2:3:4:5:ffff", IPPROTO_TCP, 1, 80);
	expect(p, c, &k, 0);
	fx_set_addr(AF_INET6, "2001:db9:1:2:3:4:5:ffff", k.dst);
	expect(p, c, &k, 1);
	fx_set_addr(AF_INET6, "2001:dba::", k.dst);
	expect(p, c, &k, EMUL_NO_MATCH);
	compiled_policy_free(c);
	fx_policy_free(p);

	p = fx_policy_new(XDPD_SCAN4_MAX + 1);
	for (uint32_t i = 0; i <= XDPD_SCAN4_MAX; i++) {
		char pfx[32];

		snprintf(pfx, sizeof(pfx), "192.0.2.%u/32", i);
		fx_add_src(fx_rule_add(p), pfx);
	}
	c = fx_compile(p);
	ck_assert_uint_eq(c->n_src4, XDPD_SCAN4_MAX + 1);
	ck_assert_uint_eq(c->config.scan4_n[0], 0);
	compiled_policy_free(c);
	fx_policy_free(p);
}
END_TEST

/* Identical rules share classes: the class count follows the distinct sets
 * of rules, not the rule count. */
START_TEST(class_dedup)
{
	struct policy *p = fx_policy_new(1000);
	struct compiled_policy *c;
	struct emul_pkt k = pkt(AF_INET, "1.1.1.1", "10.9.9.9", IPPROTO_TCP, 1, 80);

	for (int i = 0; i < 1000; i++) {
		struct policy_rule *r = fx_rule_add(p);

		r->protocol = IPPROTO_TCP;
		fx_add_dst(r, "10.0.0.0/8");
		fx_add_ports(&r->dst_ports, &r->n_dst_ports, 80, 80);
	}
	c = fx_compile(p);
	/* all rules (open fields, tcp, 10/8, port 80) and none (the rest) */
	ck_assert_uint_eq(c->nclasses, 2);
	ck_assert_uint_eq(c->config.field_mask,
			  (1u << XDPD_F_PROTO) | (1u << XDPD_F_DST) | (1u << XDPD_F_DPORT));
	expect(p, c, &k, 0);
	k.dport = 81;
	expect(p, c, &k, EMUL_NO_MATCH);
	compiled_policy_free(c);
	fx_policy_free(p);
}
END_TEST

START_TEST(icmp_families)
{
	struct policy *p = fx_policy_new(4);
	struct compiled_policy *c;
	struct policy_rule *r;
	struct emul_pkt k;

	r = fx_rule_add(p); /* 0: icmp echo-request */
	r->protocol = IPPROTO_ICMP;
	r->icmp_type = 8;
	r = fx_rule_add(p); /* 1: icmpv6 echo-request */
	r->protocol = IPPROTO_ICMPV6;
	r->icmp_type = 128;
	r = fx_rule_add(p); /* 2: type 0 in either family */
	r->icmp_type = 0;
	fx_rule_add(p)->protocol = 47;
	c = fx_compile(p);
	ck_assert_uint_ne(c->icmp_cls[8], c->icmp_cls[256 + 8]);
	k = pkt(AF_INET, "1.1.1.1", "2.2.2.2", IPPROTO_ICMP, 0, 0);
	k.icmp_type = 8;
	expect(p, c, &k, 0);
	k.icmp_type = 128;
	expect(p, c, &k, EMUL_NO_MATCH);
	k.icmp_type = 0;
	expect(p, c, &k, 2);
	k.first_frag = false; /* a later fragment has no ICMP header */
	expect(p, c, &k, EMUL_NO_MATCH);
	k = pkt(AF_INET6, "::1", "::2", IPPROTO_ICMPV6, 0, 0);
	k.icmp_type = 128;
	expect(p, c, &k, 1);
	k.icmp_type = 8;
	expect(p, c, &k, EMUL_NO_MATCH);
	k.icmp_type = 0;
	expect(p, c, &k, 2);
	/* ICMPv4 inside IPv6 is no ICMP the parser reads */
	k.proto = IPPROTO_ICMP;
	expect(p, c, &k, EMUL_NO_MATCH);
	compiled_policy_free(c);
	fx_policy_free(p);
}
END_TEST

START_TEST(tcp_flags)
{
	struct policy *p = fx_policy_new(2);
	struct compiled_policy *c;
	struct policy_rule *r;
	struct emul_pkt k;

	r = fx_rule_add(p); /* syn,!ack */
	r->protocol = IPPROTO_TCP;
	r->tcp_mask = 0x12;
	r->tcp_value = 0x02;
	fx_rule_add(p)->action = POLICY_PASS;
	c = fx_compile(p);
	ck_assert_uint_eq(c->rules[0].flags, XDPD_RULE_F_TCP_FLAGS);
	ck_assert_uint_eq(c->rules[0].tcp_mask, 0x12);
	ck_assert_uint_eq(c->rules[0].tcp_value, 0x02);
	ck_assert_uint_eq(c->rules[1].flags, 0);
	k = pkt(AF_INET, "1.1.1.1", "2.2.2.2", IPPROTO_TCP, 1, 2);
	k.tcp_flags = 0x02;
	expect(p, c, &k, 0);
	k.tcp_flags = 0x12;
	expect(p, c, &k, 1);
	k.tcp_flags = 0x02 | 0x08;
	expect(p, c, &k, 0);
	k.first_frag = false;
	expect(p, c, &k, 1);
	compiled_policy_free(c);
	fx_policy_free(p);
}
END_TEST

START_TEST(interfaces)
{
	struct policy *p = fx_policy_new(3);
	struct compiled_policy *c;
	struct emul_pkt k = pkt(AF_INET, "1.1.1.1", "2.2.2.2", IPPROTO_UDP, 1, 2);

	fx_add_iface(fx_rule_add(p), "t1");
	fx_add_iface(fx_rule_add(p), "t2");
	fx_add_iface(&p->rules[1], "t0");
	fx_rule_add(p)->protocol = IPPROTO_TCP;
	c = fx_compile(p);
	ck_assert_uint_eq(c->n_ifaces, FX_NIFACES);
	for (size_t i = 0; i < c->n_ifaces; i++) {
		ck_assert_uint_eq(c->ifaces[i].ifindex, FX_IFINDEX0 + i);
		ck_assert_uint_eq(c->ifaces[i].cfg.slot, 3 * i + 1);
	}
	ck_assert(c->config.field_mask & (1u << XDPD_F_IFACE));
	k.ifindex = FX_IFINDEX0 + 1;
	expect(p, c, &k, 0);
	k.ifindex = FX_IFINDEX0 + 2;
	expect(p, c, &k, 1);
	k.ifindex = FX_IFINDEX0;
	expect(p, c, &k, 1);
	k.proto = IPPROTO_TCP;
	k.ifindex = FX_IFINDEX0 + 1;
	expect(p, c, &k, 0);
	/* an interface the policy does not list is not judged at all */
	k.ifindex = 99;
	ck_assert_int_eq(cls_emul_match(c, &k), EMUL_NOT_JUDGED);
	compiled_policy_free(c);
	fx_policy_free(p);
}
END_TEST

/* Which policies config.direct takes, and its entries. */
START_TEST(direct_entries)
{
	struct policy *p = fx_policy_new(3);
	struct compiled_policy *c;
	struct policy_rule *r = fx_rule_add(p);
	const struct xdpd_direct_rule *e;

	r->protocol = IPPROTO_TCP;
	fx_add_ports(&r->dst_ports, &r->n_dst_ports, 8080, 8080);
	c = fx_compile(p);
	ck_assert_uint_eq(c->config.ndirect, 1);
	e = &c->config.direct[0];
	ck_assert_uint_eq(e->flags, XDPD_DR_PROTO | XDPD_DR_DPORT);
	ck_assert_uint_eq(e->proto, IPPROTO_TCP);
	ck_assert_uint_eq(e->dport_lo, 8080);
	ck_assert_uint_eq(e->dport_hi, 8080);
	ck_assert_uint_eq(e->slot, FX_RULE_SLOT0);
	compiled_policy_free(c);

	/* two prefixes times two port ranges, then a rule on an interface */
	fx_add_src(r, "10.0.0.0/8");
	fx_add_src(r, "2001:db8::/33");
	fx_add_ports(&r->dst_ports, &r->n_dst_ports, 9000, 9100);
	fx_add_iface(fx_rule_add(p), "t1");
	c = fx_compile(p);
	ck_assert_uint_eq(c->config.ndirect, 5);
	e = c->config.direct;
	ck_assert_uint_eq(e[0].src.family, 4);
	ck_assert_uint_eq(e[0].src.mask[0], htonl(0xff000000));
	ck_assert_uint_eq(e[1].dport_lo, 9000);
	ck_assert_uint_eq(e[2].src.family, 6);
	ck_assert_uint_eq(e[2].src.mask[1], htonl(0x80000000));
	ck_assert_uint_eq(e[2].src.addr[0], htonl(0x20010db8));
	ck_assert_uint_eq(e[4].rule, 1);
	ck_assert_uint_eq(e[4].flags, XDPD_DR_IFACE);
	ck_assert_uint_eq(e[4].ifcls, 1ULL << c->ifaces[1].cfg.cls);
	compiled_policy_free(c);

	/* more than XDPD_DIRECT_MAX entries: the classifier */
	fx_add_src(r, "192.0.2.0/24");
	fx_add_ports(&r->dst_ports, &r->n_dst_ports, 22, 22);
	c = fx_compile(p);
	ck_assert_uint_eq(c->config.ndirect, 0);
	compiled_policy_free(c);

	fx_policy_free(p);

	/* a rate limit: the classifier */
	p = fx_policy_new(1);
	r = fx_rule_add(p);
	r->has_rate_limit = true;
	r->rl_pps = 10;
	c = fx_compile(p);
	ck_assert_uint_eq(c->config.ndirect, 0);
	compiled_policy_free(c);
	fx_policy_free(p);
}
END_TEST

START_TEST(rule_info)
{
	struct policy *p = fx_policy_new(3);
	struct compiled_policy *c;
	struct policy_rule *r;

	p->default_action = POLICY_DROP;
	fx_rule_add(p)->action = POLICY_PASS;
	r = fx_rule_add(p);
	r->has_rate_limit = true;
	r->rl_pps = 1000;
	r->rl_per = RL_PER_SOURCE;
	r = fx_rule_add(p);
	r->has_rate_limit = true;
	r->rl_pps = 5;
	r->rl_per = RL_PER_RULE;
	c = fx_compile(p);
	ck_assert_uint_eq(c->config.default_action, XDPD_ACT_DROP);
	ck_assert_uint_eq(c->rules[0].action, XDPD_ACT_PASS);
	ck_assert_uint_eq(c->rules[1].action, XDPD_ACT_DROP);
	for (int i = 0; i < 3; i++)
		ck_assert_uint_eq(c->rules[i].slot, FX_RULE_SLOT0 + i);
	ck_assert_uint_eq(c->rules[0].flags, 0);
	ck_assert_uint_eq(c->rules[1].flags, XDPD_RULE_F_RATE_LIMIT | XDPD_RULE_F_RL_PER_SRC);
	ck_assert_uint_eq(c->rules[1].rl_pps, 1000);
	ck_assert_uint_eq(c->rules[2].flags, XDPD_RULE_F_RATE_LIMIT);
	ck_assert_uint_eq(c->rules[2].rl_pps, 5);
	compiled_policy_free(c);
	fx_policy_free(p);
}
END_TEST

/* The parser's representation (policy_load_buffer) compiles to the same
 * first match as the reference reads from it. */
/* config.pfx_len and the cls_pfx entries: a table of at most XDPD_PFX_LENS
 * lengths lists them longest first and has every LPM entry in the hash; a
 * table of more goes to the trie. */
START_TEST(pfx_lengths)
{
	static const char *const src4[] = {"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24",
					   "10.1.2.128/25", "10.1.2.129"};
	struct policy *p = fx_policy_new(16);
	struct compiled_policy *c;
	size_t dst4 = 0;

	for (size_t i = 0; i < sizeof(src4) / sizeof(src4[0]); i++)
		fx_add_src(fx_rule_add(p), src4[i]);
	fx_add_dst(fx_rule_add(p), "192.0.2.0/24");
	fx_add_dst(fx_rule_add(p), "192.0.2.7");
	fx_add_dst(fx_rule_add(p), "198.51.100.7");
	fx_add_dst(fx_rule_add(p), "2001:db8::/32");
	c = fx_compile(p);
	ck_assert_uint_eq(c->config.pfx_len[XDPD_PFX_SRC4][0], XDPD_PFX_TRIE);
	ck_assert_uint_eq(c->config.pfx_len[XDPD_PFX_DST4][0], 32);
	ck_assert_uint_eq(c->config.pfx_len[XDPD_PFX_DST4][1], 24);
	ck_assert_uint_eq(c->config.pfx_len[XDPD_PFX_DST4][2], XDPD_PFX_NONE);
	ck_assert_uint_eq(c->config.pfx_len[XDPD_PFX_SRC6][0], XDPD_PFX_NONE);
	ck_assert_uint_eq(c->config.pfx_len[XDPD_PFX_DST6][0], 32);
	ck_assert_uint_eq(c->config.pfx_len[XDPD_PFX_DST6][1], XDPD_PFX_NONE);
	ck_assert_uint_eq(c->n_pfx, c->n_dst4 + c->n_dst6);
	for (size_t i = 0; i < c->n_pfx; i++) {
		const struct cls_pfx_entry *e = &c->pfx[i];

		ck_assert(e->key.table == XDPD_PFX_DST4 || e->key.table == XDPD_PFX_DST6);
		if (e->key.table != XDPD_PFX_DST4)
			continue;
		for (size_t j = 0; j < c->n_dst4; j++)
			if (c->dst4[j].key.prefixlen == e->key.len &&
			    !memcmp(c->dst4[j].key.addr, e->key.addr, 4) &&
			    c->dst4[j].cls == e->cls)
				dst4++;
	}
	ck_assert_uint_eq(dst4, c->n_dst4);
	compiled_policy_free(c);
	fx_policy_free(p);
}
END_TEST

/* A probe of the bucket tables as the datapath does it (bpf/classify.h):
 * 1 + class, or 0. */
static uint32_t probe4(const struct compiled_policy *c, const struct cls_pfx_entry *e)
{
	uint32_t w, h, mask = c->config.pfx4_mask;
	uint64_t key;

	memcpy(&w, e->key.addr, 4);
	key = xdpd_pfx4_word(e->key.table, e->key.len, w);
	h = xdpd_pfx_hash(key, 0) & mask;
	for (int step = 0; step < 2; step++) {
		const struct xdpd_pfx4_bucket *b = &c->pfx4[(h + step) & mask];

		for (int s = 0; s < XDPD_PFX4_SLOTS; s++)
			if (b->cls1[s] && b->key[s] == key)
				return b->cls1[s];
		if (!b->spill)
			break;
	}
	return 0;
}

static uint32_t probe6(const struct compiled_policy *c, const struct cls_pfx_entry *e)
{
	uint32_t w[4], h, mask = c->config.pfx6_mask, tl = (uint32_t)e->key.table << 8 | e->key.len;
	uint64_t hi, lo;

	memcpy(w, e->key.addr, 16);
	hi = xdpd_pfx_half(w[0], w[1]);
	lo = xdpd_pfx_half(w[2], w[3]);
	h = xdpd_pfx_hash(hi ^ tl, lo) & mask;
	for (int step = 0; step < 2; step++) {
		const struct xdpd_pfx6_bucket *b = &c->pfx6[(h + step) & mask];

		for (int s = 0; s < XDPD_PFX6_SLOTS; s++)
			if (b->s[s].cls1 && b->s[s].hi == hi && b->s[s].lo == lo &&
			    b->s[s].tl == tl)
				return b->s[s].cls1;
		if (!b->spill)
			break;
	}
	return 0;
}

static uint32_t probe(const struct compiled_policy *c, const struct cls_pfx_entry *e)
{
	return e->key.table <= XDPD_PFX_DST4 ? probe4(c, e) : probe6(c, e);
}

/* Every hash-searched prefix is found with its class by the datapath's
 * probe (its home bucket, or the next after a spill), a prefix of another
 * length or table is not, and the tables stay about half full. */
START_TEST(pfx_buckets)
{
	struct policy *p = fx_policy_new(1200);
	struct compiled_policy *c;
	size_t n4 = 0, n6 = 0, spills = 0;
	uint32_t x = 12345;
	char a[64];

	/* scattered addresses: a multiplicative hash spreads a sequence too
	 * evenly to ever fill a bucket */
	for (int i = 0; i < 600; i++) {
		x = x * 1103515245u + 12345u;
		snprintf(a, sizeof(a), "%d.%u.%d.0/24", 10 + (i >> 8), x >> 24, i & 255);
		fx_add_src(fx_rule_add(p), a);
		snprintf(a, sizeof(a), "2001:db8:%x:%x::/%d", x >> 16, i, i % 2 ? 48 : 64);
		fx_add_dst(fx_rule_add(p), a);
	}
	c = fx_compile(p);
	ck_assert_uint_eq(c->config.pfx_len[XDPD_PFX_SRC4][0], 24);
	ck_assert_uint_eq(c->config.pfx_len[XDPD_PFX_DST6][0], 64);
	for (size_t i = 0; i < c->n_pfx; i++) {
		struct cls_pfx_entry other = c->pfx[i];

		ck_assert_uint_eq(probe(c, &c->pfx[i]), c->pfx[i].cls + 1);
		other.key.len--;
		ck_assert_uint_eq(probe(c, &other), 0);
		other = c->pfx[i];
		other.key.table ^= 1; /* source <-> destination */
		ck_assert_uint_eq(probe(c, &other), 0);
		if (c->pfx[i].key.table <= XDPD_PFX_DST4)
			n4++;
		else
			n6++;
	}
	ck_assert_uint_eq(n4, 600);
	ck_assert_uint_eq(n6, 600);
	ck_assert_uint_ge((c->config.pfx4_mask + 1) * XDPD_PFX4_SLOTS, 2 * n4);
	ck_assert_uint_le((c->config.pfx4_mask + 1) * XDPD_PFX4_SLOTS, 8 * n4);
	ck_assert_uint_ge((c->config.pfx6_mask + 1) * XDPD_PFX6_SLOTS, 2 * n6);
	for (uint32_t b = 0; b <= c->config.pfx6_mask; b++)
		spills += c->pfx6[b].spill;
	ck_assert_uint_gt(spills, 0); /* the second bucket was needed, and found */
	compiled_policy_free(c);
	fx_policy_free(p);
}
END_TEST

/* The primary field (struct xdpd_cls_sum_word): the narrowest constraint. */
START_TEST(primary_field)
{
	struct policy *p = fx_policy_new(8);
	struct policy_rule *r;

	r = fx_rule_add(p); /* nothing: the protocol */
	ck_assert_int_eq(rule_primary(p, r), XDPD_F_PROTO);
	r = fx_rule_add(p);
	r->protocol = IPPROTO_TCP;
	ck_assert_int_eq(rule_primary(p, r), XDPD_F_PROTO);
	fx_add_ports(&r->dst_ports, &r->n_dst_ports, 80, 80);
	ck_assert_int_eq(rule_primary(p, r), XDPD_F_DPORT);
	fx_add_src(r, "10.1.2.0/24"); /* 24 bits beat 16 */
	ck_assert_int_eq(rule_primary(p, r), XDPD_F_SRC);
	fx_add_dst(r, "192.0.2.1"); /* /32 beats /24 */
	ck_assert_int_eq(rule_primary(p, r), XDPD_F_DST);
	r = fx_rule_add(p);
	fx_add_src(r, "10.0.0.0/8");
	fx_add_ports(&r->src_ports, &r->n_src_ports, 1024, 1024); /* 16 bits beat 8 */
	ck_assert_int_eq(rule_primary(p, r), XDPD_F_SPORT);
	fx_add_ports(&r->src_ports, &r->n_src_ports, 2000, 65535); /* now ~0 bits */
	ck_assert_int_eq(rule_primary(p, r), XDPD_F_SRC);
	r = fx_rule_add(p);
	r->protocol = IPPROTO_ICMP;
	r->icmp_type = 8;
	ck_assert_int_eq(rule_primary(p, r), XDPD_F_ICMP);
	r = fx_rule_add(p);
	fx_add_iface(r, fx_ifname(FX_IFINDEX0));
	ck_assert_int_eq(rule_primary(p, r), XDPD_F_IFACE);
	fx_policy_free(p);
}
END_TEST

static struct emul_pkt mix_pkt(const char *src, uint16_t dport, uint8_t flags)
{
	struct emul_pkt k = pkt(AF_INET, src, "198.51.100.1", IPPROTO_TCP, 40000, dport);

	k.tcp_flags = flags;
	return k;
}

/* One packet of the mix: the expected rule, found within max_words words. */
static void expect_words(const struct policy *p, const struct compiled_policy *c,
			 const struct emul_pkt *k, int want, uint32_t max_words)
{
	uint32_t words;

	ck_assert_int_eq(ref_match(p, k), want);
	ck_assert_int_eq(cls_emul_match_words(c, k, &words), want);
	ck_assert_uint_le(words, max_words);
}

/* The benchmark's kind of policy: every word of every class is non-zero, so
 * only the primary fields' summaries can keep a search from reading every
 * word before its match. */
START_TEST(mix_pruned)
{
	const size_t n = 5000;
	struct policy *p = gen_mix_policy(n);
	struct compiled_policy *c = fx_compile(p);
	size_t hot_last = 13 + (n - 2 - 13) / GEN_MIX_HOT_EVERY * GEN_MIX_HOT_EVERY;
	struct gen_rng g = {.s = 42};
	struct emul_pkt k;
	char src[32];

	check_tables(p, c);
	ck_assert_uint_eq(c->config.nsum, 2);
	/* the catch-all's is the protocol; the summaries read no port class */
	ck_assert_uint_eq(c->config.prim_mask,
			  (1u << XDPD_F_SRC) | (1u << XDPD_F_DST) | (1u << XDPD_F_PROTO));
	for (uint32_t w = 0; w < c->config.nwords; w++)
		ck_assert_uint_ne(
		    c->words[(size_t)c->config.miss_class[XDPD_F_SRC] * c->config.nwords + w], 0);
	for (size_t i = 0; i + 1 < n; i += 6 * 37) {
		if (i % GEN_MIX_HOT_EVERY == 13)
			continue;
		snprintf(src, sizeof(src), "10.%zu.%zu.7", i >> 8 & 127, i & 255);
		k = mix_pkt(src, GEN_MIX_PORT(i), 0x10);
		expect_words(p, c, &k, (int)i, 1);
	}
	/* matched by no rule but the last one, which is in the last word */
	k = mix_pkt("100.64.0.1", 80, 0x10);
	expect_words(p, c, &k, (int)n - 1, 1);
	/* the hot group: the first accepts a SYN, an ACK walks to the last */
	k = mix_pkt("10.200.0.9", 80, GEN_MIX_SYN);
	expect_words(p, c, &k, 13, 1);
	k = mix_pkt("10.200.0.9", 80, 0x10);
	expect_words(p, c, &k, (int)hot_last, c->config.nwords);
	for (int i = 0; i < 2000; i++) {
		gen_packet(&g, p, &k);
		ck_assert_int_eq(cls_emul_match(c, &k), ref_match(p, &k));
	}
	compiled_policy_free(c);
	fx_policy_free(p);
}
END_TEST

/* The benchmark's kind of policy again: the classes of a packet's source and
 * port differ from their fields' miss rows only in the word of the rule
 * that names them, held inline (cls_spec), so the AND of a new flow's
 * candidate word reads no class row. */
START_TEST(spec_inline)
{
	const size_t n = 5000;
	static const enum xdpd_field named[] = {XDPD_F_SRC, XDPD_F_DPORT};
	struct policy *p = gen_mix_policy(n);
	struct compiled_policy *c = fx_compile(p);
	char src[32];

	check_tables(p, c);
	for (size_t i = 0; i + 1 < n; i += 6 * 37) {
		struct emul_pkt k;

		if (i % GEN_MIX_HOT_EVERY == 13)
			continue;
		snprintf(src, sizeof(src), "10.%zu.%zu.7", i >> 8 & 127, i & 255);
		k = mix_pkt(src, GEN_MIX_PORT(i), 0x10);
		for (size_t j = 0; j < sizeof(named) / sizeof(named[0]); j++) {
			const struct xdpd_cls_spec *s = &c->spec[cls_emul_class(c, &k, named[j])];

			ck_assert_uint_eq(s->full, 0);
			ck_assert(s->w[0] == i / 64 || s->w[1] == i / 64 || s->w[2] == i / 64);
		}
	}
	compiled_policy_free(c);
	fx_policy_free(p);
}
END_TEST

START_TEST(from_yaml)
{
	static const char yaml[] =
	    "version: 1\n"
	    "interfaces: [{name: t0}, {name: t1}, {name: t2}]\n"
	    "default_action: drop\n"
	    "rules:\n"
	    "  - {name: r0, action: pass, protocol: tcp, tcp_flags: 'syn,!ack',\n"
	    "     dst_port: [22, '8000-8999'], interfaces: [t1]}\n"
	    "  - {name: r1, action: drop, protocol: icmp, icmp_type: echo-request,\n"
	    "     src: [10.0.0.0/8, 192.0.2.0/24]}\n"
	    "  - {name: r2, action: drop, protocol: icmpv6, icmp_type: 128}\n"
	    "  - {name: r3, action: pass, src: [10.1.0.0/16, '2001:db8::/32'],\n"
	    "     dst: 0.0.0.0/0}\n"
	    "  - {name: r4, action: drop, protocol: udp, src_port: '0-1023',\n"
	    "     rate_limit: {pps: 10, per: source}}\n"
	    "  - {name: r5, action: pass, dst: '::/0'}\n";
	struct gen_rng g = {.s = 42};
	struct policy *p = NULL;
	struct compiled_policy *c;
	struct diag_list d;

	diag_init(&d, "test.yaml");
	ck_assert_int_eq(policy_load_buffer("test.yaml", yaml, sizeof(yaml) - 1, &p, &d), 0);
	diag_free(&d);
	c = fx_compile(p);
	ck_assert_uint_eq(c->rules[0].tcp_mask, 0x12);
	ck_assert_uint_eq(c->rules[0].tcp_value, 0x02);
	ck_assert_uint_eq(c->rules[4].flags, XDPD_RULE_F_RATE_LIMIT | XDPD_RULE_F_RL_PER_SRC);
	/* echo-request is type 8 for icmp and 128 for icmpv6; other types: open rules only */
	ck_assert_uint_ne(c->icmp_cls[8], c->config.miss_class[XDPD_F_ICMP]);
	ck_assert_uint_ne(c->icmp_cls[256 + 128], c->config.miss_class[XDPD_F_ICMP]);
	ck_assert_uint_eq(c->icmp_cls[256 + 8], c->config.miss_class[XDPD_F_ICMP]);
	ck_assert_uint_eq(c->icmp_cls[128], c->config.miss_class[XDPD_F_ICMP]);
	for (int i = 0; i < 3000; i++) {
		struct emul_pkt k;
		int want, got;

		gen_packet(&g, p, &k);
		want = ref_match(p, &k);
		got = cls_emul_match(c, &k);
		if (want != got)
			ck_abort_msg("packet %d: reference %d, compiled %d", i, want, got);
	}
	compiled_policy_free(c);
	policy_free(p);
}
END_TEST

static int no_slot(void *ctx, const char *name)
{
	return -ENOENT;
}

START_TEST(errors)
{
	struct policy *p = fx_policy_new(XDPD_MAX_RULES + 1);
	struct slot_lookup bad_rule = fx_slots, bad_iface = fx_slots;
	struct compiled_policy *c = (void *)1;
	char err[128];

	fx_rule_add(p);
	bad_rule.rule_slot = no_slot;
	ck_assert_int_eq(compile_policy(p, &bad_rule, fx_ifindex, NULL, &c, err, sizeof(err)),
			 -ENOENT);
	ck_assert_ptr_null(c);
	ck_assert_ptr_nonnull(strstr(err, "rule 'r0'"));
	bad_iface.iface_slot = no_slot;
	ck_assert_int_eq(compile_policy(p, &bad_iface, fx_ifindex, NULL, &c, err, sizeof(err)),
			 -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "interface 't0'"));
	snprintf(p->ifaces[1].name, sizeof(p->ifaces[1].name), "nosuch");
	ck_assert_int_eq(compile_policy(p, &fx_slots, fx_ifindex, NULL, &c, err, sizeof(err)),
			 -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "interface 'nosuch'"));
	while (p->n_rules <= XDPD_MAX_RULES)
		fx_rule_add(p);
	ck_assert_int_eq(compile_policy(p, &fx_slots, fx_ifindex, NULL, &c, err, sizeof(err)),
			 -E2BIG);
	ck_assert_ptr_null(c);
	fx_policy_free(p);
}
END_TEST

static Suite *compile_suite(void)
{
	Suite *s = suite_create("compile");
	TCase *t = tcase_create("targeted");
	TCase *r = tcase_create("random");

	tcase_add_test(t, nested_prefixes);
	tcase_add_test(t, default_routes);
	tcase_add_test(t, port_edges);
	tcase_add_test(t, empty_policy);
	tcase_add_test(t, unconditional_rule);
	tcase_add_test(t, many_rules);
	tcase_add_test(t, class_dedup);
	tcase_add_test(t, icmp_families);
	tcase_add_test(t, tcp_flags);
	tcase_add_test(t, interfaces);
	tcase_add_test(t, rule_info);
	tcase_add_test(t, direct_entries);
	tcase_add_test(t, errors);
	tcase_add_test(t, from_yaml);
	tcase_add_test(t, primary_field);
	tcase_add_test(t, pfx_lengths);
	tcase_add_test(t, pfx_buckets);
	tcase_add_test(t, mix_pruned);
	tcase_add_test(t, spec_inline);
	tcase_set_timeout(r, 120);
	tcase_add_test(r, random_small);
	tcase_add_test(r, random_direct);
	tcase_add_test(r, scan4_table);
	tcase_add_test(r, random_multiword);
	tcase_add_test(r, random_multisummary);
	suite_add_tcase(s, t);
	suite_add_tcase(s, r);
	return s;
}

int main(void)
{
	return check_run(compile_suite());
}
