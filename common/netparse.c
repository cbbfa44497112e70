/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parsing of the small value types operators write. Strict on purpose: no
 * signs, no spaces, no trailing junk, no silent truncation, because a typo
 * in a firewall policy must be an error, not a different rule.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "netparse.h"

int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	bool big = false;

	if (!s || !*s)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		unsigned int dig;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		dig = (unsigned int)(*p - '0');
		/* Keep scanning after overflow so "99999999999999999999x" is -EINVAL. */
		if (v > (UINT64_MAX - dig) / 10)
			big = true;
		else
			v = v * 10 + dig;
	}
	if (big || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_ip_addr(const char *s, struct ip_addr *out)
{
	struct ip_addr a;

	if (!s || !*s)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	a.family = strchr(s, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(a.family, s, a.addr) != 1)
		return -EINVAL;
	*out = a;
	return 0;
}

int parse_prefix_raw(const char *s, struct prefix *out)
{
	const char *slash;
	char addr[INET6_ADDRSTRLEN];
	struct ip_addr ip;
	uint64_t len;
	size_t alen;
	int r;

	if (!s)
		return -EINVAL;
	slash = strchr(s, '/');
	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	r = parse_ip_addr(addr, &ip);
	if (r < 0)
		return r;
	len = ip.family == AF_INET ? 32 : 128;
	if (slash) {
		r = parse_u64(slash + 1, len, &len);
		if (r < 0)
			return r;
	}
	memset(out, 0, sizeof(*out));
	out->family = ip.family;
	out->len = (uint8_t)len;
	memcpy(out->addr, ip.addr, sizeof(out->addr));
	return 0;
}

static void prefix_masked(const struct prefix *p, uint8_t addr[16])
{
	unsigned int bytes = p->family == AF_INET ? 4 : 16;

	for (unsigned int i = 0; i < 16; i++) {
		unsigned int bit = i * 8;
		uint8_t m;

		if (i >= bytes || bit >= p->len)
			m = 0;
		else if (bit + 8 <= p->len)
			m = 0xff;
		else
			m = (uint8_t)(0xff << (8 - (p->len - bit)));
		addr[i] = p->addr[i] & m;
	}
}

bool prefix_host_bits_set(const struct prefix *p)
{
	uint8_t m[16];

	prefix_masked(p, m);
	return memcmp(m, p->addr, sizeof(m)) != 0;
}

void prefix_mask(struct prefix *p)
{
	prefix_masked(p, p->addr);
}

const char *ip_addr_not_host(const struct ip_addr *a)
{
	static const uint8_t zero[16], loop6[16] = {[15] = 1};
	const uint8_t *b = a->addr;

	if (a->family == AF_INET6) {
		if (!memcmp(b, zero, 16))
			return "the unspecified address";
		if (!memcmp(b, loop6, 16))
			return "the loopback address";
		return b[0] == 0xff ? "a multicast address" : NULL;
	}
	if (b[0] == 0)
		return "in 0.0.0.0/8 (this network)";
	if (b[0] == 127)
		return "a loopback address";
	if (b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255)
		return "the broadcast address";
	if ((b[0] & 0xf0) == 0xe0)
		return "a multicast address";
	return (b[0] & 0xf0) == 0xf0 ? "in 240.0.0.0/4 (reserved)" : NULL;
}

int parse_prefix(const char *s, struct prefix *out)
{
	struct prefix p;
	int r = parse_prefix_raw(s, &p);

	if (r < 0)
		return r;
	if (prefix_host_bits_set(&p))
		return -EINVAL;
	*out = p;
	return 0;
}

int parse_port_range(const char *s, struct port_range *out)
{
	char lo[8];
	const char *dash;
	uint64_t a, b;
	size_t n;
	int r;

	if (!s)
		return -EINVAL;
	dash = strchr(s, '-');
	if (!dash) {
		r = parse_u64(s, 65535, &a);
		if (r < 0)
			return r;
		out->lo = out->hi = (uint16_t)a;
		return 0;
	}
	n = (size_t)(dash - s);
	if (n == 0 || n >= sizeof(lo))
		return n == 0 ? -EINVAL : -ERANGE;
	memcpy(lo, s, n);
	lo[n] = '\0';
	r = parse_u64(lo, 65535, &a);
	if (r < 0)
		return r;
	r = parse_u64(dash + 1, 65535, &b);
	if (r < 0)
		return r;
	if (a > b)
		return -EINVAL;
	out->lo = (uint16_t)a;
	out->hi = (uint16_t)b;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t m[6];
	char sep;

	if (!s || strlen(s) != 17)
		return -EINVAL;
	sep = s[2];
	if (sep != ':' && sep != '-')
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != sep))
			return -EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, m, 6);
	return 0;
}

struct unit {
	const char *name;
	uint64_t mult;
};

/* Splits "123unit" and scales by the unit's multiplier. */
static int parse_scaled(const char *s, const struct unit *units, uint64_t *out)
{
	char num[24];
	size_t n = 0;
	uint64_t v;
	int r;

	if (!s)
		return -EINVAL;
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	if (n == 0)
		return -EINVAL;
	if (n >= sizeof(num))
		return -ERANGE;
	memcpy(num, s, n);
	num[n] = '\0';
	r = parse_u64(num, UINT64_MAX, &v);
	if (r < 0)
		return r;
	for (const struct unit *u = units; u->name; u++) {
		if (strcasecmp(s + n, u->name))
			continue;
		if (v > UINT64_MAX / u->mult)
			return -ERANGE;
		*out = v * u->mult;
		return 0;
	}
	return -EINVAL;
}

int parse_duration_ms(const char *s, uint64_t *ms)
{
	static const struct unit units[] = {
		{ "", 1000 },	   { "ms", 1 },	       { "s", 1000 }, { "m", 60000 },
		{ "h", 3600000 }, { "d", 86400000 }, { NULL, 0 },
	};

	return parse_scaled(s, units, ms);
}

int parse_size(const char *s, uint64_t *bytes)
{
	static const struct unit units[] = {
		{ "", 1 },	       { "B", 1 },	      { "K", 1ULL << 10 },  { "KB", 1ULL << 10 },
		{ "KiB", 1ULL << 10 }, { "M", 1ULL << 20 },  { "MB", 1ULL << 20 }, { "MiB", 1ULL << 20 },
		{ "G", 1ULL << 30 },   { "GB", 1ULL << 30 }, { "GiB", 1ULL << 30 }, { "T", 1ULL << 40 },
		{ "TB", 1ULL << 40 },  { "TiB", 1ULL << 40 }, { NULL, 0 },
	};

	/* T units parse so that a size too large is called that, not "not a size" */
	return parse_scaled(s, units, bytes);
}

int format_ip_addr(const struct ip_addr *a, char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];

	if (!inet_ntop(a->family, a->addr, tmp, sizeof(tmp)))
		return -EINVAL;
	if ((size_t)snprintf(buf, len, "%s", tmp) >= len)
		return -ENOSPC;
	return 0;
}

int format_prefix(const struct prefix *p, char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];

	if (!inet_ntop(p->family, p->addr, tmp, sizeof(tmp)))
		return -EINVAL;
	if ((size_t)snprintf(buf, len, "%s/%u", tmp, p->len) >= len)
		return -ENOSPC;
	return 0;
}

void format_mac(const uint8_t mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
}

bool prefix_contains(const struct prefix *outer, const struct prefix *inner)
{
	struct prefix a = *outer, b = *inner;

	if (a.family != b.family || a.len > b.len)
		return false;
	b.len = a.len;
	prefix_mask(&a);
	prefix_mask(&b);
	return memcmp(a.addr, b.addr, sizeof(a.addr)) == 0;
}
