// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The blocklist lookup index in the kernel (bpf/blocklist.h, filled by
 * daemon/blocklist_fast.c): for random sources, the verdict of the real
 * program equals a reference longest-prefix match over the same entries,
 * through overlapping adds and deletes; hit counters go to the longest
 * match; an expired longest match lets the packet through; an empty
 * blocklist, or one of the other family only, blocks nothing.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "blocklist_fast.h"
#include "netparse.h"
#include "prefix_ref.h"
#include "xdpd.skel.h"

#include "dp_harness.h"

#define POLICY "version: 1\ninterfaces:\n  - name: " DP_IF0 "\n"

#define MAXREF 512
static struct prefix ref[MAXREF];
static uint64_t ref_hits[MAXREF];
static size_t nref;

static int ref_match(int family, const uint8_t *a)
{
	return prefix_ref_match(ref, nref, family, a);
}

static void fmt(const struct prefix *p, char *buf, size_t len)
{
	ck_assert_int_eq(format_prefix(p, buf, len), 0);
}

static void block(struct dp *d, const struct prefix *p)
{
	char buf[64];

	for (size_t i = 0; i < nref; i++)
		if (ref[i].family == p->family && ref[i].len == p->len &&
		    !memcmp(ref[i].addr, p->addr, 16))
			return;
	fmt(p, buf, sizeof(buf));
	dp_block(d, buf, 0);
	ref_hits[nref] = 0;
	ref[nref++] = *p;
}

static void unblock(struct dp *d, size_t i)
{
	char buf[64];

	fmt(&ref[i], buf, sizeof(buf));
	dp_unblock(d, buf);
	ref[i] = ref[--nref];
	ref_hits[i] = ref_hits[nref];
}

static struct prefix rand_prefix(int family)
{
	static const int lens4[] = {0, 8, 12, 16, 20, 24, 25, 27, 29, 31, 32};
	static const int lens6[] = {16, 17, 24, 32, 33, 40, 48, 56, 64, 80, 96, 112, 127, 128};
	struct prefix p = {.family = (uint8_t)family};

	if (family == AF_INET) {
		p.addr[0] = 198;
		p.addr[1] = (uint8_t)(rand() % 2 + 18);
		p.addr[2] = (uint8_t)(rand() % 3);
		p.addr[3] = (uint8_t)rand();
		p.len = (uint8_t)lens4[1 + rand() % 10]; /* /0 has its own test */
	} else {
		uint8_t base[4] = {0x20, 0x01, 0x0d, (uint8_t)(0xb8 + rand() % 2)};

		memcpy(p.addr, base, 4);
		p.addr[5] = (uint8_t)(rand() % 3);
		p.addr[7] = (uint8_t)(rand() % 2);
		p.addr[15] = (uint8_t)(rand() % 4);
		p.len = (uint8_t)lens6[rand() % 14];
	}
	prefix_mask(&p);
	return p;
}

static void rand_source(int family, uint8_t *a)
{
	struct prefix p = rand_prefix(family);
	int bits = family == AF_INET ? 32 : 128;

	if (nref && rand() % 4) {
		const struct prefix *r = &ref[rand() % nref];

		if (r->family == family)
			p = *r;
	}
	memcpy(a, p.addr, 16);
	for (int i = p.len; i < bits; i++)
		if (rand() % 2)
			a[i / 8] |= (uint8_t)(0x80 >> (i & 7));
}

/* One frame from a: dropped exactly when the reference has a match. */
static void check_source(struct dp *d, int family, const uint8_t *a)
{
	char src[INET6_ADDRSTRLEN];
	const char *dst = family == AF_INET ? "192.0.2.1" : "2001:db8:ffff::1";
	struct frame_spec s = {
	    .src = src, .dst = dst, .proto = IPPROTO_UDP, .sport = 1, .dport = 2};
	uint8_t frame[FRAME_MAX];
	int len, want = ref_match(family, a), got;

	inet_ntop(family, a, src, sizeof(src));
	len = frame_build(&s, frame, sizeof(frame));
	ck_assert_int_gt(len, 0);
	got = dp_run(d, DP_IF0, frame, (size_t)len);
	if (got != (want >= 0 ? XDP_DROP : XDP_PASS)) {
		char w[64] = "none";

		if (want >= 0)
			fmt(&ref[want], w, sizeof(w));
		ck_abort_msg("source %s: verdict %d, want %s (longest match %s)", src, got,
			     want >= 0 ? "drop" : "pass", w);
	}
	if (want >= 0)
		ref_hits[want]++;
}

static void check_sources(struct dp *d, int n)
{
	uint8_t a[16];

	for (int i = 0; i < n; i++) {
		int family = rand() % 2 ? AF_INET : AF_INET6;

		memset(a, 0, sizeof(a));
		rand_source(family, a);
		check_source(d, family, a);
	}
}

static void check_hits(struct dp *d)
{
	char buf[64];

	for (size_t i = 0; i < nref; i++) {
		fmt(&ref[i], buf, sizeof(buf));
		ck_assert_msg(dp_block_hits(d, buf) == ref_hits[i], "%s: %llu hits, want %llu", buf,
			      (unsigned long long)dp_block_hits(d, buf),
			      (unsigned long long)ref_hits[i]);
	}
}

START_TEST(random_sources_match_reference)
{
	struct dp *d = dp_load(POLICY);

	srand(11 + (unsigned int)_i);
	nref = 0;
	for (int round = 0; round < 30; round++) {
		for (int i = 0; i < 8; i++) {
			struct prefix p = rand_prefix(rand() % 2 ? AF_INET : AF_INET6);

			block(d, &p);
		}
		for (int i = 0; i < 3 && nref; i++)
			unblock(d, (size_t)rand() % nref);
		check_sources(d, 60);
	}
	check_hits(d);
	while (nref)
		unblock(d, 0);
	check_sources(d, 100); /* all pass */
	dp_free(d);
}
END_TEST

static int verdict(struct dp *d, const char *src)
{
	const char *dst = strchr(src, ':') ? "2001:db8:ffff::1" : "192.0.2.1";
	struct frame_spec s = {
	    .src = src, .dst = dst, .proto = IPPROTO_UDP, .sport = 1, .dport = 2};
	uint8_t frame[FRAME_MAX];
	int len = frame_build(&s, frame, sizeof(frame));

	ck_assert_int_gt(len, 0);
	return dp_run(d, DP_IF0, frame, (size_t)len);
}

START_TEST(zero_length_and_hosts)
{
	struct dp *d = dp_load(POLICY);

	dp_block(d, "192.0.2.77/32", 0);
	dp_block(d, "2001:db8::77/128", 0);
	ck_assert_int_eq(verdict(d, "192.0.2.77"), XDP_DROP);
	ck_assert_int_eq(verdict(d, "192.0.2.78"), XDP_PASS);
	ck_assert_int_eq(verdict(d, "2001:db8::77"), XDP_DROP);
	ck_assert_int_eq(verdict(d, "2001:db8::76"), XDP_PASS);
	dp_block(d, "0.0.0.0/0", 0);
	ck_assert_int_eq(verdict(d, "203.0.113.1"), XDP_DROP);
	ck_assert_int_eq(verdict(d, "2001:db8::76"), XDP_PASS); /* the other family */
	dp_block(d, "::/0", 0);
	ck_assert_int_eq(verdict(d, "2001:db8::76"), XDP_DROP);
	ck_assert_uint_eq(dp_block_hits(d, "192.0.2.77/32"), 1);
	ck_assert_uint_eq(dp_block_hits(d, "0.0.0.0/0"), 1);
	ck_assert_uint_eq(dp_block_hits(d, "::/0"), 1);
	/* the total counts every drop so far, and keeps them when entries go */
	ck_assert_uint_eq(dp_blocklist_count(d).packets, 4);
	dp_unblock(d, "0.0.0.0/0");
	dp_unblock(d, "::/0");
	ck_assert_uint_eq(dp_blocklist_count(d).packets, 4);
	ck_assert_int_eq(verdict(d, "203.0.113.1"), XDP_PASS);
	ck_assert_int_eq(verdict(d, "192.0.2.77"), XDP_DROP);
	ck_assert_uint_eq(dp_blocklist_count(d).packets, 5);
	dp_free(d);
}
END_TEST

/* As with the LPM lookup it replaces, the longest match decides: when it has
 * expired (and is not reaped yet) the packet passes, even under a live
 * shorter entry. */
START_TEST(expired_longest_match_passes)
{
	struct dp *d = dp_load(POLICY);

	dp_block(d, "198.18.0.0/16", 0);
	dp_block(d, "198.18.1.0/28", -1000000000LL);
	dp_block(d, "2001:db8::/32", 0);
	dp_block(d, "2001:db8:1::/64", -1000000000LL);
	ck_assert_int_eq(verdict(d, "198.18.1.1"), XDP_PASS);
	ck_assert_int_eq(verdict(d, "198.18.1.17"), XDP_DROP);
	ck_assert_int_eq(verdict(d, "2001:db8:1::1"), XDP_PASS);
	ck_assert_int_eq(verdict(d, "2001:db8:2::1"), XDP_DROP);
	ck_assert_uint_eq(dp_block_hits(d, "198.18.1.0/28"), 0);
	dp_free(d);
}
END_TEST

/* The /24 entry of 198.18.7.0 as the datapath sees it. */
static struct blf_top4 top_of_198_18_7(struct dp *d)
{
	uint32_t b = 198u << 16 | 18u << 8 | 7u, el = b / BLF_LINE4;
	struct blf_line4 line;

	ck_assert_int_eq(bpf_map__lookup_elem(d->skel->maps.bl4_top, &el, sizeof(el), &line,
					      sizeof(line), 0),
			 0);
	return line.b[b % BLF_LINE4];
}

/* A hit under a prefix without expiry is counted in the /24 entry the
 * lookup just read (no second, dependent read of bl_rec); with an expiry,
 * in bl_rec next to it. Either way the entry's count is the sum. */
START_TEST(hits_counted_in_the_entry_without_ttl)
{
	struct dp *d = dp_load(POLICY);
	struct blf_top4 t;

	dp_block(d, "198.18.0.0/16", 0);
	dp_block(d, "198.18.7.9/32", 0);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(verdict(d, "198.18.7.1"), XDP_DROP);
	ck_assert_int_eq(verdict(d, "198.18.7.9"), XDP_DROP);
	t = top_of_198_18_7(d);
	ck_assert(!(t.w & BLF_T4_REC));
	ck_assert_uint_eq(t.pk[0], 3);
	ck_assert_uint_eq(t.pk[1], 1);
	ck_assert_uint_eq(dp_block_hits(d, "198.18.0.0/16"), 3);
	ck_assert_uint_eq(dp_block_hits(d, "198.18.7.9/32"), 1);
	dp_block(d, "198.18.7.9/32", 3600LL * 1000000000LL); /* a ttl: bl_rec */
	ck_assert_int_eq(verdict(d, "198.18.7.9"), XDP_DROP);
	ck_assert_int_eq(verdict(d, "198.18.7.2"), XDP_DROP);
	t = top_of_198_18_7(d);
	ck_assert((t.w & BLF_T4_REC) && t.pk[0] == 0 && t.pk[1] == 0);
	ck_assert_uint_eq(dp_block_hits(d, "198.18.7.9/32"), 2);
	ck_assert_uint_eq(dp_block_hits(d, "198.18.0.0/16"), 4);
	dp_free(d);
}
END_TEST

/* The bl6_home line of 2001:db8::/32 as the datapath sees it (alt: the
 * other line of its pair). */
static struct blf_home6 home_of_2001_db8(struct dp *d, int alt)
{
	uint8_t a[4] = {0x20, 0x01, 0x0d, 0xb8};
	struct blf_home6 l;
	uint32_t k, h;

	memcpy(&k, a, 4);
	h = blf_home6_idx(k) ^ (alt ? 1 : 0);
	ck_assert_int_eq(bpf_map__lookup_elem(d->skel->maps.bl6_home, &h, sizeof(h), &l, sizeof(l),
					      0),
			 0);
	return l;
}

/* A source under a /32 bucket is judged from its bl6_home line, whose
 * counters take the hits of prefixes without expiry; a /32 that shares
 * the line takes the other line of the pair, and one more is judged
 * through bl6_mid and counted in bl_rec. */
START_TEST(v6_home_line_and_overflow)
{
	struct dp *d = dp_load(POLICY);
	char other[64], third[64], src[64], src3[64];
	struct blf_home6 l;

	ck_assert_int_eq(prefix_ref_colliding_48(other, sizeof(other), 0), 0);
	ck_assert_int_eq(prefix_ref_colliding_48(third, sizeof(third), 1), 0);
	dp_block(d, "2001:db8:0:1::/64", 0);
	dp_block(d, other, 0);
	dp_block(d, third, 0);
	ck_assert_int_eq(verdict(d, "2001:db8:0:1::9"), XDP_DROP);
	ck_assert_int_eq(verdict(d, "2001:db8:0:2::9"), XDP_PASS);
	snprintf(src, sizeof(src), "%.*s9", (int)(strlen(other) - 3), other); /* "...::9" */
	snprintf(src3, sizeof(src3), "%.*s9", (int)(strlen(third) - 3), third);
	ck_assert_int_eq(verdict(d, src), XDP_DROP);
	ck_assert_int_eq(verdict(d, src), XDP_DROP);
	ck_assert_int_eq(verdict(d, src3), XDP_DROP);
	src3[strlen(src3) - 4] ^= 1; /* another /48 of the third /32 */
	ck_assert_int_eq(verdict(d, src3), XDP_PASS);
	src3[strlen(src3) - 4] ^= 1;
	l = home_of_2001_db8(d, 0);
	ck_assert((l.flags & BLF_H6_VALID) && (l.flags & BLF_H6_OVF) && (l.flags & BLF_H6_ALT));
	ck_assert_uint_eq(l.pk[1], 1);
	l = home_of_2001_db8(d, 1); /* the other line: the second /32's hits */
	ck_assert(l.flags & BLF_H6_VALID);
	ck_assert_uint_eq(l.pk[1], 2);
	ck_assert_uint_eq(dp_block_hits(d, "2001:db8:0:1::/64"), 1);
	ck_assert_uint_eq(dp_block_hits(d, other), 2);
	ck_assert_uint_eq(dp_block_hits(d, third), 1);
	dp_unblock(d, "2001:db8:0:1::/64"); /* the line is free: the others still found */
	ck_assert_int_eq(verdict(d, src), XDP_DROP);
	ck_assert_int_eq(verdict(d, src3), XDP_DROP);
	ck_assert_int_eq(verdict(d, "2001:db8:0:1::9"), XDP_PASS);
	ck_assert_uint_eq(dp_block_hits(d, other), 3);
	ck_assert_uint_eq(dp_block_hits(d, third), 2);
	dp_free(d);
}
END_TEST

/* With no entry of a family the program never reads the index: a corrupt
 * top array would not matter. Proven by writing garbage there (and clearing
 * the /24's bl4_none bit, which would otherwise answer first). */
START_TEST(empty_family_skips_lookup)
{
	struct dp *d = dp_load(POLICY);
	struct bpf_map *top;
	uint32_t b = 198u << 16 | 51u << 8 | 100u, el = b / BLF_LINE4, nel = b / BLF_NONE_EL;
	struct blf_line4 line;
	struct blf_bits none = {0};

	dp_block(d, "2001:db8::/32", 0); /* the index exists, IPv4 is empty */
	top = d->skel->maps.bl4_top;
	for (int i = 0; i < BLF_LINE4; i++)
		line.b[i] = (struct blf_top4){.w = 1}; /* slot 0: the IPv6 entry */
	ck_assert_int_eq(bpf_map__update_elem(top, &el, sizeof(el), &line, sizeof(line), 0), 0);
	ck_assert_int_eq(bpf_map__update_elem(d->skel->maps.bl4_none, &nel, sizeof(nel), &none,
					      sizeof(none), 0),
			 0);
	ck_assert_int_eq(verdict(d, "198.51.100.1"), XDP_PASS);
	dp_block(d, "203.0.113.0/24", 0); /* now IPv4 counts: the garbage is read */
	ck_assert_int_eq(verdict(d, "198.51.100.1"), XDP_DROP);
	dp_free(d);
}
END_TEST

/* Sets bit i of a "known empty" map (bl4_none, bl6_none) by hand. */
static void mark_none(struct bpf_map *m, uint32_t i)
{
	uint32_t el = i / BLF_NONE_EL;
	struct blf_bits b;

	ck_assert_int_eq(bpf_map__lookup_elem(m, &el, sizeof(el), &b, sizeof(b), 0), 0);
	b.w[(i / 64) % (BLF_NONE_EL / 64)] |= 1ULL << (i % 64);
	ck_assert_int_eq(bpf_map__update_elem(m, &el, sizeof(el), &b, sizeof(b), 0), 0);
}

/* The program asks the "known empty" bits before the big tables: a bit the
 * daemon sets wrongly by hand makes blocked sources pass (which is why the
 * daemon never does: blocklist_abi.h), and only theirs. */
START_TEST(known_empty_bits_answer_first)
{
	struct dp *d = dp_load(POLICY);
	uint8_t a[4] = {0x20, 0x01, 0x0d, 0xb8};
	uint32_t k;

	dp_block(d, "203.0.113.0/24", 0);
	dp_block(d, "198.51.100.0/24", 0);
	dp_block(d, "2001:db8::/32", 0);
	dp_block(d, "2001:db9::/32", 0);
	ck_assert_int_eq(verdict(d, "203.0.113.9"), XDP_DROP);
	ck_assert_int_eq(verdict(d, "2001:db8::9"), XDP_DROP);
	mark_none(d->skel->maps.bl4_none, 203u << 16 | 0u << 8 | 113u);
	memcpy(&k, a, 4);
	mark_none(d->skel->maps.bl6_none, blf_home6_idx(k));
	ck_assert_int_eq(verdict(d, "203.0.113.9"), XDP_PASS);
	ck_assert_int_eq(verdict(d, "198.51.100.9"), XDP_DROP);
	ck_assert_int_eq(verdict(d, "2001:db8::9"), XDP_PASS);
	ck_assert_int_eq(verdict(d, "2001:db9::9"), XDP_DROP);
	dp_free(d);
}
END_TEST

/* How many CPUs' bl_memo slots hold an answer for source (hi, lo). */
static int memo_holds(struct dp *d, uint32_t fam, uint64_t hi, uint64_t lo)
{
	int ncpu = libbpf_num_possible_cpus(), n = 0;
	struct blf_memo_slot *v = calloc((size_t)ncpu, sizeof(*v));

	ck_assert_ptr_nonnull(v);
	for (uint32_t i = 0; i < 1u << BLF_MEMO_BITS; i++) {
		ck_assert_int_eq(bpf_map__lookup_elem(d->skel->maps.bl_memo, &i, sizeof(i), v,
						      (size_t)ncpu * sizeof(*v), 0),
				 0);
		for (int c = 0; c < ncpu; c++)
			n += v[c].fam == fam && v[c].hi == hi && v[c].lo == lo;
	}
	free(v);
	return n;
}

static uint64_t bl_gen_of(struct dp *d)
{
	struct blf_gen g;
	uint32_t zero = 0;

	ck_assert_int_eq(bpf_map__lookup_elem(d->skel->maps.bl_gen, &zero, sizeof(zero), &g,
					      sizeof(g), 0),
			 0);
	return g.gen;
}

/* Sources whose verdict takes a hash probe (a /24 or a /32 with several
 * longer prefixes) are answered from the per-CPU memo after their first
 * packet, and never with an answer from before a change: a deleted entry,
 * a freed slot handed to another prefix, a new longer match. The hits
 * still go to the matching entry, packet by packet. */
START_TEST(slow_path_memo_follows_changes)
{
	struct dp *d = dp_load(POLICY);
	uint64_t g0;

	dp_block(d, "198.18.9.1/32", 0);
	dp_block(d, "198.18.9.2/32", 0); /* two longer prefixes: bl4_long */
	dp_block(d, "2001:db8:5::1/128", 0);
	dp_block(d, "2001:db8:5::2/128", 0); /* two under the /32: bl6_mid */
	ck_assert_int_eq(verdict(d, "198.18.9.1"), XDP_DROP);
	ck_assert_int_eq(verdict(d, "2001:db8:5::1"), XDP_DROP);
	ck_assert_int_eq(memo_holds(d, 4, 0xc6120901, 0), 1);
	ck_assert_int_eq(memo_holds(d, 6, 0x20010db800050000ULL, 1), 1);
	ck_assert_int_eq(verdict(d, "198.18.9.1"), XDP_DROP);
	ck_assert_int_eq(verdict(d, "2001:db8:5::1"), XDP_DROP);
	ck_assert_uint_eq(dp_block_hits(d, "198.18.9.1/32"), 2);
	ck_assert_uint_eq(dp_block_hits(d, "2001:db8:5::1/128"), 2);
	ck_assert_int_eq(verdict(d, "198.18.9.3"), XDP_PASS);
	ck_assert_int_eq(verdict(d, "2001:db8:5::3"), XDP_PASS);

	g0 = bl_gen_of(d);
	dp_unblock(d, "198.18.9.1/32");
	dp_unblock(d, "2001:db8:5::1/128");
	ck_assert_uint_gt(bl_gen_of(d), g0);
	ck_assert_int_eq(verdict(d, "198.18.9.1"), XDP_PASS);
	ck_assert_int_eq(verdict(d, "2001:db8:5::1"), XDP_PASS);
	/* the freed slots go to new prefixes: the old sources still pass */
	dp_block(d, "198.18.9.3/32", 0);
	dp_block(d, "2001:db8:5::3/128", 0);
	ck_assert_int_eq(verdict(d, "198.18.9.1"), XDP_PASS);
	ck_assert_int_eq(verdict(d, "2001:db8:5::1"), XDP_PASS);
	ck_assert_int_eq(verdict(d, "198.18.9.3"), XDP_DROP);
	ck_assert_int_eq(verdict(d, "2001:db8:5::3"), XDP_DROP);
	/* a new longer match takes over from the answer "none" */
	dp_block(d, "198.18.9.0/31", 0);
	dp_block(d, "2001:db8:5::/126", 0);
	ck_assert_int_eq(verdict(d, "198.18.9.1"), XDP_DROP);
	ck_assert_int_eq(verdict(d, "2001:db8:5::1"), XDP_DROP);
	ck_assert_uint_eq(dp_block_hits(d, "198.18.9.0/31"), 1);
	ck_assert_uint_eq(dp_block_hits(d, "2001:db8:5::/126"), 1);
	ck_assert_uint_eq(dp_block_hits(d, "198.18.9.3/32"), 1);
	ck_assert_uint_eq(dp_block_hits(d, "2001:db8:5::3/128"), 1);
	dp_free(d);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("blocklist");
	TCase *tc = tcase_create("kernel");

	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, random_sources_match_reference, 0, 3);
	tcase_add_test(tc, zero_length_and_hosts);
	tcase_add_test(tc, expired_longest_match_passes);
	tcase_add_test(tc, empty_family_skips_lookup);
	tcase_add_test(tc, known_empty_bits_answer_first);
	tcase_add_test(tc, hits_counted_in_the_entry_without_ttl);
	tcase_add_test(tc, v6_home_line_and_overflow);
	tcase_add_test(tc, slow_path_memo_follows_changes);
	suite_add_tcase(s, tc);
	return dp_test_main("test_blocklist", srunner_create(s));
}
