// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daemon/blocklist_fast.c: the blocklist lookup index, on the in-memory
 * store, against a reference longest-prefix match (a scan of the entries):
 * overlapping adds and deletes in any order, /0, /32, /128, lengths on both
 * sides of every level boundary (24/25 for IPv4, 16/17 and 32/33 for IPv6),
 * a full hash map, adoption of a store by a new index, the known-empty
 * bits read first (as the datapath reads them), and nothing left behind
 * once every entry is gone.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "blocklist_fast.h"
#include "blocklist_fast_hook.h"
#include "blocklist_index.h"
#include "prefix_ref.h"

#define EXPECT(cond)                                                                               \
	do {                                                                                       \
		if (!(cond))                                                                       \
			ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #cond);                      \
	} while (0)

/* ---- the reference: a plain list of prefixes ---- */

#define MAXREF 4096
static struct prefix ref[MAXREF];
static size_t nref;

static int ref_match(int family, const uint8_t *a)
{
	return prefix_ref_match(ref, nref, family, a);
}

static int ref_find(const struct prefix *p)
{
	for (size_t i = 0; i < nref; i++)
		if (ref[i].family == p->family && ref[i].len == p->len &&
		    !memcmp(ref[i].addr, p->addr, 16))
			return (int)i;
	return -1;
}

static struct prefix pfx(const char *s)
{
	struct prefix p;

	/* host bits allowed: "2001:db8::/16" reads as 2001::/16 */
	ck_assert_msg(parse_prefix_raw(s, &p) == 0, "bad prefix %s", s);
	prefix_mask(&p);
	return p;
}

static struct blf_store st;
static struct blf *f;

static void setup(void)
{
	ck_assert_int_eq(blf_mem_store(&st), 0);
	ck_assert_int_eq(blf_new(&st, &f), 0);
	nref = 0;
}

static void teardown(void)
{
	blf_free(f);
	blf_mem_store_free(&st);
}

static void add(const struct prefix *p)
{
	int r = blf_add(f, p, 0);

	EXPECT(r == 0);
	if (ref_find(p) < 0)
		ref[nref++] = *p;
}

static void del(const struct prefix *p)
{
	int i = ref_find(p);

	EXPECT(blf_del(f, p) == (i < 0 ? -ENOENT : 0));
	if (i >= 0)
		ref[i] = ref[--nref];
}

/* The index and the reference name the same prefix for address a. */
static void check_addr(int family, const uint8_t *a)
{
	uint32_t s1 = blf_match(f, family, a);
	int want = ref_match(family, a);
	struct prefix got;

	if (want < 0) {
		EXPECT(s1 == 0);
		return;
	}
	EXPECT(s1 != 0);
	EXPECT(blf_slot_prefix(f, s1 - 1, &got) == 0);
	EXPECT(got.len == ref[want].len && !memcmp(got.addr, ref[want].addr, 16));
}

static void check_str(const char *addr, const char *want)
{
	uint8_t a[16] = {0};
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	uint32_t s1;
	struct prefix got, w;

	ck_assert_int_eq(inet_pton(family, addr, a), 1);
	s1 = blf_match(f, family, a);
	if (!want) {
		ck_assert_msg(s1 == 0, "%s: matched, want no match", addr);
		return;
	}
	w = pfx(want);
	ck_assert_msg(s1 != 0, "%s: no match, want %s", addr, want);
	ck_assert_int_eq(blf_slot_prefix(f, s1 - 1, &got), 0);
	ck_assert_msg(got.len == w.len && !memcmp(got.addr, w.addr, 16), "%s: wrong match, want %s",
		      addr, want);
}

/* bl4_none and bl6_none name exactly the empty entries: a set bit on a
 * non-empty one would hide its prefixes from the datapath, a clear bit on
 * an empty one costs a read of the big table. */
static void check_none_bits(void)
{
	for (uint32_t b = 0; b < 1u << BLF_T4_BITS; b++)
		if ((st.none4[b / 64] >> (b % 64) & 1) != (st.top4[b].w == 0))
			ck_abort_msg("bl4_none bit of /24 %u.%u.%u.0 is wrong (word %#llx)", b >> 16,
				     (b >> 8) & 0xff, b & 0xff, (unsigned long long)st.top4[b].w);
	for (uint32_t h = 0; h < 1u << BLF_H6_BITS; h++)
		if ((st.none6[h / 64] >> (h % 64) & 1) != (st.home6[h].flags == 0))
			ck_abort_msg("bl6_none bit of line %u is wrong (flags %#x)", h,
				     st.home6[h].flags);
}

/* Nothing of the index is left once it is empty. */
static void check_empty(void)
{
	check_none_bits(); /* every bit set */
	for (uint32_t i = 0; i < 1u << BLF_T4_BITS; i++)
		EXPECT(st.top4[i].w == 0 && st.top4[i].pk[0] == 0 && st.top4[i].pk[1] == 0);
	for (uint32_t i = 0; i < 1u << BLF_T6_BITS; i++)
		EXPECT(st.top6[i] == 0);
	for (uint32_t i = 0; i < 1u << BLF_H6_BITS; i++)
		EXPECT(st.home6[i].flags == 0 && st.home6[i].key == 0 && st.home6[i].pk[0] == 0 &&
		       st.home6[i].pk[1] == 0);
	for (int m = 0; m < BLF_NHMAPS; m++)
		EXPECT(blf_mem_store_size(&st, m) == 0);
	EXPECT(st.count[0] == 0 && st.count[1] == 0);
	EXPECT(blf_count(f) == 0);
}

START_TEST(overlaps_v4)
{
	struct prefix all = pfx("0.0.0.0/0"), p8 = pfx("10.0.0.0/8"), p24 = pfx("10.1.2.0/24"),
		      p25 = pfx("10.1.2.128/25"), h = pfx("10.1.2.200/32"),
		      p20 = pfx("10.1.0.0/20");

	add(&p24);
	add(&all);
	add(&h);
	add(&p8);
	add(&p25);
	add(&p20);
	check_str("10.1.2.200", "10.1.2.200/32");
	check_str("10.1.2.201", "10.1.2.128/25");
	check_str("10.1.2.1", "10.1.2.0/24");
	check_str("10.1.3.1", "10.1.0.0/20");
	check_str("10.2.0.1", "10.0.0.0/8");
	check_str("192.0.2.1", "0.0.0.0/0");
	del(&p24); /* the /20 takes its buckets back, the longer ones stay */
	check_str("10.1.2.1", "10.1.0.0/20");
	check_str("10.1.2.201", "10.1.2.128/25");
	del(&p25);
	check_str("10.1.2.201", "10.1.0.0/20");
	check_str("10.1.2.200", "10.1.2.200/32");
	del(&p20);
	del(&p8);
	check_str("10.1.2.1", "0.0.0.0/0");
	del(&all);
	check_str("10.1.2.1", NULL);
	check_str("10.1.2.200", "10.1.2.200/32");
	del(&h);
	check_str("10.1.2.200", NULL);
	check_empty();
}
END_TEST

START_TEST(overlaps_v6)
{
	const char *list[] = {"::/0",
			      "2001:db8::/16",
			      "2001:db8::/17",
			      "2001:db8::/32",
			      "2001:db8::/33",
			      "2001:db8:1::/48",
			      "2001:db8:1:2::/64",
			      "2001:db8:1:2::1/128",
			      "2001:db8:8000::/30"};
	struct prefix p[9];

	for (int i = 0; i < 9; i++) {
		p[i] = pfx(list[i]);
		add(&p[i]);
	}
	check_str("2001:db8:1:2::1", "2001:db8:1:2::1/128");
	check_str("2001:db8:1:2::2", "2001:db8:1:2::/64");
	check_str("2001:db8:1:3::2", "2001:db8:1::/48");
	check_str("2001:db8:2::", "2001:db8::/33");
	check_str("2001:db8:8000::", "2001:db8::/32");
	check_str("2001:db9::", "2001:db8::/30");
	check_str("2001:dbc::", "2001:db8::/17");
	check_str("2001:ffff::", "2001:db8::/16");
	check_str("2002::", "::/0");
	del(&p[3]); /* the /32: its /32 bucket falls back to the /30 */
	check_str("2001:db8:8000::", "2001:db8::/30");
	check_str("2001:db8:1:2::1", "2001:db8:1:2::1/128");
	del(&p[8]);
	check_str("2001:db8:8000::", "2001:db8::/17");
	del(&p[2]);
	del(&p[1]);
	check_str("2001:db8:8000::", "::/0");
	del(&p[7]);
	check_str("2001:db8:1:2::1", "2001:db8:1:2::/64");
	for (int i = 0; i < 9; i++)
		del(&p[i]);
	check_empty();
}
END_TEST

/* A prefix drawn so that overlaps are the rule: a few base networks, every
 * length, host bits from a small set. */
static struct prefix rand_prefix(int family)
{
	struct prefix p = {.family = (uint8_t)family};
	int bits = family == AF_INET ? 32 : 128;
	static const int lens4[] = {0, 8, 15, 16, 20, 23, 24, 25, 26, 28, 30, 31, 32};
	static const int lens6[] = {0,	12, 16, 17, 20, 24, 31,	 32,
				    33, 40, 48, 56, 64, 96, 127, 128};

	if (family == AF_INET) {
		uint8_t base[4] = {10, (uint8_t)(rand() % 2), (uint8_t)(rand() % 3), 0};

		memcpy(p.addr, base, 4);
		p.addr[3] = (uint8_t)(rand() % 4 * 64 + rand() % 3);
		p.len = (uint8_t)lens4[rand() % (sizeof(lens4) / sizeof(lens4[0]))];
	} else {
		uint8_t base[16] = {0x20, 0x01, 0x0d, (uint8_t)(0xb8 + rand() % 2)};

		memcpy(p.addr, base, 16);
		p.addr[4] = (uint8_t)(rand() % 2 * 0x80);
		p.addr[6] = (uint8_t)(rand() % 3);
		p.addr[15] = (uint8_t)(rand() % 3);
		p.len = (uint8_t)lens6[rand() % (sizeof(lens6) / sizeof(lens6[0]))];
	}
	prefix_mask(&p);
	(void)bits;
	return p;
}

/* An address inside a random entry (host bits random), or near them. */
static void rand_addr(int family, uint8_t *a)
{
	struct prefix p = rand_prefix(family);

	if (nref && rand() % 4) {
		p = ref[rand() % nref];
		if (p.family != family)
			p = rand_prefix(family);
	}
	memcpy(a, p.addr, 16);
	for (int i = p.len; i < (family == AF_INET ? 32 : 128); i++)
		if (rand() % 2)
			a[i / 8] |= (uint8_t)(0x80 >> (i & 7));
	if (family == AF_INET)
		memset(a + 4, 0, 12);
}

static void check_random_addrs(int n)
{
	uint8_t a[16];

	for (int i = 0; i < n; i++) {
		int family = rand() % 2 ? AF_INET : AF_INET6;

		rand_addr(family, a);
		check_addr(family, a);
	}
}

START_TEST(random_churn_matches_reference)
{
	srand(7 + (unsigned int)_i);
	for (int op = 0; op < 3000; op++) {
		struct prefix p = rand_prefix(rand() % 2 ? AF_INET : AF_INET6);

		if (rand() % 3 || !nref)
			add(&p);
		else
			del(rand() % 2 ? &ref[rand() % nref] : &p);
		check_random_addrs(20);
	}
	check_none_bits();
	/* a new index adopting the same store answers the same, and can delete */
	blf_free(f);
	ck_assert_int_eq(blf_new(&st, &f), 0);
	EXPECT(blf_count(f) == nref);
	check_random_addrs(2000);
	check_none_bits();
	/* and one whose "known empty" bits are new maps, all clear (an upgrade
	 * from a daemon without them) sets them from the slot table and lines */
	blf_free(f);
	memset(st.none4, 0, (1u << BLF_T4_BITS) / 8);
	memset(st.none6, 0, (1u << BLF_H6_BITS) / 8);
	ck_assert_int_eq(blf_new(&st, &f), 0);
	check_none_bits();
	check_random_addrs(2000);
	/* and one whose bl4_top was replaced by an empty one (the pin of an
	 * older layout, datapath_load.c) paints it again from the slot table */
	blf_free(f);
	memset(st.top4, 0, sizeof(*st.top4) << BLF_T4_BITS);
	ck_assert_int_eq(blf_new(&st, &f), 0);
	check_random_addrs(2000);
	/* and one with a new, empty bl6_home: the /32s take their lines again */
	blf_free(f);
	memset(st.home6, 0, sizeof(*st.home6) << BLF_H6_BITS);
	ck_assert_int_eq(blf_new(&st, &f), 0);
	check_random_addrs(2000);
	while (nref) {
		struct prefix p = ref[rand() % nref];

		del(&p);
		check_random_addrs(5);
	}
	check_empty();
}
END_TEST

START_TEST(hosts_and_zero)
{
	struct prefix h4 = pfx("192.0.2.7/32"), h6 = pfx("2001:db8::7/128"), z4 = pfx("0.0.0.0/0"),
		      z6 = pfx("::/0");

	add(&h4);
	add(&h6);
	check_str("192.0.2.7", "192.0.2.7/32");
	check_str("192.0.2.6", NULL);
	check_str("2001:db8::7", "2001:db8::7/128");
	check_str("2001:db8::6", NULL);
	add(&z4);
	add(&z6);
	check_str("192.0.2.6", "0.0.0.0/0");
	check_str("255.255.255.255", "0.0.0.0/0");
	check_str("ffff::", "::/0");
	check_str("2001:db8::7", "2001:db8::7/128");
	del(&h4);
	del(&h6);
	check_str("192.0.2.7", "0.0.0.0/0");
	check_str("2001:db8::7", "::/0");
	del(&z4);
	del(&z6);
	check_empty();
}
END_TEST

START_TEST(expiry_and_hits_kept)
{
	struct prefix p = pfx("198.51.100.0/24");
	struct blf_rec r;
	uint32_t s1;
	uint8_t a[16] = {198, 51, 100, 9};

	ck_assert_int_eq(blf_add(f, &p, 1000), 0);
	s1 = blf_match(f, AF_INET, a);
	ck_assert_uint_ne(s1, 0);
	st.rec[s1 - 1].packets = 5; /* what the datapath would have counted */
	ck_assert_int_eq(blf_add(f, &p, 2000), 0);
	ck_assert_int_eq(blf_get(f, &p, &r), 0);
	ck_assert_uint_eq(r.expires_ns, 2000);
	ck_assert_uint_eq(r.packets, 5);
	ck_assert_uint_eq(blf_count(f), 1);
	ck_assert_int_eq(blf_del(f, &p), 0);
	ck_assert_int_eq(blf_get(f, &p, &r), -ENOENT);
	ck_assert_int_eq(blf_del(f, &p), -ENOENT);
	/* a host prefix (decided by its /24's inline entry) keeps them too */
	struct prefix h = pfx("198.51.100.7/32");
	uint8_t ha[16] = {198, 51, 100, 7};

	ck_assert_int_eq(blf_add(f, &h, 1000), 0);
	s1 = blf_match(f, AF_INET, ha);
	ck_assert_uint_ne(s1, 0);
	st.rec[s1 - 1].packets = 7;
	ck_assert_int_eq(blf_add(f, &h, 3000), 0);
	ck_assert_int_eq(blf_get(f, &h, &r), 0);
	ck_assert_uint_eq(r.expires_ns, 3000);
	ck_assert_uint_eq(r.packets, 7);
	ck_assert_int_eq(blf_del(f, &h), 0);
	/* a slot handed out again starts from zero hits */
	ck_assert_int_eq(blf_add(f, &p, 0), 0);
	ck_assert_int_eq(blf_get(f, &p, &r), 0);
	ck_assert_uint_eq(r.packets, 0);
}
END_TEST

START_TEST(full_map_leaves_index_unchanged)
{
	struct prefix a = pfx("2001:db8:1::/48"), b = pfx("2001:db8:2::/48"),
		      wide = pfx("2001:db8::/20"), h4 = pfx("10.0.0.1/32"),
		      h4b = pfx("10.0.0.2/32");

	add(&a);
	blf_mem_store_limit(&st, BLF_H_MID6, 2); /* 2001:db8:1::/48 holds one */
	ck_assert_int_eq(blf_add(f, &b, 0), 0);	 /* same /32 bucket: fits */
	ref[nref++] = b;
	/* a /20 needs 4096 /32 buckets: refused, and none of it stays */
	ck_assert_int_eq(blf_add(f, &wide, 0), -ENOSPC);
	check_str("2001:db8:1::1", "2001:db8:1::/48");
	check_str("2001:db8:3::1", NULL);
	check_str("2001:db9::1", NULL);
	ck_assert_uint_eq(blf_count(f), 2);
	blf_mem_store_limit(&st, BLF_H_LONG4, 1);
	add(&h4);
	ck_assert_int_eq(blf_add(f, &h4b, 0), -ENOSPC);
	check_str("10.0.0.2", NULL);
	check_str("10.0.0.1", "10.0.0.1/32");
	blf_mem_store_limit(&st, BLF_H_MID6, 0);
	blf_mem_store_limit(&st, BLF_H_LONG4, 0);
	add(&wide);
	check_str("2001:db9::1", "2001:db8::/20");
	del(&wide);
	del(&a);
	del(&b);
	del(&h4);
	check_empty();
}
END_TEST

/* bl_gen moves after every change the datapath's memo could have answered
 * from (blocklist_abi.h), including a refused add whose steps were undone
 * and an adoption; a new expiry alone, which the datapath reads from the
 * record at every hit, leaves it. */
START_TEST(generation_follows_changes)
{
	struct prefix a = pfx("198.18.9.1/32"), b = pfx("2001:db8:5::1/128"),
		      c = pfx("198.18.9.2/32");
	struct blf *again;
	uint64_t g = *st.gen;

	add(&a);
	ck_assert_uint_gt(*st.gen, g);
	g = *st.gen;
	add(&b);
	ck_assert_uint_gt(*st.gen, g);
	g = *st.gen;
	ck_assert_int_eq(blf_add(f, &a, 5000000000ULL), 0); /* its expiry only */
	ck_assert_uint_eq(*st.gen, g);
	blf_mem_store_limit(&st, BLF_H_LONG4, 1);
	ck_assert_int_eq(blf_add(f, &c, 0), -ENOSPC);
	ck_assert_uint_gt(*st.gen, g);
	blf_mem_store_limit(&st, BLF_H_LONG4, 0);
	g = *st.gen;
	del(&b);
	ck_assert_uint_gt(*st.gen, g);
	g = *st.gen;
	ck_assert_int_eq(blf_new(&st, &again), 0); /* a new daemon adopts the maps */
	ck_assert_uint_gt(*st.gen, g);
	blf_free(again);
	del(&a);
	check_empty();
}
END_TEST

static struct bl_key bl_key_of(const struct prefix *p)
{
	struct bl_key k = {.prefixlen = p->len};

	memcpy(k.addr, p->addr, p->family == AF_INET ? 4 : 16);
	return k;
}

/* A new daemon makes the index equal to the record maps' keys: entries it
 * lacks (added by a writer that died, or a tool that wrote the records) are
 * added with their expiry, entries the records lost are deleted, and the
 * hit count of an entry present on both sides is kept. */
START_TEST(reconcile_with_records)
{
	struct prefix keep = pfx("198.51.100.0/24"), stale = pfx("203.0.113.0/24"),
		      missing = pfx("2001:db8::/48"), host = pfx("192.0.2.1/32");
	struct bl_index idx;
	struct bl_key k;
	struct blf_rec rec;

	add(&keep);
	add(&stale);
	add(&host);
	st.rec[blf_match(f, AF_INET, keep.addr) - 1].packets = 9;
	bl_index_init(&idx);
	k = bl_key_of(&keep);
	ck_assert_int_eq(bl_index_put(&idx, 0, &k, 0), 0);
	k = bl_key_of(&host);
	ck_assert_int_eq(bl_index_put(&idx, 0, &k, 777), 0);
	k = bl_key_of(&missing);
	ck_assert_int_eq(bl_index_put(&idx, 1, &k, 555), 0);
	ck_assert_int_eq(blf_hook_reconcile(f, &idx), 0);
	ck_assert_uint_eq(blf_count(f), 3);
	ck_assert_int_eq(blf_get(f, &stale, &rec), -ENOENT);
	ck_assert_int_eq(blf_get(f, &keep, &rec), 0);
	ck_assert_uint_eq(rec.packets, 9);
	ck_assert_int_eq(blf_get(f, &host, &rec), 0);
	ck_assert_uint_eq(rec.expires_ns, 777);
	ck_assert_int_eq(blf_get(f, &missing, &rec), 0);
	ck_assert_uint_eq(rec.expires_ns, 555);
	check_str("203.0.113.9", NULL);
	check_str("2001:db8::1", "2001:db8::/48");
	check_str("198.51.100.9", "198.51.100.0/24");
	/* the hooks speak the record maps' key format */
	k = bl_key_of(&missing);
	ck_assert_uint_eq(blf_hook_packets(f, 1, &k, 42), 0);
	ck_assert_uint_eq(blf_hook_packets(NULL, 1, &k, 42), 42);
	blf_hook_del(f, 1, &k);
	check_str("2001:db8::1", NULL);
	ck_assert_int_eq(blf_hook_put(f, 1, &k, 0), 0);
	check_str("2001:db8::1", "2001:db8::/48");
	bl_index_free(&idx);
}
END_TEST

static uint64_t hits(const char *prefix)
{
	struct prefix p = pfx(prefix);
	struct blf_rec r;

	ck_assert_int_eq(blf_get(f, &p, &r), 0);
	return r.packets;
}

/* Without an expiry, a /24's hits are counted in its own entry (pk[0] the
 * covering prefix's, pk[1] the inline one's): blf_get adds them, and every
 * rewrite of the entry first hands them to the prefixes that earned them,
 * so no hit moves to another prefix or is lost. An expiry sends the /24's
 * counting to bl_rec (BLF_T4_REC), where the datapath reads it. */
START_TEST(hits_in_entries_follow_their_prefix)
{
	struct prefix p16 = pfx("10.1.0.0/16"), p24 = pfx("10.1.5.0/24"), h = pfx("10.1.5.7/32");
	struct blf_top4 *t = &st.top4[10u << 16 | 1u << 8 | 5u], *o = &st.top4[10u << 16 | 1u << 8];

	add(&p16);
	EXPECT(!(t->w & BLF_T4_REC));
	t->pk[0] += 5; /* what the datapath would have counted */
	o->pk[0] += 1;
	EXPECT(hits("10.1.0.0/16") == 6);
	add(&p24); /* the /24's entry now names the /24: its 5 stay the /16's */
	EXPECT(hits("10.1.0.0/16") == 6 && hits("10.1.5.0/24") == 0 && t->pk[0] == 0);
	t->pk[0] += 2;
	EXPECT(hits("10.1.5.0/24") == 2 && hits("10.1.0.0/16") == 6);
	add(&h); /* the inline prefix appears: the word changes, counts move out */
	EXPECT(t->w & BLF_T4_SINGLE);
	t->pk[1] += 3;
	EXPECT(hits("10.1.5.7/32") == 3 && hits("10.1.5.0/24") == 2);
	ck_assert_int_eq(blf_add(f, &h, 5000), 0); /* a ttl: bl_rec counts */
	EXPECT((t->w & BLF_T4_REC) && t->pk[1] == 0 && !(o->w & BLF_T4_REC));
	EXPECT(hits("10.1.5.7/32") == 3 && hits("10.1.5.0/24") == 2);
	ck_assert_int_eq(blf_add(f, &h, 0), 0); /* no ttl again */
	EXPECT(!(t->w & BLF_T4_REC));
	ck_assert_int_eq(blf_add(f, &p16, 9000), 0); /* the /16's other /24s */
	EXPECT((o->w & BLF_T4_REC) && !(t->w & BLF_T4_REC) && o->pk[0] == 0);
	EXPECT(hits("10.1.0.0/16") == 6);
	/* the periodic fold empties the counters and keeps the sums */
	t->pk[0] += 4;
	t->pk[1] += 1;
	blf_fold(f, 1u << BLF_T4_BITS);
	EXPECT(t->pk[0] == 0 && t->pk[1] == 0);
	EXPECT(hits("10.1.5.0/24") == 6 && hits("10.1.5.7/32") == 4 && hits("10.1.0.0/16") == 6);
	del(&h);
	del(&p24);
	EXPECT(hits("10.1.0.0/16") == 6);
	del(&p16);
	check_empty();
}
END_TEST

/* A /32 bucket is copied to its bl6_home line, where its inline prefix's
 * hits are counted; a second /32 of the same line stays in bl6_mid alone
 * (BLF_H6_OVF) and is still matched, takes the line once it is free, and
 * nothing is left behind. */
START_TEST(home_lines_of_v6_32s)
{
	char other[64], third[64];
	struct prefix a, a2 = pfx("2001:db8:0:7::/64"), b, c;
	uint32_t k, kb;
	struct blf_home6 *l, *alt;

	ck_assert_int_eq(prefix_ref_colliding_48(other, sizeof(other), 0), 0);
	ck_assert_int_eq(prefix_ref_colliding_48(third, sizeof(third), 1), 0);
	a = pfx("2001:db8:0:1::/64");
	b = pfx(other);
	c = pfx(third);
	memcpy(&k, a.addr, 4);
	memcpy(&kb, b.addr, 4);
	l = &st.home6[blf_home6_idx(k)];
	alt = &st.home6[blf_home6_idx(k) ^ 1];
	add(&a);
	EXPECT(l->key == k && (l->flags & BLF_H6_VALID) && !(l->flags & BLF_H6_OVF));
	l->pk[1] += 2; /* what the datapath would have counted */
	blf_fold(f, 1u << BLF_T4_BITS); /* the periodic sweep covers the lines too */
	EXPECT(l->pk[1] == 0 && hits("2001:db8:0:1::/64") == 2);
	l->pk[1] += 1;
	EXPECT(hits("2001:db8:0:1::/64") == 3);
	add(&b); /* same line, another /32: the other line of the pair */
	EXPECT(l->key == k && (l->flags & BLF_H6_ALT) && !(l->flags & BLF_H6_OVF));
	EXPECT(alt->key == kb && (alt->flags & BLF_H6_VALID) && !(alt->flags & BLF_H6_ALT));
	alt->pk[1] += 4;
	EXPECT(hits(other) == 4);
	add(&c); /* a third: only in bl6_mid */
	EXPECT(l->key == k && (l->flags & BLF_H6_OVF) && alt->key == kb);
	check_str("2001:db8:0:1::9", "2001:db8:0:1::/64");
	b.addr[15] = 9;
	check_addr(AF_INET6, b.addr);
	c.addr[15] = 9;
	check_addr(AF_INET6, c.addr);
	b = pfx(other);
	c = pfx(third);
	add(&a2); /* two longer prefixes: the line leaves inline mode, hits kept */
	EXPECT(l->single == 0 && l->pk[1] == 0 && hits("2001:db8:0:1::/64") == 3);
	ck_assert_int_eq(blf_add(f, &a, 1000), 0); /* an expiry */
	EXPECT(!(l->flags & BLF_H6_REC)); /* neither single nor best: bl_rec anyway */
	del(&a2);
	EXPECT(l->single != 0 && (l->flags & BLF_H6_REC) && hits("2001:db8:0:1::/64") == 3);
	del(&a);
	EXPECT(!(l->flags & BLF_H6_VALID) && (l->flags & BLF_H6_OVF) && (l->flags & BLF_H6_ALT));
	c.addr[15] = 9;
	check_addr(AF_INET6, c.addr); /* through bl6_mid */
	c = pfx(third);
	add(&a2); /* a new /32 of another line: this one stays */
	del(&a2);
	ck_assert_int_eq(blf_add(f, &c, 0), 0); /* a rewrite of an entry in bl6_mid only */
	check_random_addrs(200);
	del(&b); /* the other line is free again: no more ALT */
	EXPECT(!(alt->flags & BLF_H6_VALID) && !(l->flags & BLF_H6_ALT) && hits(third) == 0);
	del(&c);
	check_empty();
}
END_TEST

/* The C lookup reads the known-empty bits first, as the datapath does
 * (test_blocklist_dp.c: known_empty_bits_answer_first): a set bit decides
 * "no /24 prefix here" / "no bucket for this line" without the big tables,
 * so a bit set by hand over a taken entry hides it from both alike. */
START_TEST(lookup_reads_none_bits_first)
{
	struct prefix p24 = pfx("198.51.100.0/24"), p48 = pfx("2001:db8:5::/48");
	uint8_t key[4] = {0x20, 0x01, 0x0d, 0xb8};
	uint32_t b4 = 198u << 16 | 51u << 8 | 100u, k32, h;

	memcpy(&k32, key, 4);
	h = blf_home6_idx(k32);
	add(&p24);
	add(&p48);
	check_str("198.51.100.9", "198.51.100.0/24");
	check_str("2001:db8:5::9", "2001:db8:5::/48");
	st.none4[b4 / 64] |= 1ULL << (b4 % 64);
	st.none6[h / 64] |= 1ULL << (h % 64);
	check_str("198.51.100.9", NULL);
	check_str("2001:db8:5::9", NULL);
	st.none4[b4 / 64] &= ~(1ULL << (b4 % 64));
	st.none6[h / 64] &= ~(1ULL << (h % 64));
	check_str("198.51.100.9", "198.51.100.0/24");
	check_str("2001:db8:5::9", "2001:db8:5::/48");
	del(&p24);
	del(&p48);
	check_empty();
}
END_TEST

/* A /24's lone longer prefix is kept inline in its top entry, so that it is
 * decided by one read; with two or more the hash decides. Every transition
 * keeps the answers right. */
START_TEST(inline_single_of_a_24)
{
	struct prefix h = pfx("203.0.113.7/32"), n30 = pfx("203.0.113.8/30"),
		      n25 = pfx("203.0.113.128/25"), p24 = pfx("203.0.113.0/24");
	uint64_t *t = &st.top4[203u << 16 | 0u << 8 | 113u].w;

	add(&p24);
	add(&h);
	EXPECT(*t & BLF_T4_SINGLE);
	check_str("203.0.113.7", "203.0.113.7/32");
	check_str("203.0.113.6", "203.0.113.0/24");
	add(&n30);
	EXPECT(!(*t & BLF_T4_SINGLE));
	check_str("203.0.113.7", "203.0.113.7/32");
	check_str("203.0.113.10", "203.0.113.8/30");
	check_str("203.0.113.12", "203.0.113.0/24");
	add(&n25);
	del(&h);
	EXPECT(!(*t & BLF_T4_SINGLE));
	check_str("203.0.113.7", "203.0.113.0/24");
	check_str("203.0.113.200", "203.0.113.128/25");
	del(&n30); /* the /25 is alone now: inline */
	EXPECT(*t & BLF_T4_SINGLE);
	check_str("203.0.113.200", "203.0.113.128/25");
	check_str("203.0.113.10", "203.0.113.0/24");
	del(&n25);
	EXPECT(!(*t & BLF_T4_SINGLE));
	check_str("203.0.113.200", "203.0.113.0/24");
	del(&p24);
	check_empty();
}
END_TEST

/* The same for a /32 bucket of IPv6: its lone longer prefix inline in the
 * bl6_mid value, named on deletes by the XOR of the slots under it. */
START_TEST(inline_single_of_a_v6_32)
{
	struct prefix h = pfx("2001:db8:0:1::7/128"), n64 = pfx("2001:db8:0:2::/64"),
		      n48 = pfx("2001:db8:5::/48"), p32 = pfx("2001:db8::/32");
	uint8_t key[4] = {0x20, 0x01, 0x0d, 0xb8};
	struct blf_mid6 m;

	add(&p32);
	add(&h);
	ck_assert_int_eq(st.ops->get(st.ctx, BLF_H_MID6, key, &m), 0);
	ck_assert_uint_ne(m.single, 0);
	check_str("2001:db8:0:1::7", "2001:db8:0:1::7/128");
	check_str("2001:db8:0:1::8", "2001:db8::/32");
	add(&n64);
	add(&n48);
	ck_assert_int_eq(st.ops->get(st.ctx, BLF_H_MID6, key, &m), 0);
	ck_assert_uint_eq(m.single, 0);
	check_str("2001:db8:0:2::9", "2001:db8:0:2::/64");
	check_str("2001:db8:5:1::9", "2001:db8:5::/48");
	del(&h);
	del(&n64); /* the /48 is alone now: inline */
	ck_assert_int_eq(st.ops->get(st.ctx, BLF_H_MID6, key, &m), 0);
	ck_assert_uint_ne(m.single, 0);
	check_str("2001:db8:5:1::9", "2001:db8:5::/48");
	check_str("2001:db8:0:2::9", "2001:db8::/32");
	del(&n48);
	del(&p32);
	check_empty();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("blocklist_fast");
	TCase *tc = tcase_create("index");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, overlaps_v4);
	tcase_add_test(tc, overlaps_v6);
	tcase_add_test(tc, hosts_and_zero);
	tcase_add_test(tc, expiry_and_hits_kept);
	tcase_add_test(tc, full_map_leaves_index_unchanged);
	tcase_add_test(tc, generation_follows_changes);
	tcase_add_test(tc, reconcile_with_records);
	tcase_add_test(tc, inline_single_of_a_24);
	tcase_add_test(tc, lookup_reads_none_bits_first);
	tcase_add_test(tc, hits_in_entries_follow_their_prefix);
	tcase_add_test(tc, home_lines_of_v6_32s);
	tcase_add_test(tc, inline_single_of_a_v6_32);
	tcase_add_loop_test(tc, random_churn_matches_reference, 0, 4);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
