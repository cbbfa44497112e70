/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The text form of one packet for `xdpctl trace` and the `trace` API method:
 *
 *   PROTO SRC[:PORT] > DST[:PORT] [OPTION...]
 *
 *   PROTO   tcp | udp | icmp | icmpv6 | a protocol name or number (0-255)
 *   SRC/DST 198.51.100.7:40000, [2001:db8::1]:443, or an address alone
 *           (ports: tcp and udp only, and required there)
 *   OPTION  flags S | flags SA. | flags syn,ack   (tcp; letters F S R P A U E C,
 *                                                  '.' is ack, as tcpdump prints)
 *           type echo-request | type 8            (icmp/icmpv6; default echo-request)
 *           code N                                (icmp/icmpv6, default 0)
 *           vlan ID                               (0-4095, at most twice: outer, inner)
 *           len N                                 (frame length in bytes, padded)
 *           in IFNAME                             (ingress interface)
 *
 * An option may be written in brackets, "[flags S]", as in the usage text.
 * The parser is pure: xdpctl runs it to point at a bad token before asking
 * the daemon, the daemon runs it again on what the API receives.
 */
#ifndef XDPD_TRACESPEC_H
#define XDPD_TRACESPEC_H

#include <stddef.h>
#include <stdint.h>

#define TRACE_VLAN_MAX	 2
#define TRACE_IFNAME_MAX 16
#define TRACE_LEN_MAX	 3000 /* a frame the kernel's test run takes in one buffer */
#define TRACE_TEXT_MAX	 512

struct trace_spec {
	uint8_t family; /* 4 or 6 */
	uint8_t proto;
	uint8_t has_ports;	  /* tcp, udp */
	uint8_t has_icmp;	  /* icmp over IPv4, icmpv6 over IPv6 */
	uint8_t src[16], dst[16]; /* network order, IPv4 in the first four bytes */
	uint16_t sport, dport;
	uint8_t tcp_flags; /* byte 13 of the TCP header; default SYN */
	uint8_t icmp_type, icmp_code;
	uint8_t nvlan;
	uint16_t vlan[TRACE_VLAN_MAX]; /* outer first */
	uint16_t len;		       /* 0: headers only (the shortest frame) */
	char ifname[TRACE_IFNAME_MAX]; /* "": the caller's default */
	/* where ifname is in the text, in characters: for the caller's own
	 * errors about it (an interface that is not in the policy) */
	size_t ifname_pos, ifname_len;
};

/* Where and why the text is wrong: [pos, pos + len) of the input, in
 * characters (UTF-8 code points; a byte of no valid sequence counts as one). */
struct tracespec_error {
	size_t pos, len;
	char message[160];
};

/* 0, or -EINVAL with err filled. */
int tracespec_parse(const char *text, struct trace_spec *out, struct tracespec_error *err);

/* Two lines for a terminal: the text, then carets under the bad token (err
 * in characters, as tracespec_parse() and the trace API report it). */
void tracespec_pointer(const char *text, const struct tracespec_error *err, char *buf, size_t len);

/* The frame the spec describes, Ethernet first, checksums filled: from
 * src_mac to dst_mac (the receiving interface). Returns its length, or
 * -ENOSPC when it does not fit in cap. */
int tracespec_build(const struct trace_spec *s, const uint8_t src_mac[6], const uint8_t dst_mac[6],
		    uint8_t *buf, size_t cap);

/* Bytes of headers the spec needs (the least len it accepts). */
size_t tracespec_header_len(const struct trace_spec *s);

#endif /* XDPD_TRACESPEC_H */
