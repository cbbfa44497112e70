/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test frames built in code: Ethernet, 802.1Q/802.1ad tags, IPv4 (options,
 * fragments), IPv6 (extension headers, fragment header), TCP, UDP, ICMP and
 * ICMPv6, with correct checksums. Shared by every test that feeds packets to
 * the datapath.
 */
#ifndef XDPD_TEST_FRAMES_H
#define XDPD_TEST_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX 2048

#define FRAME_TH_FIN 0x01
#define FRAME_TH_SYN 0x02
#define FRAME_TH_RST 0x04
#define FRAME_TH_PSH 0x08
#define FRAME_TH_ACK 0x10

struct frame_spec {
	const char *src, *dst; /* "198.51.100.7" or "2001:db8::1": the family follows */
	uint8_t proto;	       /* IPPROTO_TCP, _UDP, _ICMP, _ICMPV6 or any other number */
	uint16_t sport, dport; /* tcp/udp */
	uint8_t tcp_flags;     /* FRAME_TH_* */
	uint8_t icmp_type, icmp_code;

	int n_vlans;	       /* 0..2, outermost first */
	uint16_t vlan_tpid[2]; /* 0x8100 (802.1Q) or 0x88a8 (802.1ad) */
	uint16_t vlan_id[2];

	uint8_t ip4_opt_words; /* IPv4 options length in 4-byte words (0..10) */
	uint8_t ip6_ext[8];    /* IPv6 extension headers before the fragment
				* header (IPPROTO_HOPOPTS, _DSTOPTS, _ROUTING) */
	int n_ip6_ext;
	bool frag;	      /* IPv4: fragment fields; IPv6: add a fragment header */
	uint16_t frag_offset; /* in 8-byte units; != 0: no L4 header is written */
	bool more_frags;

	size_t payload; /* bytes after the L4 header (or after IP for a non-first fragment) */
};

/* Writes the frame into buf. Returns its length, or -EINVAL (bad address or
 * spec), -ENOSPC (cap too small). */
int frame_build(const struct frame_spec *s, uint8_t *buf, size_t cap);
/* An ARP request (a frame the datapath does not parse). */
int frame_build_arp(uint8_t *buf, size_t cap);

/* Offset of the L3 header of a frame built above (after Ethernet and tags). */
size_t frame_l3_offset(const uint8_t *buf, size_t len);
/* Verifies the IPv4 header checksum and the TCP/UDP/ICMP/ICMPv6 checksum of
 * an untagged or tagged frame without extension headers or fragments:
 * returns 0 when all are right, -EBADMSG otherwise (for tests of rewrites). */
int frame_check_csums(const uint8_t *buf, size_t len);

/* Internet checksum helpers, exposed for tests that patch frames. */
uint32_t csum_add(uint32_t sum, const void *data, size_t len);
uint16_t csum_fold(uint32_t sum);

#endif /* XDPD_TEST_FRAMES_H */
