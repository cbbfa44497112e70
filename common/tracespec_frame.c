// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A trace spec -> the Ethernet frame it describes, with correct lengths and
 * checksums, so that what the datapath rewrites (a balanced packet's
 * addresses and checksums) can be shown as the backend would receive it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "tracespec.h"

#define ETH_LEN	 14
#define VLAN_LEN 4
#define IP4_LEN	 20
#define IP6_LEN	 40

static size_t l4_len(const struct trace_spec *s)
{
	if (s->proto == IPPROTO_TCP)
		return 20;
	if (s->proto == IPPROTO_UDP || s->has_icmp)
		return 8;
	return 0;
}

static size_t l2_len(const struct trace_spec *s)
{
	return ETH_LEN + (size_t)s->nvlan * VLAN_LEN;
}

size_t tracespec_header_len(const struct trace_spec *s)
{
	return l2_len(s) + (s->family == 6 ? IP6_LEN : IP4_LEN) + l4_len(s);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t acc)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	return acc;
}

static uint16_t fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

/* Sum of the pseudo header of the L4 checksum (TCP, UDP, ICMPv6). */
static uint32_t pseudo_sum(const struct trace_spec *s, size_t l4len)
{
	size_t alen = s->family == 6 ? 16 : 4;
	uint32_t acc = sum16(s->src, alen, 0);

	acc = sum16(s->dst, alen, acc);
	return acc + s->proto + (uint32_t)l4len;
}

static size_t put_l2(const struct trace_spec *s, const uint8_t src_mac[6], const uint8_t dst_mac[6],
		     uint8_t *b)
{
	size_t o = 12;

	memcpy(b, dst_mac, 6);
	memcpy(b + 6, src_mac, 6);
	for (int i = 0; i < s->nvlan; i++) {
		/* two tags: 802.1ad outside, 802.1Q inside */
		put16(b + o, s->nvlan == 2 && i == 0 ? 0x88a8 : 0x8100);
		put16(b + o + 2, s->vlan[i]);
		o += VLAN_LEN;
	}
	put16(b + o, s->family == 6 ? 0x86dd : 0x0800);
	return o + 2;
}

static size_t put_ip(const struct trace_spec *s, uint8_t *b, size_t l3len)
{
	if (s->family == 6) {
		b[0] = 0x60;
		put16(b + 4, (uint16_t)(l3len - IP6_LEN));
		b[6] = s->proto;
		b[7] = 64;
		memcpy(b + 8, s->src, 16);
		memcpy(b + 24, s->dst, 16);
		return IP6_LEN;
	}
	b[0] = 0x45;
	put16(b + 2, (uint16_t)l3len);
	put16(b + 4, 1);      /* id */
	put16(b + 6, 0x4000); /* don't fragment */
	b[8] = 64;
	b[9] = s->proto;
	memcpy(b + 12, s->src, 4);
	memcpy(b + 16, s->dst, 4);
	put16(b + 10, fold(sum16(b, IP4_LEN, 0)));
	return IP4_LEN;
}

/* L4 header and its checksum over the header and the zero padding. */
static void put_l4(const struct trace_spec *s, uint8_t *b, size_t l4len)
{
	if (s->proto == IPPROTO_TCP) {
		put16(b, s->sport);
		put16(b + 2, s->dport);
		put32(b + 4, 1);			     /* seq */
		put32(b + 8, (s->tcp_flags & 0x10) ? 1 : 0); /* ack */
		b[12] = 5 << 4;
		b[13] = s->tcp_flags;
		put16(b + 14, 65535);
		put16(b + 16, fold(sum16(b, l4len, pseudo_sum(s, l4len))));
	} else if (s->proto == IPPROTO_UDP) {
		uint16_t c;

		put16(b, s->sport);
		put16(b + 2, s->dport);
		put16(b + 4, (uint16_t)l4len);
		c = fold(sum16(b, l4len, pseudo_sum(s, l4len)));
		put16(b + 6, c ? c : 0xffff);
	} else if (s->has_icmp) {
		b[0] = s->icmp_type;
		b[1] = s->icmp_code;
		put16(b + 4, 1); /* echo id */
		put16(b + 6, 1); /* echo sequence */
		put16(b + 2, fold(sum16(b, l4len, s->family == 6 ? pseudo_sum(s, l4len) : 0)));
	}
}

int tracespec_build(const struct trace_spec *s, const uint8_t src_mac[6], const uint8_t dst_mac[6],
		    uint8_t *buf, size_t cap)
{
	size_t hdr = tracespec_header_len(s);
	size_t len = s->len > hdr ? s->len : hdr;
	size_t o;

	if (len > cap)
		return -ENOSPC;
	memset(buf, 0, len);
	o = put_l2(s, src_mac, dst_mac, buf);
	o += put_ip(s, buf + o, len - o);
	put_l4(s, buf + o, len - o);
	return (int)len;
}
