// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The workload of bench/flows: prefixes with a realistic length mix, and
 * sources of distinct flows across them.
 *
 * IPv4 (shaped like public blocklists, e.g. FireHOL level 1-4 and Spamhaus
 * DROP merged): 60% /32, 25% /24, 10% /20-/23, 4% /25-/31, 1% /16-/19,
 * 1 in 10,000 /8-/15; spread over 1.0.0.0-223.255.255.255.
 * IPv6: 35% /128, 35% /64, 15% /48, 10% /56, 2% /40-/47, 3% /29-/32;
 * under the /12s the RIRs hand out (2001:, 2400:, 2600:, 2800:, 2a00:,
 * 2c00:).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "frames.h"
#include "flows.h"

uint64_t flows_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The remainders are taken before the cast: (int)(r >> 32) is negative
 * half the time, and so was its remainder, which once made /1s out of the
 * "1 in 10,000 /8-/15" (two of them covered every IPv4 source). */
static int len4(uint64_t r)
{
	uint32_t x = (uint32_t)(r % 100000);

	if (x < 60000)
		return 32;
	if (x < 85000)
		return 24;
	if (x < 95000)
		return 20 + (int)((r >> 32) % 4);
	if (x < 99000)
		return 25 + (int)((r >> 32) % 7);
	if (x < 99990)
		return 16 + (int)((r >> 32) % 4);
	return 8 + (int)((r >> 32) % 8);
}

static int len6(uint64_t r)
{
	uint32_t x = (uint32_t)(r % 1000);

	if (x < 350)
		return 128;
	if (x < 700)
		return 64;
	if (x < 850)
		return 48;
	if (x < 950)
		return 56;
	if (x < 970)
		return 40 + (int)((r >> 32) % 8);
	return 29 + (int)((r >> 32) % 4);
}

static void addr_anywhere(int family, uint64_t *st, uint8_t a[16])
{
	static const uint16_t rir[] = {0x2001, 0x2400, 0x2600, 0x2800, 0x2a00, 0x2c00};
	uint64_t r1 = flows_rand(st), r2 = flows_rand(st);

	memset(a, 0, 16);
	if (family == 4) {
		uint32_t v = (uint32_t)(1 + r1 % 223) << 24 | (uint32_t)(r1 >> 32) >> 8;

		v = htonl(v);
		memcpy(a, &v, 4);
		return;
	}
	memcpy(a, &r1, 8);
	memcpy(a + 8, &r2, 8);
	uint16_t top = rir[(r1 >> 56) % 6] | (uint16_t)((r2 >> 60) & 0xf);
	a[0] = (uint8_t)(top >> 8);
	a[1] = (uint8_t)top;
}

void flows_prefix(int family, uint64_t seed, uint32_t i, struct prefix *p)
{
	uint64_t st = seed ^ ((uint64_t)family << 40) ^ ((uint64_t)i * 0x100000001b3ULL);
	uint64_t r = flows_rand(&st);

	memset(p, 0, sizeof(*p));
	p->family = family == 4 ? AF_INET : AF_INET6;
	p->len = (uint8_t)(family == 4 ? len4(r) : len6(r));
	addr_anywhere(family, &st, p->addr);
	prefix_mask(p);
}

void flows_source(int family, uint64_t seed, uint32_t i, uint32_t n, uint8_t addr[16])
{
	uint64_t st = seed ^ 0x5eedULL ^ ((uint64_t)i << 20), r = flows_rand(&st);
	int bits = family == 4 ? 32 : 128;
	struct prefix p;

	addr_anywhere(family, &st, addr);
	if (!n || r % 2)
		return;
	flows_prefix(family, seed, (uint32_t)((r >> 1) % n), &p);
	for (int b = 0; b < p.len && b < bits; b++) {
		uint8_t bit = (uint8_t)(0x80 >> (b & 7));

		addr[b / 8] = (uint8_t)((addr[b / 8] & ~bit) | (p.addr[b / 8] & bit));
	}
}

int frames_make(struct frames *f, int family, uint64_t seed, uint32_t nprefixes, size_t n)
{
	char src[INET6_ADDRSTRLEN];
	uint8_t a[16], tmp[FRAME_MAX];
	struct frame_spec s = {.src = src,
			       .dst = family == 4 ? "192.0.2.1" : "2001:db8::1",
			       .proto = IPPROTO_UDP,
			       .payload = 18};
	uint64_t st = seed ^ 0xf10f5ULL;

	f->stride = 128;
	f->n = n;
	f->data = calloc(n, f->stride);
	f->len = calloc(n, sizeof(*f->len));
	if (!f->data || !f->len)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		uint64_t r = flows_rand(&st);
		int len;

		flows_source(family, seed, (uint32_t)i, nprefixes, a);
		inet_ntop(family == 4 ? AF_INET : AF_INET6, a, src, sizeof(src));
		s.sport = (uint16_t)(1024 + r % 64512);
		s.dport = (uint16_t)(r >> 32);
		len = frame_build(&s, tmp, sizeof(tmp)); /* wants room for any header chain */
		if (len < 0)
			return len;
		if ((size_t)len > f->stride)
			return -ENOSPC;
		memcpy(f->data + i * f->stride, tmp, (size_t)len);
		f->len[i] = (uint32_t)len;
	}
	return 0;
}

void frames_free(struct frames *f)
{
	free(f->data);
	free(f->len);
	memset(f, 0, sizeof(*f));
}
