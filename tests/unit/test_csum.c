// SPDX-License-Identifier: GPL-2.0-or-later
/* bpf/csum.h: incremental checksum updates against checksums computed from
 * scratch, on random headers and addresses (IPv4 header, TCP/UDP/ICMPv6
 * pseudo-header sums, the UDP zero rules). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "csum.h"
#include "check_run.h"

/* RFC 1071 from scratch over raw 16-bit words. */
static uint16_t full_csum(const uint16_t *w, size_t nwords)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < nwords; i++)
		sum += w[i];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void fill_random(uint16_t *w, size_t n, unsigned *seed)
{
	for (size_t i = 0; i < n; i++)
		w[i] = (uint16_t)rand_r(seed);
}

/* A 20-byte IPv4 header (10 words, checksum in word 5): change the
 * destination address (words 8-9) and update incrementally. */
START_TEST(ipv4_header_dst_rewrite)
{
	unsigned seed = 1;

	for (int iter = 0; iter < 200000; iter++) {
		uint16_t h[10], newdst[2];

		fill_random(h, 10, &seed);
		fill_random(newdst, 2, &seed);
		if (iter % 97 == 0)
			newdst[0] = newdst[1] = 0; /* extreme values too */
		if (iter % 89 == 0)
			newdst[0] = newdst[1] = 0xffff;
		h[5] = 0;
		h[5] = full_csum(h, 10);
		h[5] = csum_replace_words(h[5], &h[8], newdst, 2);
		memcpy(&h[8], newdst, 4);
		ck_assert_msg(full_csum(h, 10) == 0, "iteration %d: header does not verify", iter);
	}
}
END_TEST

/* An L4 segment covered by a pseudo-header: (src, dst, proto, len) followed
 * by the segment. The checksum verifies when the sum over all is 0xffff. */
static void l4_case(int addr_words, int udp, int is_v4, unsigned *seed)
{
	uint16_t pseudo[2 * 8 + 2], seg[16], newdst[8], old[8];
	size_t np = (size_t)(2 * addr_words + 2);
	uint16_t all[sizeof(pseudo) / 2 + 16];
	int ck = udp ? 3 : 8; /* checksum word: UDP 6 bytes in, TCP 16 */
	uint16_t expect;

	fill_random(pseudo, np, seed);
	fill_random(seg, 16, seed);
	fill_random(newdst, (size_t)addr_words, seed);
	seg[ck] = 0;
	memcpy(all, pseudo, np * 2);
	memcpy(all + np, seg, sizeof(seg));
	seg[ck] = full_csum(all, np + 16);
	if (udp && seg[ck] == 0)
		seg[ck] = 0xffff;
	memcpy(old, pseudo + addr_words, (size_t)addr_words * 2);
	seg[ck] = udp ? csum_replace_udp(seg[ck], old, newdst, addr_words, is_v4)
		      : csum_replace_words(seg[ck], old, newdst, addr_words);
	memcpy(pseudo + addr_words, newdst, (size_t)addr_words * 2);
	/* from scratch over the new pseudo-header */
	memcpy(all, pseudo, np * 2);
	memcpy(all + np, seg, sizeof(seg));
	expect = seg[ck];
	all[np + ck] = 0;
	all[np + ck] = full_csum(all, np + 16);
	if (udp && all[np + ck] == 0)
		all[np + ck] = 0xffff;
	/* 0x0000 and 0xffff are the same one's complement number */
	ck_assert_msg(expect == all[np + ck] || (uint16_t)(expect + all[np + ck]) == 0xffff,
		      "incremental %04x, from scratch %04x", expect, all[np + ck]);
	ck_assert_uint_ne(udp ? expect : 1, 0);
	all[np + ck] = expect;
	ck_assert_uint_eq(full_csum(all, np + 16), 0);
}

START_TEST(tcp_udp_icmpv6_pseudo_header)
{
	unsigned seed = 7;

	for (int iter = 0; iter < 100000; iter++) {
		l4_case(2, 0, 1, &seed); /* TCP over IPv4 */
		l4_case(2, 1, 1, &seed); /* UDP over IPv4 */
		l4_case(8, 0, 0, &seed); /* TCP or ICMPv6 over IPv6 */
		l4_case(8, 1, 0, &seed); /* UDP over IPv6 */
	}
}
END_TEST

START_TEST(udp4_zero_means_none)
{
	uint16_t a[2] = {1, 2}, b[2] = {3, 4};

	ck_assert_uint_eq(csum_replace_udp(0, a, b, 2, 1), 0);
	ck_assert_uint_ne(csum_replace_udp(0, a, b, 2, 0), 0);
}
END_TEST

/* Known vector: the IPv4 header of RFC 1071's classic example. */
START_TEST(known_header)
{
	static const uint8_t hdr[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
					0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
	uint16_t h[10], nd[2];
	uint8_t dst[4] = {192, 168, 1, 2};

	memcpy(h, hdr, 20);
	ck_assert_uint_eq(full_csum(h, 10), 0);
	memcpy(nd, dst, 4);
	h[5] = csum_replace_words(h[5], &h[8], nd, 2);
	memcpy(&h[8], nd, 4);
	ck_assert_uint_eq(full_csum(h, 10), 0);
}
END_TEST

static Suite *csum_suite(void)
{
	Suite *s = suite_create("csum");
	TCase *t = tcase_create("incremental");

	tcase_set_timeout(t, 60);
	tcase_add_test(t, ipv4_header_dst_rewrite);
	tcase_add_test(t, tcp_udp_icmpv6_pseudo_header);
	tcase_add_test(t, udp4_zero_means_none);
	tcase_add_test(t, known_header);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_run(csum_suite());
}
