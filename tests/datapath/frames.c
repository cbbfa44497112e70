/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test frame builders: see frames.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "frames.h"

#define ETH_HLEN    14
#define VLAN_HLEN   4
#define IP4_HLEN    20
#define IP6_HLEN    40
#define IP6_EXT_LEN 8 /* every extension header we write */

static const uint8_t mac_dst[6] = {0x02, 0, 0, 0, 0, 0x02};
static const uint8_t mac_src[6] = {0x02, 0, 0, 0, 0, 0x01};

uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

/* Folds to 16 bits and complements: the value stored in a header, and 0
 * when a header including its checksum is verified. */
uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Pseudo-header sum for the L4 checksum (RFC 768, RFC 8200 8.1). */
static uint32_t pseudo_sum(int family, const uint8_t *src, const uint8_t *dst, uint8_t proto,
			   uint32_t l4len)
{
	size_t alen = family == 4 ? 4 : 16;
	uint32_t sum = 0;

	sum = csum_add(sum, src, alen);
	sum = csum_add(sum, dst, alen);
	sum += proto;
	sum += l4len & 0xffff;
	sum += l4len >> 16;
	return sum;
}

static size_t l4_hdr_len(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return 20;
	case IPPROTO_UDP:
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return 8;
	default:
		return 0;
	}
}

/* Writes the L4 header for s at p (l4len bytes including payload, already
 * filled) and its checksum. */
static void put_l4(const struct frame_spec *s, int family, const uint8_t *src, const uint8_t *dst,
		   uint8_t *p, size_t l4len)
{
	uint32_t sum;
	size_t csum_off;

	switch (s->proto) {
	case IPPROTO_TCP:
		put16(p, s->sport);
		put16(p + 2, s->dport);
		memcpy(p + 4, "\0\0\0\1\0\0\0\0", 8); /* seq 1, ack 0 */
		p[12] = 5 << 4;
		p[13] = s->tcp_flags;
		put16(p + 14, 65535);
		csum_off = 16;
		break;
	case IPPROTO_UDP:
		put16(p, s->sport);
		put16(p + 2, s->dport);
		put16(p + 4, (uint16_t)l4len);
		csum_off = 6;
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		p[0] = s->icmp_type;
		p[1] = s->icmp_code;
		put16(p + 4, 0x4242); /* echo id */
		put16(p + 6, 1);      /* echo seq */
		csum_off = 2;
		break;
	default:
		return;
	}
	sum = s->proto == IPPROTO_ICMP ? 0 : pseudo_sum(family, src, dst, s->proto, l4len);
	put16(p + csum_off, csum_fold(csum_add(sum, p, l4len)));
	if (s->proto == IPPROTO_UDP && get16(p + csum_off) == 0)
		put16(p + csum_off, 0xffff);
}

static size_t put_eth(const struct frame_spec *s, uint8_t *p, uint16_t ethertype)
{
	size_t off = 12;
	int i;

	memcpy(p, mac_dst, 6);
	memcpy(p + 6, mac_src, 6);
	for (i = 0; i < s->n_vlans; i++) {
		put16(p + off, s->vlan_tpid[i]);
		put16(p + off + 2, s->vlan_id[i] & 0x0fff);
		off += VLAN_HLEN;
	}
	put16(p + off, ethertype);
	return off + 2;
}

static size_t put_ip4(const struct frame_spec *s, uint8_t *p, const uint8_t *src,
		      const uint8_t *dst, size_t l4len)
{
	size_t hlen = IP4_HLEN + 4 * s->ip4_opt_words;
	uint16_t frag = s->frag ? (uint16_t)(s->frag_offset & 0x1fff) : 0;

	if (s->frag && s->more_frags)
		frag |= 0x2000;
	memset(p, 0, hlen);
	p[0] = 0x40 | (uint8_t)(hlen / 4);
	put16(p + 2, (uint16_t)(hlen + l4len));
	put16(p + 4, 0x1234);
	put16(p + 6, frag);
	p[8] = 64;
	p[9] = s->proto;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	memset(p + IP4_HLEN, 1, hlen - IP4_HLEN); /* NOP options */
	put16(p + 10, csum_fold(csum_add(0, p, hlen)));
	return hlen;
}

/* IPv6 header, the extension headers of s, then the fragment header. */
static size_t put_ip6(const struct frame_spec *s, uint8_t *p, const uint8_t *src,
		      const uint8_t *dst, size_t l4len)
{
	size_t off = IP6_HLEN, exts = s->n_ip6_ext * IP6_EXT_LEN + (s->frag ? IP6_EXT_LEN : 0);
	uint8_t *nh = p + 6;
	int i;

	memset(p, 0, IP6_HLEN);
	p[0] = 0x60;
	put16(p + 4, (uint16_t)(exts + l4len));
	p[7] = 64;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	for (i = 0; i < s->n_ip6_ext; i++) {
		*nh = s->ip6_ext[i];
		nh = p + off;
		memset(p + off, 0, IP6_EXT_LEN);
		if (s->ip6_ext[i] != IPPROTO_ROUTING) {
			p[off + 2] = 1; /* PadN covering the rest of the header */
			p[off + 3] = 4;
		} /* routing: type 0, segments left 0, ignored by receivers */
		off += IP6_EXT_LEN;
	}
	if (s->frag) {
		uint16_t fo = (uint16_t)(s->frag_offset << 3) | (s->more_frags ? 1 : 0);

		*nh = IPPROTO_FRAGMENT;
		nh = p + off;
		memset(p + off, 0, IP6_EXT_LEN);
		put16(p + off + 2, fo);
		put16(p + off + 6, 0x4242);
		off += IP6_EXT_LEN;
	}
	*nh = s->proto;
	return off;
}

static int parse_addrs(const struct frame_spec *s, uint8_t *src, uint8_t *dst)
{
	int family = s->src && strchr(s->src, ':') ? 6 : 4;
	int af = family == 4 ? AF_INET : AF_INET6;

	if (!s->src || !s->dst)
		return -EINVAL;
	if (inet_pton(af, s->src, src) != 1 || inet_pton(af, s->dst, dst) != 1)
		return -EINVAL;
	return family;
}

int frame_build(const struct frame_spec *s, uint8_t *buf, size_t cap)
{
	uint8_t src[16], dst[16];
	bool has_l4 = !(s->frag && s->frag_offset);
	size_t l4hdr = has_l4 ? l4_hdr_len(s->proto) : 0, l3off, l4off, l4len, i;
	int family = parse_addrs(s, src, dst);

	if (family < 0 || s->n_vlans < 0 || s->n_vlans > 2 || s->n_ip6_ext < 0 ||
	    s->n_ip6_ext > 8 || s->ip4_opt_words > 10)
		return -EINVAL;
	l4len = l4hdr + s->payload;
	if (ETH_HLEN + 2 * VLAN_HLEN + IP6_HLEN + 9 * IP6_EXT_LEN + 40 + l4len > cap)
		return -ENOSPC;
	memset(buf, 0, cap);
	l3off = put_eth(s, buf, family == 4 ? 0x0800 : 0x86dd);
	l4off = l3off + (family == 4 ? put_ip4(s, buf + l3off, src, dst, l4len)
				     : put_ip6(s, buf + l3off, src, dst, l4len));
	for (i = 0; i < s->payload; i++)
		buf[l4off + l4hdr + i] = (uint8_t)i;
	if (has_l4)
		put_l4(s, family, src, dst, buf + l4off, l4len);
	return (int)(l4off + l4len);
}

int frame_build_arp(uint8_t *buf, size_t cap)
{
	/* clang-format off */
	static const uint8_t arp[28] = {
		0, 1, 8, 0, 6, 4, 0, 1,			  /* ethernet/ipv4 request */
		0x02, 0, 0, 0, 0, 0x01, 192, 0, 2, 1,	  /* sender */
		0, 0, 0, 0, 0, 0, 192, 0, 2, 2,		  /* target */
	};
	/* clang-format on */

	if (cap < ETH_HLEN + sizeof(arp))
		return -ENOSPC;
	memset(buf, 0xff, 6);
	memcpy(buf + 6, mac_src, 6);
	put16(buf + 12, 0x0806);
	memcpy(buf + ETH_HLEN, arp, sizeof(arp));
	return ETH_HLEN + sizeof(arp);
}

size_t frame_l3_offset(const uint8_t *buf, size_t len)
{
	size_t off = 12;

	while (off + 2 <= len && (get16(buf + off) == 0x8100 || get16(buf + off) == 0x88a8))
		off += VLAN_HLEN;
	return off + 2;
}

static int check_l4(const uint8_t *l4, size_t l4len, int family, const uint8_t *src,
		    const uint8_t *dst, uint8_t proto)
{
	uint32_t sum;

	if (l4len < l4_hdr_len(proto))
		return -EBADMSG;
	if (proto == IPPROTO_UDP && family == 4 && get16(l4 + 6) == 0)
		return 0; /* no checksum */
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_ICMPV6)
		sum = pseudo_sum(family, src, dst, proto, (uint32_t)l4len);
	else if (proto == IPPROTO_ICMP)
		sum = 0;
	else
		return 0;
	return csum_fold(csum_add(sum, l4, l4len)) == 0 ? 0 : -EBADMSG;
}

int frame_check_csums(const uint8_t *buf, size_t len)
{
	size_t l3 = frame_l3_offset(buf, len), hlen, tot;
	const uint8_t *ip = buf + l3;

	if (l3 + IP4_HLEN > len)
		return -EBADMSG;
	if (get16(buf + l3 - 2) == 0x0800) {
		hlen = (ip[0] & 0x0f) * 4u;
		tot = get16(ip + 2);
		if (hlen < IP4_HLEN || l3 + tot > len || tot < hlen)
			return -EBADMSG;
		if (csum_fold(csum_add(0, ip, hlen)) != 0)
			return -EBADMSG;
		return check_l4(ip + hlen, tot - hlen, 4, ip + 12, ip + 16, ip[9]);
	}
	if (get16(buf + l3 - 2) == 0x86dd) {
		if (l3 + IP6_HLEN > len)
			return -EBADMSG;
		tot = get16(ip + 4);
		if (l3 + IP6_HLEN + tot > len)
			return -EBADMSG;
		return check_l4(ip + IP6_HLEN, tot, 6, ip + 8, ip + 24, ip[6]);
	}
	return -EBADMSG;
}
